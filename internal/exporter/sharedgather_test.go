package exporter

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

func TestGatherShare(t *testing.T) {
	var g gatherShare
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	fn := func(name string) func(context.Context) ([]*dto.MetricFamily, error) {
		return func(ctx context.Context) ([]*dto.MetricFamily, error) {
			runs.Add(1)
			started <- struct{}{}
			<-release
			return []*dto.MetricFamily{{Name: &name}}, nil
		}
	}
	base := time.Now().Add(time.Minute)
	got := make([]string, 3)
	var wg sync.WaitGroup
	run := func(i int, deadline time.Time, name string) {
		defer wg.Done()
		mfs, _ := g.gather(context.Background(), deadline, fn(name))
		got[i] = mfs[0].GetName()
	}

	wg.Add(1)
	go run(0, base, "leader")
	<-started
	// Same or later deadline: joins the leader's gather.
	wg.Add(1)
	go run(1, base.Add(time.Second), "joiner")
	waitJoined(t, &g)
	// Earlier deadline: cannot wait for the leader, gathers on its own.
	wg.Add(1)
	go run(2, base.Add(-time.Second), "hurried")
	<-started
	close(release)
	wg.Wait()

	if n := runs.Load(); n != 2 {
		t.Errorf("%d gathers ran, want 2 (leader, hurried)", n)
	}
	if got[0] != "leader" || got[1] != "leader" || got[2] != "hurried" {
		t.Errorf("results %v, want [leader leader hurried]", got)
	}
	if g.cur != nil {
		t.Error("finished gather still current")
	}
}

// waitJoined waits until a request has joined the current gather.
func waitJoined(t *testing.T, g *gatherShare) {
	t.Helper()
	for {
		g.mu.Lock()
		joined := g.cur != nil && g.cur.joined > 0
		g.mu.Unlock()
		if joined {
			return
		}
		runtime.Gosched()
	}
}

func TestGatherShareContextEndsAtDeadline(t *testing.T) {
	var g gatherShare
	deadline := time.Now().Add(50 * time.Millisecond)
	_, err := g.gather(context.Background(), deadline, func(ctx context.Context) ([]*dto.MetricFamily, error) {
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("gather deadline %v %v, want %v", d, ok, deadline)
		}
		<-ctx.Done()
		return nil, context.Cause(ctx)
	})
	if err == nil || !errorsIsDeadline(err) {
		t.Errorf("err %v, want a deadline cause", err)
	}
}

func errorsIsDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }
