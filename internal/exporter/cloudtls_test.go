package exporter

import (
	"crypto/tls"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testcert"
)

// TestCloudTLS pins whom the exporter trusts: the system's CAs by
// default, plus tls.ca_file; nobody's certificate is accepted unchecked
// unless tls.insecure_skip_verify says so, and then a warning is logged.
func TestCloudTLS(t *testing.T) {
	ca := testcert.NewCA(t, "private cloud CA")
	other := testcert.NewCA(t, "someone else's CA")
	dir := t.TempDir()
	caFile, otherFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	writeFile(t, caFile, string(ca.PEM))
	writeFile(t, otherFile, string(other.PEM))

	fake := simcloud.New(simcloud.Gateway{ProjectID: testProject, ID: testGateway,
		Progress: simcloud.Succeeded(time.Now().Add(-time.Hour), time.Now().Add(-55*time.Minute))})
	srv := httptest.NewUnstartedServer(fake)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, "127.0.0.1")}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	const warning = "TLS certificate verification is off"
	for _, tc := range []struct {
		name        string
		tls         string
		wantSuccess bool
		wantLog     string
	}{
		{name: "system CAs only", wantLog: "certificate signed by unknown authority"},
		{name: "ca_file with the server's CA", tls: "tls:\n  ca_file: " + caFile + "\n", wantSuccess: true},
		{name: "ca_file with another CA", tls: "tls:\n  ca_file: " + otherFile + "\n", wantLog: "certificate signed by unknown authority"},
		{name: "insecure_skip_verify: false", tls: "tls:\n  insecure_skip_verify: false\n", wantLog: "certificate signed by unknown authority"},
		{name: "insecure_skip_verify: true", tls: "tls:\n  insecure_skip_verify: true\n", wantSuccess: true, wantLog: warning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			te := mustExporter(t, fromFile(configFile(t, goodConfig(srv.URL, tc.tls))))
			_, body := te.get("/metrics")
			want := `apig_instance_scrape_success{instance_id="` + testGateway + `",project_id="` + testProject + `"} ` + map[bool]string{true: "1", false: "0"}[tc.wantSuccess]
			if !hasLine(body, want) {
				t.Errorf("want %s in:\n%s", want, body)
			}
			logs := te.logs.String()
			if tc.wantLog != "" && !strings.Contains(logs, tc.wantLog) {
				t.Errorf("log lacks %q:\n%s", tc.wantLog, logs)
			}
			if tc.wantLog != warning && strings.Contains(logs, warning) {
				t.Errorf("verification-off warning logged while verification is on:\n%s", logs)
			}
		})
	}
}
