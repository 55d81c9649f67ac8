package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/apig-exporter/apig_exporter/config"
)

func TestScrapeTimeout(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", defaultScrapeTimeout},
		{"10", 9500 * time.Millisecond},
		{"2.5", 2 * time.Second},
		{"0.4", 200 * time.Millisecond},
		{"soon", defaultScrapeTimeout},
		{"-3", defaultScrapeTimeout},
	} {
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
		}
		if got := scrapeTimeout(r, 500*time.Millisecond); got != tc.want {
			t.Errorf("header %q: %v, want %v", tc.header, got, tc.want)
		}
	}
}

// demoExporter serves the demo's fake APIG through the real handlers.
func demoExporter(t *testing.T) (*exporter, http.Handler) {
	t.Helper()
	fake, cfg, err := startDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	ex, mux, err := wireExporter(t, log.NewNopLogger(), func() (*config.Config, error) { return cfg, nil })
	if err != nil {
		t.Fatal(err)
	}
	return ex, mux
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestDemoServesEverySeries(t *testing.T) {
	_, h := demoExporter(t)
	code, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	for _, name := range []string{
		"apig_instance_creation_progress_ratio", "apig_instance_creation_status",
		"apig_instance_creation_start_timestamp_seconds", "apig_instance_creation_end_timestamp_seconds",
		"apig_instance_creation_duration_seconds", "apig_instance_creation_error_info",
		"apig_instance_scrape_success", "apig_instance_info", "apig_creation_failures_total",
		"apig_api_errors_total", "apig_api_requests_total", "apig_api_request_duration_seconds",
		"apig_up", "apig_scrape_duration_seconds",
		"apig_exporter_config_last_reload_successful", "apig_exporter_config_last_reload_success_timestamp_seconds",
	} {
		if _, ok := families[name]; !ok {
			t.Errorf("demo /metrics lacks %s", name)
		}
	}
	for _, code := range []string{"APIC.9218", "APIC.9219", "APIC.9206"} {
		if !strings.Contains(body, `apig_instance_creation_error_info{error_code="`+code+`"`) {
			t.Errorf("demo has no gateway failed with %s", code)
		}
	}
	if !strings.Contains(body, `apig_api_errors_total{error_code="APIC.7302",operation="progress"} 1`) {
		t.Error("demo has no gateway answering 404 APIC.7302")
	}
	if !strings.Contains(body, `status="creating"} 1`) {
		t.Error("demo has no gateway being created")
	}
}

func TestHealthReadyAndLanding(t *testing.T) {
	_, h := demoExporter(t)
	for path, want := range map[string]string{"/-/healthy": "Healthy", "/-/ready": "Ready", "/": `href="/metrics"`} {
		code, body := get(t, h, path)
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q, want 200 containing %q", path, code, body, want)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	writeFile(t, good, "region: ap-southeast-1\nauth: {token: hunter2-token}\nprojects: [{id: p1, instances: [{id: i1}]}]\n")
	writeFile(t, bad, "region: ap-southeast-1\nauth: {token: hunter2-token}\nprojects: [{id: p1, instances: [{id: i1}, {id: i1}]}]\nconcurrency: 0\n")
	for _, tc := range []struct {
		file     string
		wantCode int
		wantOut  string
	}{
		{good, 0, "configuration is valid"},
		{bad, 1, "projects[0].instances[1].id: gateway i1 is listed twice"},
		{bad, 1, "concurrency: 0 is out of range"},
		{filepath.Join(dir, "missing.yml"), 1, "no such file or directory"},
	} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"--config.file", tc.file, "--config.check"}, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
			t.Errorf("--config.check %s: exit %d, output %q; want exit %d containing %q", filepath.Base(tc.file), code, out, tc.wantCode, tc.wantOut)
		}
		if strings.Contains(out, "hunter2") {
			t.Errorf("--config.check printed the token: %q", out)
		}
	}
}

func TestBadConfigRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	writeFile(t, bad, "region: ap-southeast-1\nauth: {}\nprojects: [{id: p1, instances: [{id: i1}]}]\n")
	var stderr bytes.Buffer
	code := run([]string{"--config.file", bad, "--web.listen-address", "127.0.0.1:0"}, io.Discard, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "auth: no credentials") {
		t.Errorf("exit %d, log %q; want non-zero naming auth", code, stderr.String())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
