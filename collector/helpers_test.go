package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// testNow is the fixed clock of the collectors under test.
var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// rig is a Source on a started fake APIG, with its metrics.
type rig struct {
	ctx     context.Context // the sources' lifetime
	fake    *simcloud.Server
	client  *apig.Client
	metrics *Metrics
	clock   *simcloud.Clock
	source  *Source
	limiter *apig.Limiter
}

func newRig(t *testing.T, fake *simcloud.Server) *rig {
	t.Helper()
	fake.Start()
	t.Cleanup(fake.Close)
	r := &rig{ctx: t.Context(), fake: fake, metrics: NewMetrics(), clock: simcloud.NewClock(testNow), limiter: apig.NewLimiter(16)}
	r.metrics.SetLimiter(r.limiter)
	c, err := apig.NewClient(apig.Options{
		Auth:     apig.StaticToken{Token: apig.StaticSecret("t")},
		Observer: r.metrics,
		Limiter:  r.limiter,
		Backoff:  apig.Backoff{Sleep: func(context.Context, time.Duration) error { return nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.client = c
	return r
}

func (r *rig) project(id string) apig.Project { return apig.Project{ID: id, Endpoint: r.fake.URL()} }

// use builds the rig's source for these projects, keeping what the
// previous one learnt.
func (r *rig) use(ttl time.Duration, projects ...Project) *Source {
	r.source = NewSource(r.ctx, SourceOptions{Fetcher: r.client, Lister: r.client, Projects: projects, SettledTTL: ttl, Now: r.clock.Now}, r.source)
	return r.source
}

// collector is a one-scrape collector on the rig's source.
func (r *rig) collector(ctx context.Context, targets ...Target) *Collector {
	return New(ctx, Options{Source: r.source, Targets: targets, Concurrency: 8, Metrics: r.metrics, Now: func() time.Time { return testNow }})
}

// scrape gathers one scrape and compares the named series with want.
func (r *rig) scrape(t *testing.T, want string, names ...string) {
	t.Helper()
	if err := testutil.GatherAndCompare(r.gatherer(r.collector(context.Background())), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

// gatherer is what /metrics serves: the scrape's collector first, then the
// long-lived metrics, so that the counters the scrape moved are current.
func (r *rig) gatherer(c *Collector) prometheus.Gatherer {
	scrape, long := prometheus.NewRegistry(), prometheus.NewRegistry()
	scrape.MustRegister(c)
	long.MustRegister(r.metrics)
	return prometheus.Gatherers{scrape, long}
}

// calls returns and resets the fake's call counts.
func (r *rig) calls() (progress, list int64) {
	progress, list = r.fake.Calls(apig.OpProgress), r.fake.Calls(apig.OpList)
	r.fake.ResetCalls()
	return progress, list
}

func succeeded() func(time.Time) simcloud.Answer {
	return simcloud.Succeeded(testNow.Add(-time.Hour), testNow.Add(-50*time.Minute))
}

func creating() func(time.Time) simcloud.Answer {
	return simcloud.Creating(testNow.Add(-time.Minute), 0)
}

func failed() func(time.Time) simcloud.Answer {
	return simcloud.Failed(testNow.Add(-time.Hour), testNow.Add(-50*time.Minute), "APIC.9218", "quota")
}

// fetcherFunc is a ProgressFetcher for tests that need no HTTP.
type fetcherFunc func(ctx context.Context, p apig.Project, instanceID string) (*apig.Progress, error)

func (f fetcherFunc) Progress(ctx context.Context, p apig.Project, instanceID string) (*apig.Progress, error) {
	return f(ctx, p, instanceID)
}

// uncachedSource asks f for every gateway on every scrape.
func uncachedSource(t testing.TB, f ProgressFetcher) *Source {
	return NewSource(t.Context(), SourceOptions{Fetcher: f}, nil)
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
