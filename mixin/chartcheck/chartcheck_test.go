package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const alertFile = `
groups:
  - name: apig
    rules:
      - alert: ApigDown
        expr: apig_up == 0
        for: 5m
`

func rendered(t *testing.T, docs ...string) manifests {
	t.Helper()
	m, err := parseManifests(strings.NewReader(strings.Join(docs, "\n---\n")))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckRuleGroups(t *testing.T) {
	for _, tc := range []struct {
		name    string
		doc     string
		wantErr string
	}{
		{
			name: "the alert file's groups pass",
			doc: `kind: PrometheusRule
spec:
  groups:
    - name: apig
      rules:
        - {alert: ApigDown, expr: apig_up == 0, for: 5m}`,
		},
		{
			name: "a changed for is named",
			doc: `kind: PrometheusRule
spec:
  groups:
    - name: apig
      rules:
        - {alert: ApigDown, expr: apig_up == 0, for: 1m}`,
			wantErr: "groups[0].rules[0].for: got 1m, want 5m",
		},
		{
			name: "a missing rule is named",
			doc: `kind: PrometheusRule
spec:
  groups:
    - name: apig
      rules: []`,
			wantErr: "groups[0].rules: got [], want 1 items",
		},
		{
			name:    "no PrometheusRule",
			doc:     `kind: ConfigMap`,
			wantErr: "want one PrometheusRule, found 0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRuleGroups(rendered(t, tc.doc), []byte(alertFile))
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCheckDashboard(t *testing.T) {
	const dashboard = "{\n  \"title\": \"APIG\"\n}\n"
	for _, tc := range []struct {
		name    string
		doc     string
		wantErr string
	}{
		{
			name: "the file as it is passes",
			doc: `kind: ConfigMap
metadata: {labels: {grafana_dashboard: "1"}}
data:
  apig.json: |-
    {
      "title": "APIG"
    }`,
		},
		{
			name: "a changed title fails",
			doc: `kind: ConfigMap
metadata: {labels: {grafana_dashboard: "1"}}
data: {apig.json: '{"title": "other"}'}`,
			wantErr: "apig.json differs",
		},
		{
			name:    "no sidecar label fails",
			doc:     `{kind: ConfigMap, data: {apig.json: "{}"}}`,
			wantErr: "want one ConfigMap, found 0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkDashboard(rendered(t, tc.doc), []byte(dashboard))
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

const deployment = `kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: apig-exporter
          volumeMounts:
            - {name: config, mountPath: /etc/apig_exporter}
            - {name: credentials, mountPath: /etc/apig_exporter/secrets}
            - {name: oidc-token, mountPath: /var/run/secrets/oidc/}
      volumes:
        - {name: config, configMap: {name: c}}
        - {name: credentials, secret: {secretName: s}}
        - {name: oidc-token, projected: {sources: []}}`

func TestCheckFilesMounted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		config  string
		wantErr string
	}{
		{name: "a token in the Secret", config: `auth: {token_file: /etc/apig_exporter/secrets/token}`},
		{name: "AK/SK in the Secret", config: `auth: {aksk: {access_key_file: /etc/apig_exporter/secrets/ak, secret_key_file: /etc/apig_exporter/secrets/sk}}`},
		{name: "an id token in the projected volume", config: `auth: {oidc: {idp_id: x, id_token_file: /var/run/secrets/oidc/token}}`},
		{
			name:    "a token in the ConfigMap's directory",
			config:  `auth: {token_file: /etc/apig_exporter/token}`,
			wantErr: "auth.token_file: /etc/apig_exporter/token is in no Secret or projected volume",
		},
		{
			name:    "a password file nowhere mounted",
			config:  `auth: {password: {password_file: /run/pw}}`,
			wantErr: "auth.password.password_file: /run/pw is in no Secret",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cfg map[string]any
			if err := yaml.Unmarshal([]byte(tc.config), &cfg); err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			credentialFiles(cfg, "", files)
			mounts, err := mountedFrom(rendered(t, deployment))
			if err != nil {
				t.Fatal(err)
			}
			err = checkFilesMounted(files, mounts)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestWriteConfigMovesOnlyTheCredentialFiles(t *testing.T) {
	configMap := `kind: ConfigMap
data:
  apig_exporter.yml: |
    region: ap-southeast-1
    auth:
      aksk: {access_key_file: /s/ak, secret_key_file: /s/sk}
    projects:
      - {id: p1, discover: true}
`
	cfg, err := exporterConfig(rendered(t, configMap))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	credentialFiles(cfg, "", files)
	dir := t.TempDir()
	p, err := writeConfig(cfg, files, dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := yaml.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"access_key_file": filepath.Join(dir, "root/s/ak"),
		"secret_key_file": filepath.Join(dir, "root/s/sk"),
	} {
		moved := dig(got, "auth", "aksk", key)
		if moved != want {
			t.Errorf("auth.aksk.%s = %v, want %s", key, moved, want)
		}
		if b, err := os.ReadFile(want); err != nil || string(b) != testCredential {
			t.Errorf("%s holds %q (%v), want the test credential", want, b, err)
		}
	}
	if dig(got, "region") != "ap-southeast-1" || dig(got, "projects", 0, "id") != "p1" || dig(got, "projects", 0, "discover") != true {
		t.Errorf("other keys changed: %v", got)
	}
}
