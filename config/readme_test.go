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
	if len(blocks) != 4 {
		t.Fatalf("%d YAML examples, want 4 (aksk, password, token, environment)", len(blocks))
	}
	dir := t.TempDir()
	files := regexp.MustCompile(`/etc/apig_exporter/[a-z_]+`)
	env := map[string]string{
		"HUAWEICLOUD_SDK_AK": "HPUAEXAMPLE", "HUAWEICLOUD_SDK_SK": "sk",
		"HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef", "HW_REGION_NAME": "ap-southeast-1",
	}
	wantModes := []string{ModeAKSK, ModePassword, ModeToken, ModeAKSK}
	for i, blk := range blocks {
		text := files.ReplaceAllStringFunc(blk[1], func(p string) string {
			local := filepath.Join(dir, filepath.Base(p))
			if err := os.WriteFile(local, []byte("value\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return local
		})
		c, err := ParseWithEnv([]byte(text), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if err != nil {
			t.Errorf("example %d:\n%s\n%v", i+1, blk[1], err)
			continue
		}
		if c.Auth.Mode() != wantModes[i] {
			t.Errorf("example %d: mode %q, want %q", i+1, c.Auth.Mode(), wantModes[i])
		}
	}
}
