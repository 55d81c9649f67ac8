package collector

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
)

func TestConcurrentScrapesShareCalls(t *testing.T) {
	const gateways, scrapers = 50, 8
	fake := apigtest.New()
	for i := range gateways {
		fake.Put(apigtest.Gateway{ProjectID: "p1", ID: fmt.Sprintf("gw%02d", i), Progress: succeeded()})
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

func TestSharedCallOutlivesTheFirstWaiter(t *testing.T) {
	var g flights[int]
	started, release := make(chan struct{}), make(chan struct{})
	var callCtx context.Context
	fn := func(ctx context.Context) (int, error) {
		callCtx = ctx
		close(started)
		<-release
		return 42, ctx.Err()
	}

	first, cancelFirst := context.WithCancel(context.Background())
	firstDone := make(chan error)
	go func() { _, err, _ := g.do(first, "k", fn); firstDone <- err }()
	<-started

	secondDone := make(chan int)
	go func() {
		v, err, shared := g.do(context.Background(), "k", fn)
		if err != nil || !shared {
			t.Errorf("second waiter: err %v, shared %v", err, shared)
		}
		secondDone <- v
	}()
	waitForWaiters(t, &g, "k", 2)

	cancelFirst()
	if err := <-firstDone; err == nil {
		t.Error("the first waiter's own context ended, yet it got no error")
	}
	if callCtx.Err() != nil {
		t.Fatal("the shared call was cancelled although a second scrape still waits")
	}
	close(release)
	if v := <-secondDone; v != 42 {
		t.Errorf("second waiter got %d", v)
	}
}

func TestSharedCallIsCancelledWhenNobodyWaits(t *testing.T) {
	var g flights[int]
	started := make(chan context.Context)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_, _, _ = g.do(ctx, "k", func(c context.Context) (int, error) { started <- c; <-c.Done(); return 0, c.Err() })
		close(done)
	}()
	callCtx := <-started
	cancel()
	<-done
	<-callCtx.Done() // would block forever if the call were left running
}

// waitForWaiters blocks until key has n waiters. It polls, but asserts no
// timing: the test fails only by its own deadline.
func waitForWaiters(t *testing.T, g *flights[int], key string, n int) {
	t.Helper()
	for {
		g.mu.Lock()
		f := g.m[key]
		ok := f != nil && f.waiters == n
		g.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestThrottlingIsCountedAndLowersConcurrency(t *testing.T) {
	var calls atomic.Int64
	throttleOnce := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second"}`))
			return
		}
		_, _ = w.Write([]byte(`{"progress":100,"status":"success","start_time":1,"end_time":2}`))
	}
	r := newRig(t, apigtest.New(apigtest.Gateway{ProjectID: "p1", ID: "gw", Handler: throttleOnce}))
	p := r.project("p1")
	r.use(0, Project{Project: p, Instances: []Target{{Project: p, InstanceID: "gw"}}})

	err := testutil.GatherAndCompare(r.gatherer(r.collector(context.Background())), stringsReader(`
# HELP apig_api_concurrency_limit Cloud API calls currently allowed in flight: the configured concurrency, lowered while APIG throttles.
# TYPE apig_api_concurrency_limit gauge
apig_api_concurrency_limit 8
# HELP apig_api_throttled_total Cloud API answers that asked the exporter to slow down (HTTP 429 APIGW.0308, or APIG.9008), including those a retry then recovered from.
# TYPE apig_api_throttled_total counter
apig_api_throttled_total{operation="iam"} 0
apig_api_throttled_total{operation="list"} 0
apig_api_throttled_total{operation="metadata"} 0
apig_api_throttled_total{operation="progress"} 1
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="gw",project_id="p1"} 1
`), "apig_api_concurrency_limit", "apig_api_throttled_total", "apig_instance_scrape_success")
	if err != nil {
		t.Error(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2: one throttled, one retry", calls.Load())
	}
}
