package collector

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testlog"
)

const (
	projA = "0123456789abcdef0123456789abcdef"
	projB = "fedcba9876543210fedcba9876543210"
)

var (
	t0  = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	now = t0.Add(10 * time.Minute)
)

// contractGateways covers every answer the metric contract speaks of.
func contractGateways() []simcloud.Gateway {
	return []simcloud.Gateway{
		{ProjectID: projA, ID: "creating", Name: "gw-creating", Progress: simcloud.Stuck(t0, 50)},
		{ProjectID: projA, ID: "done", Name: "gw-done", Progress: simcloud.Succeeded(t0, t0.Add(5*time.Minute))},
		{ProjectID: projA, ID: "quota", Name: "gw-quota", Progress: simcloud.Failed(t0, t0.Add(time.Minute), "APIC.9218", "create failed...")},
		{ProjectID: projA, ID: "odd", Progress: simcloud.Raw(200, "application/json", `{"progress":40,"status":"paused","start_time":0}`)},
		{ProjectID: projA, ID: "gone", Progress: simcloud.APIError(http.StatusNotFound, "APIC.7302", "Instance not found")},
		{ProjectID: projB, ID: "denied", Progress: simcloud.APIError(http.StatusForbidden, "APIC.7106", "No permissions")},
	}
}

func newFixture(t *testing.T, gws []simcloud.Gateway) (*simcloud.Server, *Source, *Metrics, []Target) {
	t.Helper()
	fake := simcloud.New(gws...).Start()
	t.Cleanup(fake.Close)
	m := NewMetrics()
	client, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("tok")}, Observer: m})
	if err != nil {
		t.Fatal(err)
	}
	var targets []Target
	for _, g := range gws {
		targets = append(targets, Target{Project: apig.Project{ID: g.ProjectID, Endpoint: fake.URL()}, InstanceID: g.ID, InstanceName: g.Name})
	}
	return fake, uncachedSource(t, client), m, targets
}

func newCollector(src *Source, m *Metrics, targets []Target) *Collector {
	return New(context.Background(), Options{Source: src, Targets: targets, Concurrency: 4, Metrics: m, Now: func() time.Time { return now }})
}

