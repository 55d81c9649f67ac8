package collector

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

func TestConcurrentScrapesShareCalls(t *testing.T) {
	const gateways, scrapers = 50, 8
	fake := simcloud.New()
	for i := range gateways {
		fake.Put(simcloud.Gateway{ProjectID: "p1", ID: fmt.Sprintf("gw%02d", i), Progress: succeeded()})
	}
	fake.Latency.Store(int64(2 * time.Millisecond)) // so that scrapes overlap; not asserted
	r := newRig(t, fake)
	r.use(defaultTestTTL, Project{Project: r.project("p1"), Discover: true})

	var wg sync.WaitGroup
	for range scrapers {
		wg.Go(func() {
			if n := testutil.CollectAndCount(r.collector(context.Background()), "apig_instance_scrape_success"); n != gateways {
				t.Errorf("a scrape exported %d gateways, want %d", n, gateways)
			}
		})
	}
	wg.Wait()
	progress, list := r.calls()
	if progress != gateways {
		t.Errorf("%d progress calls for %d concurrent scrapes of %d gateways, want one call per gateway", progress, scrapers, gateways)
	}
	if list > scrapers {
		t.Errorf("%d list calls, want at most one per scrape", list)
	}
}

// blockingFetcher hands each call's context to started and answers when
// release is closed or the call's context ends.
type blockingFetcher struct {
	started chan context.Context
	release chan struct{}
}

func newBlockingFetcher() *blockingFetcher {
	return &blockingFetcher{started: make(chan context.Context, 1), release: make(chan struct{})}
}

func (f *blockingFetcher) Progress(ctx context.Context, _ apig.Project, _ string) (*apig.Progress, error) {
	f.started <- ctx
	select {
	case <-f.release:
		return &apig.Progress{Percent: 100, Status: apig.StatusSuccess}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestSharedCallOutlivesTheFirstWaiter(t *testing.T) {
	f := newBlockingFetcher()
	src := uncachedSource(t, f)
	gw := Target{Project: apig.Project{ID: "p1"}, InstanceID: "gw1"}

	first, cancelFirst := context.WithCancel(context.Background())
	firstDone := make(chan error)
	go func() { _, err := src.progress(first, gw); firstDone <- err }()
	callCtx := <-f.started
	secondDone := make(chan *apig.Progress)
	go func() {
		p, err := src.progress(context.Background(), gw)
		if err != nil {
			t.Errorf("second waiter: %v", err)
		}
		secondDone <- p
	}()
	waitForWaiters(src.progressCalls, progressKey(gw.Project, gw.InstanceID), 2)

	cancelFirst()
	if err := <-firstDone; err == nil {
		t.Error("the first waiter's own context ended, yet it got no error")
	}
	if callCtx.Err() != nil {
		t.Fatal("the shared call was cancelled although a second scrape still waits")
	}
	close(f.release)
	if p := <-secondDone; p == nil || p.Status != apig.StatusSuccess {
		t.Errorf("second waiter got %+v, want the shared answer", p)
	}
}

func TestSharedCallIsCancelledWhenNobodyWaits(t *testing.T) {
	f := newBlockingFetcher()
	src := uncachedSource(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := src.progress(ctx, Target{Project: apig.Project{ID: "p1"}, InstanceID: "gw1"})
		done <- err
	}()
	callCtx := <-f.started
	cancel()
	<-callCtx.Done() // would block forever if the call were left running
	if err := <-done; err == nil {
		t.Error("a cancelled scrape got an answer")
	}
}

// waitForWaiters blocks until key's call has n waiters. It polls, but
// asserts no timing: the test fails only by its own deadline.
func waitForWaiters(c *calls, key string, n int) {
	for {
		c.mu.Lock()
		cl := c.waiting[key]
		ok := cl != nil && cl.waiters == n
		c.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSharedCallEndsWithTheSource(t *testing.T) {
	f := newBlockingFetcher()
	ctx, shutdown := context.WithCancel(t.Context())
	src := NewSource(ctx, SourceOptions{Fetcher: f}, nil)
	done := make(chan error)
	go func() {
		_, err := src.progress(context.Background(), Target{Project: apig.Project{ID: "p1"}, InstanceID: "gw1"})
		done <- err
	}()
	callCtx := <-f.started
	shutdown()
	<-callCtx.Done() // would block forever if the call outlived the source
	if err := <-done; err == nil {
		t.Error("a call cut by shutdown answered without an error")
	}
}
