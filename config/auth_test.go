package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const authProjects = "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n"

func TestAuthModes(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		name, auth string
		wantMode   string
		wantErr    string
	}{
		{name: "token", auth: "{token: t0k3n}", wantMode: ModeToken},
		{name: "token file", auth: "{token_file: " + secretFile + "}", wantMode: ModeToken},
		{name: "aksk inline", auth: "{aksk: {access_key: AK, secret_key: SK}}", wantMode: ModeAKSK},
		{name: "aksk files with security token", auth: "{aksk: {access_key_file: " + secretFile + ", secret_key_file: " + secretFile + ", security_token_file: " + secretFile + "}}", wantMode: ModeAKSK},
		{name: "password", auth: "{password: {domain_name: acct, username: bot, password: pw}}", wantMode: ModePassword},
		{name: "password file", auth: "{password: {domain_name: acct, username: bot, password_file: " + secretFile + "}}", wantMode: ModePassword},

		{name: "token and aksk", auth: "{token: x, aksk: {access_key: AK, secret_key: SK}}", wantErr: "auth: token and aksk are both set; configure exactly one"},
		{name: "token_file and password", auth: "{token_file: " + secretFile + ", password: {domain_name: a, username: b, password: c}}", wantErr: "auth: token_file and password are both set; configure exactly one"},
		{name: "all three", auth: "{token: x, aksk: {access_key: AK, secret_key: SK}, password: {domain_name: a, username: b, password: c}}", wantErr: "auth: token, aksk and password are all set; configure exactly one"},
		{name: "agency with the default endpoint", auth: "{agency: {}}", wantMode: ModeAgency},
		{name: "agency with an endpoint", auth: "{agency: {metadata_endpoint: 'http://127.0.0.1:8080'}}", wantMode: ModeAgency},
		{name: "oidc", auth: "{oidc: {idp_id: cce, id_token_file: " + secretFile + "}}", wantMode: ModeOIDC},

		{name: "no mode", auth: "{}", wantErr: "auth: no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out"},
		{name: "agency and oidc", auth: "{agency: {}, oidc: {idp_id: cce, id_token_file: " + secretFile + "}}", wantErr: "auth: agency and oidc are both set; configure exactly one"},
		{name: "agency endpoint with a path", auth: "{agency: {metadata_endpoint: 'http://169.254.169.254/openstack'}}", wantErr: `auth.agency.metadata_endpoint: "http://169.254.169.254/openstack" must be http://host[:port]`},
		{name: "agency endpoint without scheme", auth: "{agency: {metadata_endpoint: '169.254.169.254'}}", wantErr: `auth.agency.metadata_endpoint: "169.254.169.254" must be http://host[:port]`},
		{name: "oidc without idp_id", auth: "{oidc: {id_token_file: " + secretFile + "}}", wantErr: "auth.oidc.idp_id: missing"},
		{name: "oidc without id_token_file", auth: "{oidc: {idp_id: cce}}", wantErr: "auth.oidc.id_token_file: missing"},
		{name: "oidc unreadable id_token_file", auth: "{oidc: {idp_id: cce, id_token_file: " + missing + "}}", wantErr: "auth.oidc.id_token_file: cannot read " + missing + ": no such file or directory"},
		{name: "oidc unknown key", auth: "{oidc: {idp: cce}}", wantErr: `unknown key "idp"`},
		{name: "profile file missing", auth: "{profile: {file: " + missing + "}}", wantErr: "auth.profile.file: credentials file " + missing + ": no such file or directory"},
		{name: "aksk without secret key", auth: "{aksk: {access_key: AK}}", wantErr: "auth.aksk.secret_key: missing; set secret_key or secret_key_file"},
		{name: "aksk without access key", auth: "{aksk: {secret_key: SK}}", wantErr: "auth.aksk.access_key: missing; set access_key or access_key_file"},
		{name: "aksk secret key twice", auth: "{aksk: {access_key: AK, secret_key: SK, secret_key_file: " + secretFile + "}}", wantErr: "auth.aksk: secret_key and secret_key_file are both set; configure exactly one"},
		{name: "aksk security token twice", auth: "{aksk: {access_key: AK, secret_key: SK, security_token: t, security_token_file: " + secretFile + "}}", wantErr: "auth.aksk: security_token and security_token_file are both set"},
		{name: "aksk unreadable secret key file", auth: "{aksk: {access_key: AK, secret_key_file: " + missing + "}}", wantErr: "auth.aksk.secret_key_file: cannot read " + missing + ": no such file or directory"},
		{name: "aksk unknown key", auth: "{aksk: {access_key: AK, secret: SK}}", wantErr: `unknown key "secret"`},
		{name: "password without domain", auth: "{password: {username: bot, password: pw}}", wantErr: "auth.password.domain_name: missing"},
		{name: "password without user", auth: "{password: {domain_name: acct, password: pw}}", wantErr: "auth.password.username: missing"},
		{name: "password without password", auth: "{password: {domain_name: acct, username: bot}}", wantErr: "auth.password.password: missing; set password or password_file"},
		{name: "password twice", auth: "{password: {domain_name: a, username: b, password: c, password_file: " + secretFile + "}}", wantErr: "auth.password: password and password_file are both set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte("auth: " + tc.auth + "\n" + authProjects))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v\nwant it to contain %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("error shows a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Auth.Mode(); got != tc.wantMode {
				t.Errorf("mode %q, want %q", got, tc.wantMode)
			}
		})
	}
}

