package exporter

import (
	"net/http"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/demo"
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

// TestNoSecretWrittenOrServed runs the exporter in every auth mode, with
// good and with refused credentials, logging at debug level, and looks for
// any secret in the logs and on every page it serves.
func TestNoSecretWrittenOrServed(t *testing.T) {
	for _, mode := range []string{config.ModeToken, config.ModeAKSK, config.ModePassword} {
		for _, refused := range []bool{false, true} {
			name := mode + "/accepted"
			if refused {
				name = mode + "/refused"
			}
			t.Run(name, func(t *testing.T) {
				sim, cfg, err := demo.Start(mode)
				if err != nil {
					t.Fatal(err)
				}
				defer sim.Close()
				secrets := secretsOf(cfg)
				if refused {
					spoil(cfg)
					secrets = append(secrets, secretsOf(cfg)...)
				}
				if len(secrets) == 0 {
					t.Fatal("no secrets to look for")
				}
				te := mustExporter(t, fixed(cfg))

				lookForSecrets(t, te, cfg.Projects[0].ID, cfg.Projects[0].Instances[0].ID, !refused, func() []string { return secrets })
			})
		}
	}
	// The temporary-keys modes: the secrets are those the fakes issue (the
	// keys, the metadata session token, the unscoped IAM token) and the id
	// token. Refused: APIG refuses every key (agency), IAM the id token
	// (oidc).
	for _, mode := range []string{config.ModeAgency, config.ModeOIDC} {
		for _, refused := range []bool{false, true} {
			name := mode + "/accepted"
			if refused {
				name = mode + "/refused"
			}
			t.Run(name, func(t *testing.T) {
				w := newTempWorld(t)
				auth := w.agencyAuth()
				if mode == config.ModeOIDC {
					auth = w.oidcAuth(testIdp)
				}
				if refused && mode == config.ModeAgency {
					w.fake.Authenticate = func(*http.Request, string) (int, string) { return http.StatusUnauthorized, "APIGW.0301" }
				}
				if refused && mode == config.ModeOIDC {
					writeFile(t, w.idTokenFile, "eyJhbGciOiJSUzI1NiJ9.stale-id-token.sig\n")
				}
				te := w.exporter(t, w.config(auth))
				issued := func() []string {
					s := []string{testIDToken, "eyJhbGciOiJSUzI1NiJ9.stale-id-token.sig"}
					if k := w.keys.Current(); k.SecretKey != "" {
						s = append(s, k.SecretKey, k.SecurityToken)
					}
					if tok := w.meta.LastSessionToken(); tok != "" {
						s = append(s, tok)
					}
					return append(s, w.oidc.IAMTokens()...)
				}
				lookForSecrets(t, te, testProject, testGateway, !refused, issued)
				if mode == config.ModeAgency && w.meta.LastSessionToken() == "" {
					t.Error("no metadata session token was issued to look for")
				}
				if mode == config.ModeOIDC && !refused && len(w.oidc.IAMTokens()) == 0 {
					t.Error("no IAM token was issued to look for")
				}
			})
		}
	}
}

// lookForSecrets serves every page and looks for each secret in them and
// in the debug log; secrets is called after the pages were served, so it
// can list what the fakes issued meanwhile.
func lookForSecrets(t *testing.T, te *testExporter, project, gateway string, wantUp bool, secrets func() []string) {
	t.Helper()
	served := map[string]string{}
	for _, path := range []string{"/metrics", "/metrics", "/", "/-/ready", "/-/healthy", "/probe?project_id=" + project + "&instance_id=" + gateway} {
		_, body := te.get(path)
		served["GET "+path] += body
	}
	want := `apig_up{project_id="` + project + `"} ` + map[bool]string{true: "1", false: "0"}[wantUp]
	if !strings.Contains(served["GET /metrics"], want) {
		t.Errorf("metrics lack %s: the scrape did not go as planned", want)
	}
	served["log"] = te.logs.String()
	list := secrets()
	if len(list) == 0 {
		t.Fatal("no secrets to look for")
	}
	for where, text := range served {
		for _, s := range list {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s shows a secret (%d bytes)", where, len(s))
			}
		}
	}
}