// The exposition below is the metric contract: names, help, labels, values.
const contractText = `
# HELP apig_instance_creation_duration_seconds Seconds the creation took (end minus start) once finished, or has taken so far (now minus start) while creating. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_duration_seconds gauge
apig_instance_creation_duration_seconds{instance_id="creating",project_id="0123456789abcdef0123456789abcdef"} 600
apig_instance_creation_duration_seconds{instance_id="done",project_id="0123456789abcdef0123456789abcdef"} 300
apig_instance_creation_duration_seconds{instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 60
# HELP apig_instance_creation_end_timestamp_seconds Unix time when the gateway's creation finished; present once the status is success or failed. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_end_timestamp_seconds gauge
apig_instance_creation_end_timestamp_seconds{instance_id="done",project_id="0123456789abcdef0123456789abcdef"} 1.7958603e+09
apig_instance_creation_end_timestamp_seconds{instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 1.79586006e+09
# HELP apig_instance_creation_error_info Creation error code the API reports for the gateway (APIC.9218 quota, APIC.9219 resources, APIC.9206 other), value 1. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_error_info gauge
apig_instance_creation_error_info{error_code="APIC.9218",instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 1
# HELP apig_instance_creation_progress_ratio Creation progress of the gateway as a ratio from 0 to 1 (the API's percent divided by 100). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_progress_ratio gauge
apig_instance_creation_progress_ratio{instance_id="creating",project_id="0123456789abcdef0123456789abcdef"} 0.5
apig_instance_creation_progress_ratio{instance_id="done",project_id="0123456789abcdef0123456789abcdef"} 1
apig_instance_creation_progress_ratio{instance_id="odd",project_id="0123456789abcdef0123456789abcdef"} 0.4
apig_instance_creation_progress_ratio{instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 0
# HELP apig_instance_creation_start_timestamp_seconds Unix time when the gateway's creation started.
# TYPE apig_instance_creation_start_timestamp_seconds gauge
apig_instance_creation_start_timestamp_seconds{instance_id="creating",project_id="0123456789abcdef0123456789abcdef"} 1.79586e+09
apig_instance_creation_start_timestamp_seconds{instance_id="done",project_id="0123456789abcdef0123456789abcdef"} 1.79586e+09
apig_instance_creation_start_timestamp_seconds{instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 1.79586e+09
# HELP apig_instance_creation_status Creation status as a state set: 1 for the current status (creating, success, failed, or an unknown value as sent), 0 for the others. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_status gauge
apig_instance_creation_status{instance_id="creating",project_id="0123456789abcdef0123456789abcdef",status="creating"} 1
apig_instance_creation_status{instance_id="creating",project_id="0123456789abcdef0123456789abcdef",status="failed"} 0
apig_instance_creation_status{instance_id="creating",project_id="0123456789abcdef0123456789abcdef",status="success"} 0
apig_instance_creation_status{instance_id="done",project_id="0123456789abcdef0123456789abcdef",status="creating"} 0
apig_instance_creation_status{instance_id="done",project_id="0123456789abcdef0123456789abcdef",status="failed"} 0
apig_instance_creation_status{instance_id="done",project_id="0123456789abcdef0123456789abcdef",status="success"} 1
apig_instance_creation_status{instance_id="odd",project_id="0123456789abcdef0123456789abcdef",status="creating"} 0
apig_instance_creation_status{instance_id="odd",project_id="0123456789abcdef0123456789abcdef",status="failed"} 0
apig_instance_creation_status{instance_id="odd",project_id="0123456789abcdef0123456789abcdef",status="paused"} 1
apig_instance_creation_status{instance_id="odd",project_id="0123456789abcdef0123456789abcdef",status="success"} 0
apig_instance_creation_status{instance_id="quota",project_id="0123456789abcdef0123456789abcdef",status="creating"} 0
apig_instance_creation_status{instance_id="quota",project_id="0123456789abcdef0123456789abcdef",status="failed"} 1
apig_instance_creation_status{instance_id="quota",project_id="0123456789abcdef0123456789abcdef",status="success"} 0
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="creating",instance_name="gw-creating",project_id="0123456789abcdef0123456789abcdef",status=""} 1
apig_instance_info{instance_id="denied",instance_name="",project_id="fedcba9876543210fedcba9876543210",status=""} 1
apig_instance_info{instance_id="done",instance_name="gw-done",project_id="0123456789abcdef0123456789abcdef",status=""} 1
apig_instance_info{instance_id="gone",instance_name="",project_id="0123456789abcdef0123456789abcdef",status=""} 1
apig_instance_info{instance_id="odd",instance_name="",project_id="0123456789abcdef0123456789abcdef",status=""} 1
apig_instance_info{instance_id="quota",instance_name="gw-quota",project_id="0123456789abcdef0123456789abcdef",status=""} 1
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="creating",project_id="0123456789abcdef0123456789abcdef"} 1
apig_instance_scrape_success{instance_id="denied",project_id="fedcba9876543210fedcba9876543210"} 0
apig_instance_scrape_success{instance_id="done",project_id="0123456789abcdef0123456789abcdef"} 1
apig_instance_scrape_success{instance_id="gone",project_id="0123456789abcdef0123456789abcdef"} 0
apig_instance_scrape_success{instance_id="odd",project_id="0123456789abcdef0123456789abcdef"} 1
apig_instance_scrape_success{instance_id="quota",project_id="0123456789abcdef0123456789abcdef"} 1
# HELP apig_up 1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.
# TYPE apig_up gauge
apig_up{project_id="0123456789abcdef0123456789abcdef"} 1
apig_up{project_id="fedcba9876543210fedcba9876543210"} 0
`

var contractNames = []string{
	"apig_instance_creation_duration_seconds", "apig_instance_creation_end_timestamp_seconds",
	"apig_instance_creation_error_info", "apig_instance_creation_progress_ratio",
	"apig_instance_creation_start_timestamp_seconds", "apig_instance_creation_status",
	"apig_instance_info", "apig_instance_scrape_success", "apig_up",
}

