package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEAuthExamples parses every YAML example of the README's
// Authentication section, so the documented configs stay copy-pasteable.
func TestREADMEAuthExamples(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Authentication\n")
	if !ok {
		t.Fatal("README has no Authentication section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(section, -1)
	// The examples, in order, and the mode each loads as (the default
	// chain's examples with the environment below, or with none).
	want := []struct {
		mode   string
		useEnv bool
	}{
		{ModeAKSK, false}, {ModePassword, false}, {ModeToken, false}, {ModeAgency, false}, {ModeOIDC, false},
		{ModeAKSK, false},   // profile: the credentials file holds AK/SK
		{ModeAKSK, true},    // environment
		{ModeAgency, false}, // the region alone: the metadata service
		{ModeAgency, false}, // several accounts
	}
	if len(blocks) != len(want) {
		t.Fatalf("%d YAML examples, want %d (aksk, password, token, agency, oidc, profile, environment, region alone, several accounts)", len(blocks), len(want))
	}
	dir := t.TempDir()
	files := regexp.MustCompile(`(/etc/apig_exporter|/var/run/secrets/tokens)/[a-z_-]+`)
	env := map[string]string{
		"HUAWEICLOUD_SDK_AK": "HPUAEXAMPLE", "HUAWEICLOUD_SDK_SK": "sk",
		"HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef", "HW_REGION_NAME": "ap-southeast-1",
		ProfileFileVar: filepath.Join(dir, "absent"),
	}
	var last *Config // the several accounts example
	for i, blk := range blocks {
		text := files.ReplaceAllStringFunc(blk[1], func(p string) string {
			local := filepath.Join(dir, filepath.Base(p))
			content := "value\n"
			if filepath.Base(p) == "credentials" {
				content = "[basic]\nak = HPUAEXAMPLE\nsk = sk\nproject_id = 0123456789abcdef0123456789abcdef\n"
			}
			if err := os.WriteFile(local, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return local
		})
		lookup := func(k string) (string, bool) {
			if !want[i].useEnv && k != ProfileFileVar {
				return "", false
			}
			v, ok := env[k]
			return v, ok
		}
		c, err := ParseWithEnv([]byte(text), lookup)
		if err != nil {
			t.Errorf("example %d:\n%s\n%v", i+1, blk[1], err)
			continue
		}
		last = c
		if c.Auth.Mode() != want[i].mode {
			t.Errorf("example %d: mode %q, want %q", i+1, c.Auth.Mode(), want[i].mode)
		}
	}
	if last == nil || len(last.Projects) != 2 || last.AuthFor(last.Projects[1]).Mode() != ModeAKSK {
		t.Errorf("several accounts: the second project does not have its own aksk")
	}
}
