package exporter

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/apig-exporter/apig_exporter/config"
)

func TestScrapeTimeout(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"no header", "", defaultScrapeTimeout},
		{"ten seconds", "10", 9500 * time.Millisecond},
		{"fractional", "2.5", 2 * time.Second},
		{"just above the offset", "0.6", 100 * time.Millisecond},
		{"below the offset: half the timeout", "0.4", 200 * time.Millisecond},
		{"zero", "0", defaultScrapeTimeout},
		{"negative", "-5", defaultScrapeTimeout},
		{"not a number", "soon", defaultScrapeTimeout},
		{"NaN", "NaN", defaultScrapeTimeout},
		{"infinity", "+Inf", defaultScrapeTimeout},
		{"overflowing", "1e300", defaultScrapeTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			if tc.header != "" {
				r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
			}
			if got := scrapeTimeout(r, 500*time.Millisecond); got != tc.want {
				t.Errorf("scrapeTimeout(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestDemoServesEverySeries(t *testing.T) {
	te, _ := demoExporter(t, config.ModeToken)
	code, body := te.get("/metrics")
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

// TestEveryLinkAnswers follows every link of the landing page: each must
// answer 200.
func TestEveryLinkAnswers(t *testing.T) {
	te, _ := demoExporter(t, config.ModeToken)
	code, page := te.get("/")
	if code != http.StatusOK {
		t.Fatalf("/: %d", code)
	}
	links := hrefs(page)
	if len(links) < 3 {
		t.Fatalf("landing page has %d links, want metrics, health and readiness at least:\n%s", len(links), page)
	}
	for _, link := range links {
		if code, body := te.get(link); code != http.StatusOK {
			t.Errorf("link %s answers %d: %.200s", link, code, body)
		}
	}
}

// hrefs returns the local links of an HTML page.
func hrefs(page string) []string {
	var out []string
	for _, part := range strings.Split(page, `href="`)[1:] {
		link, _, _ := strings.Cut(part, `"`)
		link = strings.ReplaceAll(link, "&amp;", "&")
		if strings.HasPrefix(link, "/") {
			out = append(out, link)
		}
	}
	return out
}