func TestMetricContract(t *testing.T) {
	_, src, m, targets := newFixture(t, contractGateways())
	c := newCollector(src, m, targets)
	if err := testutil.CollectAndCompare(c, strings.NewReader(contractText), contractNames...); err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
}

func TestCountersAfterScrapes(t *testing.T) {
	_, src, m, targets := newFixture(t, contractGateways())
	for i := 0; i < 3; i++ {
		testutil.CollectAndCount(newCollector(src, m, targets))
	}
	const want = `
# HELP apig_api_errors_total Failed cloud API calls, by operation and error code: the API's code (APIC.7102, APIGW.0308, ...) or timeout, connection, decode, http_<status>.
# TYPE apig_api_errors_total counter
apig_api_errors_total{error_code="APIC.7106",operation="progress"} 3
apig_api_errors_total{error_code="APIC.7302",operation="progress"} 3
# HELP apig_api_requests_total HTTP requests sent to the cloud API, by operation and HTTP status code ("error" when no answer came).
# TYPE apig_api_requests_total counter
apig_api_requests_total{code="200",operation="progress"} 12
apig_api_requests_total{code="403",operation="progress"} 3
apig_api_requests_total{code="404",operation="progress"} 3
# HELP apig_creation_failures_total Distinct failed gateway creations seen by this process, by project and error code (a gateway seen failed on many scrapes counts once).
# TYPE apig_creation_failures_total counter
apig_creation_failures_total{error_code="APIC.9218",project_id="0123456789abcdef0123456789abcdef"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "apig_api_errors_total", "apig_api_requests_total", "apig_creation_failures_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m, "apig_api_request_duration_seconds"); n != 1 {
		t.Errorf("%d latency histograms, want 1 (operation progress)", n)
	}
	problems, err := testutil.CollectAndLint(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
}

func TestStateSet(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   map[string]float64
	}{
		{"creating", map[string]float64{"creating": 1, "success": 0, "failed": 0}},
		{"success", map[string]float64{"creating": 0, "success": 1, "failed": 0}},
		{"failed", map[string]float64{"creating": 0, "success": 0, "failed": 1}},
		{"rollback", map[string]float64{"creating": 0, "success": 0, "failed": 0, "rollback": 1}},
	} {
		t.Run(tc.status, func(t *testing.T) {
			gws := []simcloud.Gateway{{ProjectID: projA, ID: "gw", Progress: simcloud.Raw(200, "application/json", `{"progress":30,"status":"`+tc.status+`"}`)}}
			_, src, m, targets := newFixture(t, gws)
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(newCollector(src, m, targets))
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, mf := range mfs {
				if mf.GetName() != "apig_instance_creation_status" {
					continue
				}
				for _, mt := range mf.GetMetric() {
					for _, lp := range mt.GetLabel() {
						if lp.GetName() == "status" {
							got[lp.GetValue()] = mt.GetGauge().GetValue()
						}
					}
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("status %q = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestFailureCountedOncePerGateway(t *testing.T) {
	codes := map[string]string{"gw1": "APIC.9219", "gw2": "APIC.9219", "gw3": ""}
	src := uncachedSource(t, fetcherFunc(func(_ context.Context, _ apig.Project, id string) (*apig.Progress, error) {
		return &apig.Progress{Percent: 0, Status: apig.StatusFailed, ErrorCode: codes[id]}, nil
	}))
	targets := []Target{
		{Project: apig.Project{ID: projA}, InstanceID: "gw1"},
		{Project: apig.Project{ID: projA}, InstanceID: "gw2"},
		{Project: apig.Project{ID: projB}, InstanceID: "gw3"},
	}
	m := NewMetrics()
	for range 5 {
		testutil.CollectAndCount(newCollector(src, m, targets))
	}
	const want = `
# HELP apig_creation_failures_total Distinct failed gateway creations seen by this process, by project and error code (a gateway seen failed on many scrapes counts once).
# TYPE apig_creation_failures_total counter
apig_creation_failures_total{error_code="APIC.9219",project_id="0123456789abcdef0123456789abcdef"} 2
apig_creation_failures_total{error_code="unknown",project_id="fedcba9876543210fedcba9876543210"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "apig_creation_failures_total"); err != nil {
		t.Error(err)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	var gws []simcloud.Gateway
	for i := 0; i < 40; i++ {
		gws = append(gws, simcloud.Gateway{ProjectID: projA, ID: "gw" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Progress: simcloud.Succeeded(t0, t0.Add(time.Minute))})
	}
	fake, src, m, targets := newFixture(t, gws)
	fake.Latency.Store(int64(5 * time.Millisecond))
	c := New(context.Background(), Options{Source: src, Targets: targets, Concurrency: 3, Metrics: m})
	if n := testutil.CollectAndCount(c, "apig_instance_scrape_success"); n != 40 {
		t.Fatalf("%d gateways scraped, want 40", n)
	}
	if p := fake.PeakInFlight(); p > 3 || p < 1 {
		t.Errorf("peak in flight %d, want 1..3", p)
	}
	if n := fake.Calls(apig.OpProgress); n != 40 {
		t.Errorf("%d calls, want 40", n)
	}
}

func TestCanceledScrapeStillAnswers(t *testing.T) {
	_, src, m, targets := newFixture(t, contractGateways())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := New(ctx, Options{Source: src, Targets: targets, Concurrency: 2, Metrics: m})
	const want = `
# HELP apig_up 1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.
# TYPE apig_up gauge
apig_up{project_id="0123456789abcdef0123456789abcdef"} 0
apig_up{project_id="fedcba9876543210fedcba9876543210"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "apig_up"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(c, "apig_instance_info"); n != len(targets) {
		t.Errorf("%d info series, want %d", n, len(targets))
	}
}

// hangingFetcher answers only when its call's context ends, and tells
// started each time it is asked.
type hangingFetcher struct {
	calls   atomic.Int64
	started chan struct{}
}

func (f *hangingFetcher) Progress(ctx context.Context, _ apig.Project, _ string) (*apig.Progress, error) {
	f.calls.Add(1)
	f.started <- struct{}{}
	<-ctx.Done()
	return nil, &apig.Error{Operation: apig.OpProgress, Code: apig.CodeTimeout, Err: ctx.Err()}
}

// TestDeadlineSkipsGatewaysNotYetAsked pins that once a scrape's deadline
// has passed, gateways still queued are not asked (no request, no API
// error counted) and the log gets one line for them, not one each.
func TestDeadlineSkipsGatewaysNotYetAsked(t *testing.T) {
	var targets []Target
	for i := 0; i < 20; i++ {
		targets = append(targets, Target{Project: apig.Project{ID: "p"}, InstanceID: strings.Repeat(string(rune('a'+i)), 32)})
	}
	f := &hangingFetcher{started: make(chan struct{}, len(targets))}
	ctx, cancel := context.WithCancel(context.Background())
	var logs testlog.Buffer
	c := New(ctx, Options{Source: uncachedSource(t, f), Targets: targets, Concurrency: 2, Metrics: NewMetrics(), Logger: log.NewLogfmtLogger(&logs)})

	go func() {
		<-f.started
		<-f.started
		cancel() // the deadline passes while two calls hang
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}

	if got := f.calls.Load(); got != 2 {
		t.Errorf("fetcher asked %d times, want 2 (one per worker)", got)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var failed, summary int
	for _, l := range lines {
		switch {
		case strings.Contains(l, `msg="gateway scrape failed"`):
			failed++
		case strings.Contains(l, `msg="scrape deadline passed before every gateway was asked"`) && strings.Contains(l, "skipped=18 gateways=20"):
			summary++
		}
	}
	if failed != 2 || summary != 1 || len(lines) != 3 {
		t.Errorf("want two failure lines and one summary, got:\n%s", logs.String())
	}
}
