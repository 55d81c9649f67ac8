package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
)

const (
	profileSK    = "profileSecretKey0123456789abcdefEXAMPLE0"
	profileToken = "profile-security-token-never-printed"
)

func TestParseProfile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		want    config.Profile
		wantErr string
	}{
		{
			name: "ak and sk with comments, blank lines and spaces",
			file: "# Huawei Cloud\n; written by hcloud\n\n[basic]\n  ak =  HPUAEXAMPLE  \nsk=" + profileSK + "\n",
			want: config.Profile{AccessKey: "HPUAEXAMPLE", SecretKey: profileSK},
		},
		{
			name: "temporary keys with project and IAM endpoint",
			file: "[basic]\nak = TEMPAK\nsk = " + profileSK + "\nsecurity_token = " + profileToken +
				"\nproject_id = 0123456789abcdef0123456789abcdef\niam_endpoint = https://iam.eu-west-101.myhuaweicloud.eu\n",
			want: config.Profile{AccessKey: "TEMPAK", SecretKey: profileSK, SecurityToken: profileToken,
				ProjectID: "0123456789abcdef0123456789abcdef", IAMEndpoint: "https://iam.eu-west-101.myhuaweicloud.eu"},
		},
		{
			name: "OIDC",
			file: "[basic]\nidp_id = cce-idp\nid_token_file = /var/run/secrets/tokens/oidc-token\n",
			want: config.Profile{IdpID: "cce-idp", IDTokenFile: "/var/run/secrets/tokens/oidc-token"},
		},
		{
			name: "other sections and unknown keys ignored",
			file: "[global]\ndomain_id = abc\nak = NOT-THIS-ONE\n[basic]\nak = HPUAEXAMPLE\nsk = " + profileSK + "\nregion = cn-north-4\n[other]\nsk = nor-this\n",
			want: config.Profile{AccessKey: "HPUAEXAMPLE", SecretKey: profileSK},
		},
		{
			name: "byte-order mark and CRLF line ends",
			file: "\uFEFF[basic]\r\nak = HPUAEXAMPLE\r\nsk = " + profileSK + "\r\n",
			want: config.Profile{AccessKey: "HPUAEXAMPLE", SecretKey: profileSK},
		},
		{name: "no [basic] section", file: "[global]\nak = A\nsk = " + profileSK + "\n", wantErr: "no [basic] section"},
		{name: "empty file", file: "", wantErr: "no [basic] section"},
		{name: "ak without sk", file: "[basic]\nak = A\n", wantErr: "[basic] ak is set but sk is not; set both"},
		{name: "sk without ak", file: "[basic]\nsk = " + profileSK + "\n", wantErr: "[basic] sk is set but ak is not; set both"},
		{name: "security token alone", file: "[basic]\nsecurity_token = " + profileToken + "\n", wantErr: "security_token is set without ak and sk"},
		{name: "idp_id without id_token_file", file: "[basic]\nidp_id = cce-idp\n", wantErr: "[basic] idp_id is set but id_token_file is not; OIDC needs both"},
		{name: "id_token_file without idp_id", file: "[basic]\nid_token_file = /t\n", wantErr: "[basic] id_token_file is set but idp_id is not; OIDC needs both"},
		{name: "no credentials", file: "[basic]\nproject_id = 0123\n", wantErr: "no credentials: want ak and sk, or idp_id and id_token_file"},
		{name: "line that is not key = value", file: "[basic]\nak HPUAEXAMPLE\nsk = " + profileSK + "\n", wantErr: "line 2: want key = value"},
		{name: "unclosed section", file: "[basic\nak = A\n", wantErr: "line 1: section header without closing ]"},
		{name: "key set twice", file: "[basic]\nsk = " + profileSK + "\nak = A\nsk = " + profileSK + "x\n", wantErr: "[basic] sk set twice, on lines 2 and 4"},
		{name: "two [basic] sections", file: "[basic]\nak = A\n[basic]\nsk = " + profileSK + "\n", wantErr: "line 3: second [basic] section"},
		{name: "no key", file: "[basic]\n= " + profileSK + "\n", wantErr: "line 2: no key before ="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const path = "/home/exporter/.huaweicloud/credentials"
			got, err := config.ParseProfile(path, []byte(tc.file))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "credentials file "+path+": ") {
					t.Fatalf("error %v, want one naming the file and saying %q", err, tc.wantErr)
				}
				for _, secret := range []string{profileSK, profileToken} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error quotes a secret: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Path = path
			if *got != tc.want {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestLoadProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("[basic]\nak = A\nsk = "+profileSK+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := config.LoadProfile(path)
	if err != nil || p.AccessKey != "A" || p.SecretKey != profileSK || p.Path != path {
		t.Fatalf("got %+v, %v", p, err)
	}

	_, err = config.LoadProfile(path + ".missing")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path+".missing") {
		t.Errorf("missing file: %v, want fs.ErrNotExist naming the file", err)
	}
}

func TestProfilePath(t *testing.T) {
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	got, err := config.ProfilePath(env(map[string]string{"HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/etc/hw/credentials"}))
	if err != nil || got != "/etc/hw/credentials" {
		t.Errorf("with the variable: %q, %v", got, err)
	}
	t.Setenv("HOME", "/home/exporter")
	got, err = config.ProfilePath(env(nil))
	if err != nil || got != "/home/exporter/.huaweicloud/credentials" {
		t.Errorf("default: %q, %v", got, err)
	}
}

func TestProfilePrintsNoSecret(t *testing.T) {
	p, err := config.ParseProfile("f", []byte("[basic]\nak = A\nsk = "+profileSK+"\nsecurity_token = "+profileToken+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v"} {
		out := fmt.Sprintf(format, p)
		if strings.Contains(out, profileSK) || strings.Contains(out, profileToken) {
			t.Errorf("%s prints a secret: %s", format, out)
		}
	}
}