func TestPasswordNeedsIAMEndpoint(t *testing.T) {
	const auth = "auth: {password: {domain_name: a, username: b, password: c}}\n"
	_, err := Parse([]byte(auth + "apig_endpoint: https://apig.example\nprojects: [{id: p1, instances: [{id: i1}]}]\n"))
	if err == nil || !strings.Contains(err.Error(), "projects[0].region: password login needs IAM for this project") {
		t.Fatalf("error %v", err)
	}
	if _, err := Parse([]byte(auth + "apig_endpoint: https://apig.example\niam_endpoint: https://iam.example\nprojects: [{id: p1, instances: [{id: i1}]}]\n")); err != nil {
		t.Fatal(err)
	}
}

func TestAuthSecretsNeverPrint(t *testing.T) {
	c, err := Parse([]byte("auth: {aksk: {access_key: AK, secret_key: s3cr3t-sk, security_token: s3cr3t-st}}\n" + authProjects))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse([]byte("auth: {password: {domain_name: a, username: b, password: s3cr3t-pw}}\n" + authProjects))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{sprint("%+v", *c.Auth.AKSK), sprint("%#v", *c.Auth.AKSK), sprint("%v", *p.Auth.Password), sprint("%+v", *p.Auth.Password)} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

// envVars are all variables FromEnvironment reads; each test starts with
// them empty so the developer's own environment cannot leak in.
var envVars = []string{
	"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID",
	"HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_PROJECT_ID", "HW_REGION_NAME",
}

func TestEnvironmentPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name        string
		file        string
		env         map[string]string
		wantErr     string
		wantMode    string
		wantAK      string
		wantSK      Secret
		wantToken   Secret
		wantProject string
		wantRegion  string
		wantSource  string
		// wantDiscover is whether the first project discovers its gateways.
		wantDiscover bool
	}{
		{
			name: "SDK variables give AK/SK, project and nothing else",
			file: "region: cn-north-4\nprojects: [{instances: [{id: i1}]}]\n",
			env: map[string]string{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "SK1", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "ST1",
				"HUAWEICLOUD_SDK_PROJECT_ID": "p-env"},
			wantMode: ModeAKSK, wantAK: "AK1", wantSK: "SK1", wantToken: "ST1", wantProject: "p-env", wantRegion: "cn-north-4",
			wantSource: "environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN",
		},
		{
			name: "Terraform variables when the SDK ones are absent",
			file: "projects: [{instances: [{id: i1}]}]\n",
			env: map[string]string{"HW_ACCESS_KEY": "AK2", "HW_SECRET_KEY": "SK2", "HW_SECURITY_TOKEN": "ST2",
				"HW_PROJECT_ID": "p-hw", "HW_REGION_NAME": "ap-southeast-1"},
			wantMode: ModeAKSK, wantAK: "AK2", wantSK: "SK2", wantToken: "ST2", wantProject: "p-hw", wantRegion: "ap-southeast-1",
			wantSource: "environment: HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN",
		},
		{
			name: "SDK variables win over Terraform's, never mixed",
			file: "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env: map[string]string{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "SK1",
				"HW_ACCESS_KEY": "AK2", "HW_SECRET_KEY": "SK2", "HW_SECURITY_TOKEN": "ST2",
				"HUAWEICLOUD_SDK_PROJECT_ID": "p-env", "HW_PROJECT_ID": "p-hw"},
			wantMode: ModeAKSK, wantAK: "AK1", wantSK: "SK1", wantToken: "", wantProject: "p1", wantRegion: "cn-north-4",
			wantSource: "environment: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK",
		},
		{
			name:     "file credentials win over the environment",
			file:     "region: cn-north-4\nauth: {token: file-token}\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env:      map[string]string{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "SK1", "HW_REGION_NAME": "ap-southeast-1"},
			wantMode: ModeToken, wantProject: "p1", wantRegion: "cn-north-4",
		},
		{
			name:     "file password wins over the environment",
			file:     "region: cn-north-4\nauth: {password: {domain_name: a, username: b, password: c}}\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env:      map[string]string{"HW_ACCESS_KEY": "AK2", "HW_SECRET_KEY": "SK2"},
			wantMode: ModePassword, wantProject: "p1", wantRegion: "cn-north-4",
		},
		{
			name:    "half a key pair is an error",
			file:    "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env:     map[string]string{"HUAWEICLOUD_SDK_AK": "AK1", "HW_SECRET_KEY": "SK2"},
			wantErr: "auth: HUAWEICLOUD_SDK_AK is set in the environment but HUAWEICLOUD_SDK_SK is not; set both or neither",
		},
		{
			name:    "half an OIDC pair is an error naming both",
			file:    "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env:     map[string]string{"HUAWEICLOUD_SDK_ID_TOKEN_FILE": "/var/run/token"},
			wantErr: "auth: HUAWEICLOUD_SDK_ID_TOKEN_FILE is set in the environment but HUAWEICLOUD_SDK_IDP_ID is not; set both or neither",
		},
		{
			name:    "an empty auth does not fall through to the environment",
			file:    "region: cn-north-4\nauth: {}\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			env:     map[string]string{"HUAWEICLOUD_SDK_AK": "AK1", "HUAWEICLOUD_SDK_SK": "SK1"},
			wantErr: "auth: no credentials",
		},
		{
			name:     "no credentials anywhere leaves the metadata service",
			file:     "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
			wantMode: ModeAgency, wantProject: "p1", wantRegion: "cn-north-4",
		},
		{
			name:        "a project only the environment names discovers its gateways",
			file:        "region: cn-north-4\nauth: {token: x}\n",
			env:         map[string]string{"HUAWEICLOUD_SDK_PROJECT_ID": "p-env"},
			wantMode:    ModeToken,
			wantProject: "p-env", wantRegion: "cn-north-4", wantDiscover: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range envVars {
				t.Setenv(v, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			path := filepath.Join(t.TempDir(), "config.yml")
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v\nwant it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Auth.Mode(); got != tc.wantMode {
				t.Errorf("mode %q, want %q", got, tc.wantMode)
			}
			if tc.wantMode == ModeAKSK {
				k := c.Auth.AKSK
				if k.AccessKey != tc.wantAK || k.SecretKey != tc.wantSK || k.SecurityToken != tc.wantToken {
					t.Errorf("aksk = %q/%q/%q, want %q/%q/%q", k.AccessKey, string(k.SecretKey), string(k.SecurityToken), tc.wantAK, string(tc.wantSK), string(tc.wantToken))
				}
			}
			if c.Auth.Source != tc.wantSource {
				t.Errorf("source %q, want %q", c.Auth.Source, tc.wantSource)
			}
			if c.Projects[0].ID != tc.wantProject || c.Region != tc.wantRegion {
				t.Errorf("project %q region %q, want %q %q", c.Projects[0].ID, c.Region, tc.wantProject, tc.wantRegion)
			}
			if got := c.Projects[0].Discovery.Discover; got != tc.wantDiscover {
				t.Errorf("discover = %v, want %v", got, tc.wantDiscover)
			}
		})
	}
}

// TestParseIgnoresEnvironment: Parse is the file alone; an auth left out
// goes to the metadata service without reading any credentials file.
func TestParseIgnoresEnvironment(t *testing.T) {
	t.Setenv("HUAWEICLOUD_SDK_AK", "AK1")
	t.Setenv("HUAWEICLOUD_SDK_SK", "SK1")
	c, err := Parse([]byte(authProjects))
	if err != nil {
		t.Fatal(err)
	}
	if c.Auth.Mode() != ModeAgency || len(c.Auth.Chain) != 2 || c.Auth.Chain[1] != "credentials file: not read without an environment" {
		t.Errorf("mode %q, chain %q; want the metadata service, the file unread", c.Auth.Mode(), c.Auth.Chain)
	}
}
