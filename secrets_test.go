package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoSecretInConfigCheck: --config.check, on good files and on files
// with problems next to the secrets, never prints a secret, whatever the
// auth mode and wherever the credentials come from. The exporter package
// checks logs and pages.
func TestNoSecretInConfigCheck(t *testing.T) {
	const projects = "region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n"
	for _, tc := range []struct {
		name    string
		auth    string
		env     map[string]string
		secrets []string
	}{
		{name: "token", auth: "auth:\n  token: tok-secret-value-1\n", secrets: []string{"tok-secret-value-1"}},
		{name: "aksk", auth: "auth:\n  aksk:\n    access_key: AKID\n    secret_key: sk-secret-value-2\n    security_token: st-secret-value-3\n",
			secrets: []string{"sk-secret-value-2", "st-secret-value-3"}},
		{name: "password", auth: "auth:\n  password:\n    domain_name: d\n    username: u\n    password: pw-secret-value-4\n",
			secrets: []string{"pw-secret-value-4"}},
		{name: "environment", env: map[string]string{"HUAWEICLOUD_SDK_AK": "ENVAK", "HUAWEICLOUD_SDK_SK": "env-secret-key-5", "HUAWEICLOUD_SDK_SECURITY_TOKEN": "env-token-6"},
			secrets: []string{"env-secret-key-5", "env-token-6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			path := filepath.Join(t.TempDir(), "apig_exporter.yml")
			good := tc.auth + projects
			for i, text := range []string{
				good,
				good + "token_file: /nonexistent\nconcurrency: 0\n", // problems, none about secrets
				strings.Replace(good, "auth:\n", "auth:\n  token_file: /nonexistent\n", 1),
				strings.Replace(good, ": tok-", ": !!int tok-", 1), // a type error quoting the value
			} {
				writeFile(t, path, text)
				var stdout, stderr bytes.Buffer
				code := run([]string{"--config.check", "--config.file", path, "--log.level=debug"}, &stdout, &stderr)
				if i == 0 && code != 0 {
					t.Errorf("the good file fails: %s", stderr.String())
				}
				out := stdout.String() + stderr.String()
				for _, s := range tc.secrets {
					if strings.Contains(out, s) {
						t.Errorf("--config.check of file #%d shows a secret: %s", i, out)
					}
				}
			}
		})
	}
}
