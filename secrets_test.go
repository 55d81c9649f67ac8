package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
)

// secretsOf lists the values in cfg that must never be written or served.
func secretsOf(cfg *config.Config) []string {
	var s []string
	for _, v := range []config.Secret{cfg.Auth.Token} {
		s = append(s, string(v))
	}
	if k := cfg.Auth.AKSK; k != nil {
		s = append(s, string(k.SecretKey), string(k.SecurityToken))
	}
	if p := cfg.Auth.Password; p != nil {
		s = append(s, string(p.Password))
	}
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// spoil replaces every secret with a wrong one of the same kind, so APIG
// or IAM refuses the exporter and error paths are logged and exposed.
func spoil(cfg *config.Config) {
	a := &cfg.Auth
	if a.Token != "" {
		a.Token = "wrong-" + a.Token
	}
	if a.AKSK != nil {
		k := *a.AKSK
		k.SecretKey = "wrong-" + k.SecretKey
		a.AKSK = &k
	}
	if a.Password != nil {
		p := *a.Password
		p.Password = "wrong-" + p.Password
		a.Password = &p
	}
}

// authYAML writes cfg's auth block with the real secret values (Secret
// itself would marshal as <secret>).
func authYAML(a config.Auth) string {
	switch {
	case a.Token != "":
		return fmt.Sprintf("auth:\n  token: %q\n", string(a.Token))
	case a.AKSK != nil:
		return fmt.Sprintf("auth:\n  aksk:\n    access_key: %q\n    secret_key: %q\n    security_token: %q\n", a.AKSK.AccessKey, string(a.AKSK.SecretKey), string(a.AKSK.SecurityToken))
	default:
		return fmt.Sprintf("auth:\n  password:\n    domain_name: %q\n    username: %q\n    password: %q\n", a.Password.DomainName, a.Password.Username, string(a.Password.Password))
	}
}

func configYAML(cfg *config.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apig_endpoint: %s\niam_endpoint: %s\n", cfg.APIGEndpoint, cfg.APIGEndpoint)
	b.WriteString(authYAML(cfg.Auth))
	b.WriteString("projects:\n")
	for _, p := range cfg.Projects {
		fmt.Fprintf(&b, "  - id: %s\n    instances:\n", p.ID)
		for _, in := range p.Instances {
			fmt.Fprintf(&b, "      - {id: %s, name: %s}\n", in.ID, in.Name)
		}
	}
	return b.String()
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoSecretWrittenOrServed runs the exporter in every auth mode, with
// good and with refused credentials and debug logging, and looks for any
// secret in the logs, /metrics, the landing page and --config.check output.
func TestNoSecretWrittenOrServed(t *testing.T) {
	for _, mode := range []string{config.ModeToken, config.ModeAKSK, config.ModePassword} {
		for _, refused := range []bool{false, true} {
			name := mode + "/accepted"
			if refused {
				name = mode + "/refused"
			}
			t.Run(name, func(t *testing.T) {
				fake, cfg, err := startDemoAuth(context.Background(), mode)
				if err != nil {
					t.Fatal(err)
				}
				defer fake.Close()
				secrets := secretsOf(cfg)
				if refused {
					spoil(cfg)
					secrets = append(secrets, secretsOf(cfg)...)
				}
				if len(secrets) == 0 {
					t.Fatal("no secrets to look for")
				}

				var logs bytes.Buffer
				logger, _, err := newLogger(&logs, "debug", "logfmt")
				if err != nil {
					t.Fatal(err)
				}
				srv := serveConfig(t, logger, cfg)

				served := map[string]string{}
				for _, path := range []string{"/metrics", "/metrics", "/", "/-/ready", "/-/healthy"} {
					served[path] += fetch(t, srv.URL+path)
				}
				wantUp := `apig_up{project_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"} 1`
				if refused {
					wantUp = `apig_up{project_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"} 0`
				}
				if !strings.Contains(served["/metrics"], wantUp) {
					t.Errorf("metrics lack %s: the scrape did not go as planned", wantUp)
				}

				path := filepath.Join(t.TempDir(), "apig_exporter.yml")
				good := configYAML(cfg)
				bad := good + "token_file: /nonexistent\nconcurrency: 0\n" // two problems, neither about secrets
				outputs := map[string]string{"log": logs.String()}
				for i, text := range []string{good, bad, strings.Replace(good, "auth:\n", "auth:\n  token_file: /nonexistent\n", 1)} {
					if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
						t.Fatal(err)
					}
					var stdout, stderr bytes.Buffer
					code := run([]string{"--config.check", "--config.file", path, "--log.level=debug"}, &stdout, &stderr)
					if (i == 0) != (code == 0) {
						t.Errorf("config.check #%d exited %d: %s%s", i, code, stdout.String(), stderr.String())
					}
					outputs[fmt.Sprintf("config.check #%d", i)] = stdout.String() + stderr.String()
				}
				for k, v := range served {
					outputs["GET "+k] = v
				}
				for where, text := range outputs {
					for _, s := range secrets {
						if strings.Contains(text, s) {
							t.Errorf("%s shows a secret (%d bytes)", where, len(s))
						}
					}
				}
			})
		}
	}
}

// TestNoSecretFromEnvironment: credentials from the environment do not
// show in --config.check output either.
func TestNoSecretFromEnvironment(t *testing.T) {
	const sk, st = "env-secret-key-value-123", "env-security-token-456"
	t.Setenv("HUAWEICLOUD_SDK_AK", "ENVAK")
	t.Setenv("HUAWEICLOUD_SDK_SK", sk)
	t.Setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", st)
	path := filepath.Join(t.TempDir(), "apig_exporter.yml")
	for _, text := range []string{
		"region: cn-north-4\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
		"region: cn-north-4\nconcurrency: -1\nprojects: [{id: p1, instances: [{id: i1}]}]\n",
	} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		run([]string{"--config.check", "--config.file", path}, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if strings.Contains(out, sk) || strings.Contains(out, st) {
			t.Errorf("config.check shows an environment secret: %s", out)
		}
	}
}
