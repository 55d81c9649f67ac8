package exporter

import (
	"context"
	"fmt"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// gatherShare lets concurrent /metrics requests share one gather. A
// request that arrives while another's gather runs, and can wait as long
// as that gather may take, gets the same families: an HA pair of
// Prometheus servers then costs one set of API calls, one gather's CPU
// and one gather's memory. A request with an earlier deadline does not
// wait for a later one; it gathers on its own.
type gatherShare struct {
	mu  sync.Mutex
	cur *sharedGather
}

type sharedGather struct {
	deadline time.Time
	joined   int // requests waiting on it besides the one running it
	done     chan struct{}
	mfs      []*dto.MetricFamily
	err      error
}

// gather runs fn under a context that ends at deadline, or joins the
// gather under way when its deadline is no later than ours.
func (g *gatherShare) gather(parent context.Context, deadline time.Time, fn func(context.Context) ([]*dto.MetricFamily, error)) ([]*dto.MetricFamily, error) {
	g.mu.Lock()
	if f := g.cur; f != nil && !f.deadline.After(deadline) {
		f.joined++
		g.mu.Unlock()
		<-f.done
		return f.mfs, f.err
	}
	f := &sharedGather{deadline: deadline, done: make(chan struct{})}
	g.cur = f
	g.mu.Unlock()

	// Detached from the request: the gather serves every request that
	// joined it, so one client hanging up must not cut it short.
	ctx, cancel := context.WithDeadlineCause(parent, deadline,
		fmt.Errorf("scrape deadline of %s passed: %w", time.Until(deadline).Round(time.Millisecond), context.DeadlineExceeded))
	f.mfs, f.err = fn(ctx)
	cancel()

	g.mu.Lock()
	if g.cur == f {
		g.cur = nil
	}
	g.mu.Unlock()
	close(f.done)
	return f.mfs, f.err
}
