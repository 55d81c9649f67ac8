package collector_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testcert"
)

// A fault breaks the subject gateway in one of two ways: its answer
// (answer or handler, served by the fake) or the road to its project's
// endpoint (route, for the edge project).
type fault struct {
	name    string
	answer  func(time.Time) simcloud.Answer
	handler http.HandlerFunc
	route   func(w *world) string // address apig.edge.invalid leads to; "" is no such host
	// callLimit bounds each API call; 0 leaves only the scrape deadline.
	callLimit time.Duration
	// scrapeDeadline bounds the whole scrape; 0 means 10s.
	scrapeDeadline time.Duration
	code           string // expected apig_api_errors_total{error_code}
	throttled      bool   // throttling: three attempts each count in apig_api_throttled_total
}

const progressJSON = `{"end_time":1764330000000,"error_code":null,"error_msg":null,"progress":50,"start_time":1764329000000,"status":"creating"}`

var faults = []fault{
	{name: "connection refused", route: func(w *world) string { return closedAddr(w.t) }, code: "connection"},
	{name: "DNS failure", route: func(*world) string { return "" }, code: "connection"},
	{name: "TLS handshake failure", route: func(w *world) string {
		// A server stuck on TLS 1.1 meets a client that requires 1.2.
		s := w.tlsServer(&tls.Config{Certificates: []tls.Certificate{w.ca.Leaf(w.t, edgeHost)}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
		return s.Listener.Addr().String()
	}, code: "connection"},
	{name: "untrusted certificate", route: func(w *world) string {
		other := testcert.NewCA(w.t, "someone else's CA")
		s := w.tlsServer(&tls.Config{Certificates: []tls.Certificate{other.Leaf(w.t, edgeHost)}})
		return s.Listener.Addr().String()
	}, code: "connection"},
	{name: "connection reset mid-body", handler: simcloud.ResetMidBody(), code: "connection"},
	{name: "server hangs past the call timeout", handler: simcloud.Hang(), callLimit: time.Second, code: "timeout"},
	{name: "server hangs past the scrape deadline", handler: simcloud.Hang(), scrapeDeadline: 1500 * time.Millisecond, code: "timeout"},
	{name: "body trickles a byte at a time", handler: simcloud.Trickle(20 * time.Millisecond), callLimit: time.Second, code: "timeout"},
	{name: "16 MiB body", handler: simcloud.Huge(16 << 20), code: "decode"},
	{name: "truncated JSON", answer: simcloud.Raw(200, "application/json", progressJSON[:60]), code: "decode"},
	{name: "wrong JSON types", answer: simcloud.Raw(200, "application/json", `{"progress":"fifty","status":"creating"}`), code: "decode"},
	{name: "JSON array instead of object", answer: simcloud.Raw(200, "application/json", `[`+progressJSON+`]`), code: "decode"},
	{name: "JSON null", answer: simcloud.Raw(200, "application/json", `null`), code: "decode"},
	{name: "no status", answer: simcloud.Raw(200, "application/json", `{"progress":50}`), code: "decode"},
	{name: "progress above 100", answer: simcloud.Raw(200, "application/json", `{"progress":150,"status":"creating"}`), code: "decode"},
	{name: "progress below 0", answer: simcloud.Raw(200, "application/json", `{"progress":-1,"status":"creating"}`), code: "decode"},
	{name: "HTML 502 page", answer: simcloud.Raw(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"), code: "http_502"},
	{name: "empty 200 body", answer: simcloud.Raw(200, "application/json", ""), code: "decode"},
	{name: "401 token expired", answer: simcloud.APIError(401, "APIC.7101", "Token expired"), code: "APIC.7101"},
	{name: "403 no permission", answer: simcloud.APIError(403, "APIC.7106", "No permissions to request for the method"), code: "APIC.7106"},
	{name: "404 instance not found", answer: simcloud.APIError(404, "APIC.7302", "Instance not found"), code: "APIC.7302"},
	{name: "429 with Retry-After", answer: simcloud.WithHeader(simcloud.APIError(429, "APIGW.0308", "The throttling threshold has been reached"), "Retry-After", "3"), code: "APIGW.0308", throttled: true},
	{name: "429 without Retry-After", answer: simcloud.APIError(429, "APIGW.0308", "The throttling threshold has been reached"), code: "APIGW.0308", throttled: true},
	{name: "429 with no body", answer: simcloud.Raw(429, "text/plain", ""), code: "http_429", throttled: true},
	{name: "500 APIC.9000", answer: simcloud.APIError(500, "APIC.9000", "Failed to request internal service"), code: "APIC.9000"},
	{name: "500 APIG.9008 too many requests", answer: simcloud.APIError(500, "APIG.9008", "Too many requests. Try again later."), code: "APIG.9008", throttled: true},
	{name: "error code not in the API's shape", answer: simcloud.APIError(500, "<script>alert(1)</script>", "x"), code: "http_500"},
	{name: "redirect loop", handler: simcloud.RedirectLoop(), code: "http_302"},
}

// TestFaultMatrix breaks one gateway among healthy ones in each way the
// world can, and checks that the scrape still answers with the healthy
// gateways intact, the broken one marked failed and counted under the
// right code, one log line for it, and full health once the fault clears.
func TestFaultMatrix(t *testing.T) {
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			limit := f.callLimit
			if limit == 0 && f.scrapeDeadline == 0 {
				limit = 5 * time.Second
			}
			w := newWorld(t, f.route != nil, limit)
			deadline := f.scrapeDeadline
			if deadline == 0 {
				deadline = 10 * time.Second
			}
			scrape := func() families {
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				fs := w.scrape(ctx)
				if f.scrapeDeadline == 0 && ctx.Err() != nil {
					t.Fatalf("scrape outlived its deadline: %v", ctx.Err())
				}
				return fs
			}

			healthy := scrape()
			wantOthers := healthy.otherGateways(subjectID)
			wantSubject := healthy.gateway(subjectID)
			if !slices.Contains(wantSubject, `apig_instance_scrape_success{instance_id="`+subjectID+`",project_id="`+w.subject.Project.ID+`"} 1`) {
				t.Fatalf("subject not healthy before the fault:\n%s", strings.Join(wantSubject, "\n"))
			}
			w.logs.Take("")

			w.breakSubject(f)
			errLabels := map[string]string{"operation": "progress", "error_code": f.code}
			for i := 1; i <= 2; i++ {
				broken := scrape()
				if got := broken.otherGateways(subjectID); !slices.Equal(got, wantOthers) {
					t.Errorf("scrape %d: healthy gateways changed:\n%s\nwant:\n%s", i, strings.Join(got, "\n"), strings.Join(wantOthers, "\n"))
				}
				wantBroken := []string{
					`apig_instance_info{instance_id="` + subjectID + `",instance_name="subject",project_id="` + w.subject.Project.ID + `",status=""} 1`,
					`apig_instance_scrape_success{instance_id="` + subjectID + `",project_id="` + w.subject.Project.ID + `"} 0`,
				}
				if got := broken.gateway(subjectID); !slices.Equal(got, wantBroken) {
					t.Errorf("scrape %d: broken gateway series:\n%s\nwant:\n%s", i, strings.Join(got, "\n"), strings.Join(wantBroken, "\n"))
				}
				if got := broken.value("apig_api_errors_total", errLabels); got != float64(i) {
					t.Errorf("scrape %d: apig_api_errors_total%v = %v, want %d", i, errLabels, got, i)
				}
				if got, want := broken.value("apig_api_throttled_total", map[string]string{"operation": "progress"}), float64(3*i)*boolValue(f.throttled); got != want {
					t.Errorf("scrape %d: apig_api_throttled_total = %v, want %v", i, got, want)
				}
				if f.route != nil {
					if got := broken.value("apig_up", map[string]string{"project_id": edgeProject}); got != 0 {
						t.Errorf("scrape %d: apig_up for the unreachable project = %v, want 0", i, got)
					}
				}
				lines := w.logs.Take(subjectID)
				if i == 1 && len(lines) > 0 {
					t.Logf("logged: %s", lines[0])
				}
				switch {
				case i == 1 && (len(lines) != 1 || !strings.Contains(lines[0], `msg="gateway scrape failed"`) || !strings.Contains(lines[0], "error_code="+f.code)):
					t.Errorf("first broken scrape logged %d lines, want one failure line with error_code=%s:\n%s", len(lines), f.code, strings.Join(lines, "\n"))
				case i == 2 && len(lines) != 0:
					t.Errorf("second broken scrape logged again:\n%s", strings.Join(lines, "\n"))
				}
			}

			w.healSubject(f)
			healed := scrape()
			if got := healed.gateway(subjectID); !slices.Equal(got, wantSubject) {
				t.Errorf("after the fault cleared:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantSubject, "\n"))
			}
			if got := healed.otherGateways(subjectID); !slices.Equal(got, wantOthers) {
				t.Errorf("after the fault cleared, healthy gateways changed:\n%s", strings.Join(got, "\n"))
			}
			if lines := w.logs.Take(subjectID); len(lines) != 1 || !strings.Contains(lines[0], `msg="gateway scrape recovered"`) {
				t.Errorf("recovery logged %d lines, want one:\n%s", len(lines), strings.Join(lines, "\n"))
			}
		})
	}
}

func (w *world) breakSubject(f fault) {
	switch {
	case f.route != nil:
		w.dialer.Route(edgeHost, f.route(w))
		// Connections already open to the healthy endpoint would hide the fault.
		w.http.CloseIdleConnections()
	default:
		g := subjectHealthy(mainProject)
		g.Progress, g.Handler = f.answer, f.handler
		w.fake.Put(g)
	}
}

func (w *world) healSubject(f fault) {
	if f.route != nil {
		w.dialer.Route(edgeHost, w.edge.Listener.Addr().String())
		return
	}
	w.fake.Put(subjectHealthy(mainProject))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
