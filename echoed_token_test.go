package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
)

// TestEchoedTokenNeverShown runs the exporter at debug level against an
// APIG that quotes the token back in a 401, and looks for the token
// everywhere it could surface: the log, /metrics, the landing page, the
// readiness page, and --config.check on good and bad files.
func TestEchoedTokenNeverShown(t *testing.T) {
	fake := startFake(t)
	const echoing = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"
	fake.Put(apigtest.Gateway{ProjectID: testProject, ID: echoing, Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", r.Header.Get("X-Auth-Token"))
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error_code": "APIC.7101", "error_msg": "token " + r.Header.Get("X-Auth-Token") + " has expired"})
	}})
	dir := t.TempDir()
	configFile := filepath.Join(dir, "apig_exporter.yml")
	writeFile(t, configFile, goodConfig(fake.URL(), "")+"      - id: "+echoing+"\n")

	seen := map[string]string{}
	r := startRun(t, "--config.file", configFile, "--log.level", "debug")
	for _, path := range []string{"/metrics", "/", "/-/ready", "/-/healthy"} {
		resp, err := http.Get("http://" + r.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		seen[path] = string(body)
	}
	if !strings.Contains(seen["/metrics"], `apig_api_errors_total{error_code="APIC.7101",operation="progress"} 1`) {
		t.Errorf("the echoing gateway was not scraped:\n%s", seen["/metrics"])
	}
	if code := r.stop(t); code != 0 {
		t.Errorf("run exited %d", code)
	}
	seen["debug log"] = r.stderr.String()
	if !strings.Contains(seen["debug log"], "has expired") {
		t.Errorf("the 401 was not logged:\n%s", seen["debug log"])
	}

	badFile := filepath.Join(dir, "bad.yml")
	for name, content := range map[string]string{
		"--config.check, valid":                goodConfig(fake.URL(), ""),
		"--config.check, invalid elsewhere":    goodConfig(fake.URL(), "concurrency: 0\n"),
		"--config.check, token where auth is":  strings.Replace(goodConfig(fake.URL(), ""), "auth:\n  token: ", "auth: ", 1),
		"--config.check, token with a bad tag": strings.Replace(goodConfig(fake.URL(), ""), "token: ", "token: !!int ", 1),
	} {
		writeFile(t, badFile, content)
		var stdout, stderr bytes.Buffer
		run([]string{"--config.file", badFile, "--config.check", "--log.level", "debug"}, &stdout, &stderr)
		seen[name] = stdout.String() + stderr.String()
	}

	for where, text := range seen {
		if strings.Contains(text, testToken) || strings.Contains(text, testToken[:7]+"...") {
			t.Errorf("the token shows in %s:\n%s", where, text)
		}
	}
}
