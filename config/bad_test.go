package config

import (
	"path/filepath"
	"sort"
	"testing"
)

// badConfigs maps each file in testdata/bad to the exact error it must
// give: the key, and what is wrong with it. Paths inside the files are
// relative to this directory. The main package replays the same files
// against the binary's start-up and reload.
var badConfigs = map[string]string{
	"yaml_syntax.yml":                  `config: line 1: key "region": did not find expected ',' or ']'`,
	"unknown_key.yml":                  `config: line 8: unknown key "concurency"`,
	"unknown_nested_key.yml":           `config: line 8: unknown key "nmae"`,
	"wrong_type_number.yml":            `config: line 8: key "concurrency": text "lots" is not a valid whole number`,
	"wrong_type_list.yml":              `config: line 4: key "projects": text "0123456..." is not a valid list`,
	"wrong_type_bool.yml":              `config: line 5: key "insecure_skip_verify": text "maybe" is not a valid true/false`,
	"duplicate_key.yml":                `config: line 2: mapping key "region" already defined at line 1`,
	"duplicate_gateway.yml":            `config: projects[0].instances[1].id: gateway eddc4d25480b4cd6b512f270a1b8b341 is listed twice in this project (also instances[0])`,
	"duplicate_project.yml":            `config: projects[1].id: project 0123456789abcdef0123456789abcdef is listed twice (also projects[0])`,
	"conflicting_auth.yml":             `config: auth: token and token_file are both set; configure exactly one`,
	"conflicting_auth_modes.yml":       `config: auth: token and aksk are both set; configure exactly one`,
	"aksk_missing_secret_key.yml":      `config: auth.aksk.secret_key: missing; set secret_key or secret_key_file`,
	"password_missing_username.yml":    `config: auth.password.username: missing; set the IAM user name`,
	"missing_secret.yml":               `config: auth: no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out to use the environment, the credentials file or the ECS metadata service`,
	"secret_in_wrong_place.yml":        `config: line 2: key "auth": text (value hidden) is not a valid mapping`,
	"unreadable_token_file.yml":        `config: auth.token_file: cannot read /nonexistent/apig_exporter/token: no such file or directory`,
	"empty_token_file.yml":             `config: auth.token_file: testdata/empty_token is empty`,
	"endpoint_scheme.yml":              `config: apig_endpoint: "ftp://apig.example.invalid": scheme must be https:// (or http:// for tests)`,
	"endpoint_with_path.yml":           `config: apig_endpoint: "https://apig.example.invalid/v2" must be scheme://host[:port] with no path or query`,
	"endpoint_with_credentials.yml":    `config: iam_endpoint: credentials in the URL are not allowed; use auth`,
	"bad_region.yml":                   `config: region: "Mars" is not a Huawei Cloud region ID (like ap-southeast-1)`,
	"bad_project_region.yml":           `config: projects[0].region: "cn_north_4" is not a Huawei Cloud region ID (like ap-southeast-1)`,
	"no_region.yml":                    `config: projects[0].region: no region for this project: set region (top level or per project) or apig_endpoint`,
	"negative_duration.yml":            `config: request_timeout: -5s is out of range; use more than 0s and at most 5m`,
	"not_a_duration.yml":               `config: line 8: key "request_timeout": "soon" is not a duration (use 10s, 1m)`,
	"concurrency_zero.yml":             `config: concurrency: 0 is out of range; use 1 to 1000`,
	"no_projects.yml":                  `config: projects: no project configured, and a static token cannot look the project up from the region; list the projects with their gateways`,
	"no_projects_no_region.yml":        `config: projects: no project configured and no region to find it from; list the projects with their gateways, or set region (or HW_REGION_NAME) to watch every gateway of the region's project`,
	"missing_project_id.yml":           `config: projects[0].id: missing; set the project ID (32 hex characters)`,
	"empty_instances.yml":              `config: projects[0].instances: empty; list the gateways to watch, or set discover: true`,
	"bad_gateway_id.yml":               `config: projects[0].instances[0].id: "../../admin" is not a gateway ID`,
	"unreadable_ca_file.yml":           `config: tls.ca_file: cannot read /nonexistent/apig_exporter/ca.pem: no such file or directory`,
	"ca_file_not_pem.yml":              `config: tls.ca_file: testdata/not_a_cert.pem holds no PEM certificate`,
	"empty.yml":                        `config: projects: no project configured and no region to find it from; list the projects with their gateways, or set region (or HW_REGION_NAME) to watch every gateway of the region's project`,
	"oidc_missing_idp_id.yml":          `config: auth.oidc.idp_id: missing; set the ID of the identity provider configured in IAM`,
	"oidc_missing_id_token_file.yml":   `config: auth.oidc.id_token_file: missing; set the file holding the id token (such as a projected service-account token)`,
	"unreadable_id_token_file.yml":     `config: auth.oidc.id_token_file: cannot read /nonexistent/apig_exporter/id_token: no such file or directory`,
	"agency_bad_metadata_endpoint.yml": `config: auth.agency.metadata_endpoint: "169.254.169.254" must be http://host[:port], such as http://169.254.169.254`,
	"profile_file_missing.yml":         `config: auth.profile.file: credentials file /nonexistent/apig_exporter/credentials: no such file or directory`,
	"project_auth_no_mode.yml":         `config: projects[0].auth: no credentials; set one of token, token_file, aksk, password, agency, oidc or profile, or leave auth out to use the top-level auth`,
	"project_auth_two_modes.yml":       `config: projects[0].auth: aksk and agency are both set; configure exactly one`,
}

func TestBadConfigFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) != len(badConfigs) {
		t.Errorf("%d files in testdata/bad, %d in the table: keep them in step", len(files), len(badConfigs))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := badConfigs[name]
			if !ok {
				t.Fatalf("%s has no expected error in badConfigs", name)
			}
			_, err := Load(f)
			if err == nil {
				t.Fatalf("loaded without error, want %q", want)
			}
			if err.Error() != want {
				t.Errorf("error:\n%s\nwant:\n%s", err, want)
			}
		})
	}
}

func TestUnreadableConfigFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.yml"), "config file: open " + filepath.Join(dir, "nope.yml") + ": no such file or directory"},
		{"a directory", dir, "config file: read " + dir + ": is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
