package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDefaultChain resolves an auth left out of the file, as the SDKs'
// chain does: environment, then credentials file, then the metadata
// service (left to the exporter, with the reasons the others failed).
func TestDefaultChain(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	idToken := write("id_token", "eyJ.id.token\n")
	akskFile := write("aksk", "[basic]\nak = FILEAK\nsk = FILESK\nproject_id = 0123456789abcdef0123456789abcdef\niam_endpoint = iam.example.test\n")
	oidcFile := write("oidc", "[basic]\nidp_id = file-idp\nid_token_file = "+idToken+"\n")
	brokenFile := write("broken", "[basic]\nak = FILEAK\n")
	noFile := filepath.Join(dir, "absent")
	const listed = "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n"

	for _, tc := range []struct {
		name        string
		file        string
		env         map[string]string
		wantErr     string
		wantMode    string
		wantSource  string
		wantIAM     string // IAMEndpointFor the first project
		wantProject string
		wantChain   []string
	}{
		{
			name:     "environment wins over the credentials file",
			file:     listed,
			env:      map[string]string{"HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", ProfileFileVar: akskFile},
			wantMode: ModeAKSK, wantSource: "environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK",
			wantIAM: "https://iam.cn-north-4.myhuaweicloud.com", wantProject: "p1",
		},
		{
			name: "the OIDC pair wins over AK/SK, with the IAM endpoint given https://",
			file: listed,
			env: map[string]string{IdpIDVar: "env-idp", IDTokenFileVar: idToken, IAMEndpointVar: "iam.env.test",
				"HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK"},
			wantMode: ModeOIDC, wantSource: "environment: HUAWEICLOUD_SDK_IDP_ID, HUAWEICLOUD_SDK_ID_TOKEN_FILE",
			wantIAM: "https://iam.env.test", wantProject: "p1",
		},
		{
			name:    "half the OIDC pair is an error naming both",
			file:    listed,
			env:     map[string]string{IdpIDVar: "env-idp"},
			wantErr: "config: auth: HUAWEICLOUD_SDK_IDP_ID is set in the environment but HUAWEICLOUD_SDK_ID_TOKEN_FILE is not; set both or neither",
		},
		{
			name:    "half an AK/SK pair is an error naming both",
			file:    listed,
			env:     map[string]string{"HW_SECRET_KEY": "SK"},
			wantErr: "config: auth: HW_SECRET_KEY is set in the environment but HW_ACCESS_KEY is not; set both or neither",
		},
		{
			name:     "the credentials file wins over the metadata service, with its project and IAM endpoint",
			file:     "region: cn-north-4\n",
			env:      map[string]string{ProfileFileVar: akskFile},
			wantMode: ModeAKSK, wantSource: "credentials file: " + akskFile,
			wantIAM: "https://iam.example.test", wantProject: "0123456789abcdef0123456789abcdef",
		},
		{
			name:     "the credentials file's project does not replace a listed one",
			file:     listed,
			env:      map[string]string{ProfileFileVar: akskFile},
			wantMode: ModeAKSK, wantSource: "credentials file: " + akskFile,
			wantIAM: "https://iam.example.test", wantProject: "p1",
		},
		{
			name:     "a configured iam_endpoint wins over the credentials file's",
			file:     "iam_endpoint: https://iam.config.test\n" + listed,
			env:      map[string]string{ProfileFileVar: akskFile},
			wantMode: ModeAKSK, wantSource: "credentials file: " + akskFile,
			wantIAM: "https://iam.config.test", wantProject: "p1",
		},
		{
			name:     "an OIDC credentials file",
			file:     listed,
			env:      map[string]string{ProfileFileVar: oidcFile},
			wantMode: ModeOIDC, wantSource: "credentials file: " + oidcFile,
			wantIAM: "https://iam.cn-north-4.myhuaweicloud.com", wantProject: "p1",
		},
		{
			name:    "a broken credentials file is an error, not a reason to go on",
			file:    listed,
			env:     map[string]string{ProfileFileVar: brokenFile},
			wantErr: "config: auth: credentials file " + brokenFile + ": [basic] ak is set but sk is not; set both",
		},
		{
			name:     "nothing in the environment nor a file: the metadata service, with why the others failed",
			file:     listed,
			env:      map[string]string{ProfileFileVar: noFile},
			wantMode: ModeAgency, wantIAM: "https://iam.cn-north-4.myhuaweicloud.com", wantProject: "p1",
			wantChain: []string{
				"environment: none of HUAWEICLOUD_SDK_IDP_ID with HUAWEICLOUD_SDK_ID_TOKEN_FILE, HUAWEICLOUD_SDK_AK with HUAWEICLOUD_SDK_SK, HW_ACCESS_KEY with HW_SECRET_KEY is set",
				"credentials file " + noFile + ": no such file or directory",
			},
		},
		{
			name:    "a bad HUAWEICLOUD_SDK_IAM_ENDPOINT is named",
			file:    listed,
			env:     map[string]string{"HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", IAMEndpointVar: "https://iam.test/v3"},
			wantErr: `config: HUAWEICLOUD_SDK_IAM_ENDPOINT: "https://iam.test/v3" must be scheme://host[:port] with no path or query`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseWithEnv([]byte(tc.file), func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v\nwant %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Auth.Mode() != tc.wantMode || c.Auth.Source != tc.wantSource {
				t.Errorf("mode %q from %q, want %q from %q", c.Auth.Mode(), c.Auth.Source, tc.wantMode, tc.wantSource)
			}
			if got := c.IAMEndpointFor(c.Projects[0]); got != tc.wantIAM {
				t.Errorf("IAM endpoint %q, want %q", got, tc.wantIAM)
			}
			if c.Projects[0].ID != tc.wantProject {
				t.Errorf("project %q, want %q", c.Projects[0].ID, tc.wantProject)
			}
			if !slices.Equal(c.Auth.Chain, tc.wantChain) {
				t.Errorf("chain reasons %q, want %q", c.Auth.Chain, tc.wantChain)
			}
		})
	}
}

