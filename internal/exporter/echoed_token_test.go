package exporter

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// TestEchoedTokenNeverShown runs the exporter at debug level against an
// APIG that quotes the token back in a 401, and looks for the token
// everywhere it could surface: the log and every page.
func TestEchoedTokenNeverShown(t *testing.T) {
	fake := startFake(t)
	const echoing = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"
	fake.Put(simcloud.Gateway{ProjectID: testProject, ID: echoing, Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", r.Header.Get("X-Auth-Token"))
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error_code": "APIC.7101", "error_msg": "token " + r.Header.Get("X-Auth-Token") + " has expired"})
	}})
	te := mustExporter(t, fromFile(configFile(t, goodConfig(fake.URL(), "")+"      - id: "+echoing+"\n")))
	seen := map[string]string{}
	for _, path := range []string{"/metrics", "/", "/-/ready", "/-/healthy", "/probe?project_id=" + testProject + "&instance_id=" + echoing} {
		_, seen[path] = te.get(path)
	}
	if !strings.Contains(seen["/metrics"], `apig_api_errors_total{error_code="APIC.7101",operation="progress"} 1`) {
		t.Errorf("the echoing gateway was not scraped:\n%s", seen["/metrics"])
	}
	seen["debug log"] = te.logs.String()
	if !strings.Contains(seen["debug log"], "has expired") {
		t.Errorf("the 401 was not logged:\n%s", seen["debug log"])
	}

	for where, text := range seen {
		if strings.Contains(text, testToken) || strings.Contains(text, testToken[:7]+"...") {
			t.Errorf("the token shows in %s:\n%s", where, text)
		}
	}
}
