package collector

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

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
	var logs strings.Builder
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