// TestProfileMode reads auth.profile, at the top level and per project:
// the file's credentials replace the profile key, and its project_id
// names the project that has none.
func TestProfileMode(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "credentials")
	if err := os.WriteFile(file, []byte("[basic]\nak = PROFAK\nsk = PROFSK\nsecurity_token = PROFST\nproject_id = fedcba9876543210fedcba9876543210\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		if k == ProfileFileVar {
			return file, true
		}
		return "", false
	}
	t.Run("top level, default file, discovers the file's project", func(t *testing.T) {
		c, err := ParseWithEnv([]byte("region: cn-north-4\nauth: {profile: {}}\n"), env)
		if err != nil {
			t.Fatal(err)
		}
		k := c.Auth.AKSK
		if c.Auth.Mode() != ModeAKSK || k.AccessKey != "PROFAK" || k.SecretKey != "PROFSK" || k.SecurityToken != "PROFST" {
			t.Errorf("mode %q, keys %+v", c.Auth.Mode(), k)
		}
		if len(c.Projects) != 1 || c.Projects[0].ID != "fedcba9876543210fedcba9876543210" || !c.Projects[0].Discover {
			t.Errorf("projects %+v, want the file's project, discovered", c.Projects)
		}
	})
	t.Run("per project, named file, fills the project's id", func(t *testing.T) {
		c, err := ParseWithEnv([]byte("region: cn-north-4\nauth: {token: t}\nprojects:\n  - {id: p1, instances: [{id: i1}]}\n  - {discover: true, auth: {profile: {file: "+file+"}}}\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Projects[1].ID != "fedcba9876543210fedcba9876543210" || c.AuthFor(c.Projects[1]).Mode() != ModeAKSK || c.AuthFor(c.Projects[0]).Mode() != ModeToken {
			t.Errorf("projects %+v", c.Projects)
		}
		if !strings.HasPrefix(c.Projects[1].Auth.Source, "credentials file: ") {
			t.Errorf("source %q", c.Projects[1].Auth.Source)
		}
	})
}

// TestProjectsFromRegion: with no project listed, the region's project is
// looked up at load, which a static token cannot do.
func TestProjectsFromRegion(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		wantErr    string
	}{
		{name: "aksk and region", file: "region: cn-north-4\nauth: {aksk: {access_key: AK, secret_key: SK}}\n"},
		{name: "agency and a region from the environment", file: "auth: {agency: {}}\n", env: map[string]string{"HW_REGION_NAME": "eu-west-101"}},
		{name: "password and region", file: "region: cn-north-4\nauth: {password: {domain_name: a, username: b, password: c}}\n"},
		{name: "token", file: "region: cn-north-4\nauth: {token: t}\n", wantErr: "config: projects: no project configured, and a static token cannot look the project up from the region; list the projects with their gateways"},
		{name: "no region", file: "auth: {agency: {}}\n", wantErr: "config: projects: no project configured and no region to find it from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseWithEnv([]byte(tc.file), func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Projects) != 0 {
				t.Errorf("projects %+v, want none (looked up at load)", c.Projects)
			}
		})
	}
}

// TestProjectAuth: a project's own auth takes the same modes, must name
// exactly one, and overrides the top level for that project only.
func TestProjectAuth(t *testing.T) {
	const head = "region: cn-north-4\nauth: {token: t}\nprojects:\n  - {id: p1, instances: [{id: i1}]}\n  - {id: p2, instances: [{id: i2}], auth: "
	for _, tc := range []struct {
		name, auth string
		wantMode   string
		wantErr    string
	}{
		{name: "agency", auth: "{agency: {}}", wantMode: ModeAgency},
		{name: "aksk", auth: "{aksk: {access_key: AK, secret_key: SK}}", wantMode: ModeAKSK},
		{name: "no mode", auth: "{}", wantErr: "config: projects[1].auth: no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out to use the top-level auth"},
		{name: "two modes", auth: "{token: x, agency: {}}", wantErr: "config: projects[1].auth: token and agency are both set; configure exactly one"},
		{name: "bad aksk", auth: "{aksk: {access_key: AK}}", wantErr: "config: projects[1].auth.aksk.secret_key: missing; set secret_key or secret_key_file"},
		{name: "a secret where a mapping goes is not quoted", auth: "s3cr3t-in-the-wrong-place", wantErr: `config: line 5: text (value hidden) is not a valid mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(head + tc.auth + "}\n"))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.AuthFor(c.Projects[1]).Mode(); got != tc.wantMode {
				t.Errorf("projects[1] mode %q, want %q", got, tc.wantMode)
			}
			if got := c.AuthFor(c.Projects[0]).Mode(); got != ModeToken {
				t.Errorf("projects[0] mode %q, want the top level's token", got)
			}
		})
	}
}
