package main

import (
	"crypto/tls"
	"net/http"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/apig-exporter/apig_exporter/internal/testcert"
)

// TestWebConfigTLSAndBasicAuth serves /metrics through --web.config.file
// with TLS and basic auth, as an operator would, and checks that only a
// request with the right credentials is answered.
func TestWebConfigTLSAndBasicAuth(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, "exporter test CA")
	certFile, keyFile := testcert.WriteFiles(t, dir, ca.Leaf(t, "127.0.0.1"))
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := filepath.Join(dir, "web.yml")
	writeFile(t, webConfig, "tls_server_config:\n  cert_file: "+certFile+"\n  key_file: "+keyFile+
		"\nbasic_auth_users:\n  prometheus: "+string(hash)+"\n")
	r := startRun(t, "--demo", "--web.config.file", webConfig)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	defer client.CloseIdleConnections()

	for _, tc := range []struct {
		name       string
		user, pass string
		want       int
	}{
		{name: "no credentials", want: http.StatusUnauthorized},
		{name: "wrong password", user: "prometheus", pass: "guess", want: http.StatusUnauthorized},
		{name: "unknown user", user: "someone", pass: "scrape-password", want: http.StatusUnauthorized},
		{name: "right credentials", user: "prometheus", pass: "scrape-password", want: http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Every page is behind the same TLS and basic auth.
			for _, path := range []string{"/metrics", "/", "/api/v1/status", "/probe?project_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9&instance_id=gw"} {
				req, err := http.NewRequest(http.MethodGet, "https://"+r.addr+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tc.user != "" {
					req.SetBasicAuth(tc.user, tc.pass)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("%s: status %d, want %d", path, resp.StatusCode, tc.want)
				}
			}
		})
	}

	t.Run("plain HTTP is refused", func(t *testing.T) {
		resp, err := http.Get("http://" + r.addr + "/metrics")
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Errorf("plain HTTP answered 200")
			}
		}
	})
	if code := r.stop(t); code != 0 {
		t.Errorf("run exited %d after SIGTERM", code)
	}
}
