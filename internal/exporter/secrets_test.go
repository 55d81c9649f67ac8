package exporter

import (
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

				served := map[string]string{}
				for _, path := range []string{"/metrics", "/metrics", "/", "/-/ready", "/-/healthy", "/probe?project_id=" + cfg.Projects[0].ID + "&instance_id=" + cfg.Projects[0].Instances[0].ID} {
					_, body := te.get(path)
					served["GET "+path] += body
				}
				wantUp := `apig_up{project_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"} 1`
				if refused {
					wantUp = `apig_up{project_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"} 0`
				}
				if !strings.Contains(served["GET /metrics"], wantUp) {
					t.Errorf("metrics lack %s: the scrape did not go as planned", wantUp)
				}
				served["log"] = te.logs.String()
				for where, text := range served {
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
