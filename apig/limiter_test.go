package apig

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterAIMD(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(16)
	l.now = func() time.Time { return now }
	step := func(throttled bool) {
		if err := l.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.Release(throttled)
	}

	step(true)
	if l.Limit() != 8 {
		t.Fatalf("limit %d after a throttle, want 8", l.Limit())
	}
	step(true)
	if l.Limit() != 8 {
		t.Errorf("limit %d: a second throttle within the cooldown must not halve again", l.Limit())
	}
	now = now.Add(DefaultLimiterCooldown)
	step(true)
	if l.Limit() != 4 {
		t.Errorf("limit %d after the cooldown, want 4", l.Limit())
	}
	for range 10 {
		step(false)
	}
	if l.Limit() != 4 {
		t.Errorf("limit %d: no growth before the recovery interval", l.Limit())
	}
	now = now.Add(DefaultLimiterRecovery)
	step(false)
	step(false)
	if l.Limit() != 5 {
		t.Errorf("limit %d, want 5: one step per recovery interval", l.Limit())
	}
	for range 40 {
		now = now.Add(DefaultLimiterRecovery)
		step(false)
	}
	if l.Limit() != 16 {
		t.Errorf("limit %d, want back at the maximum 16", l.Limit())
	}
	l.SetMax(4)
	if l.Limit() != 4 {
		t.Errorf("limit %d after SetMax(4)", l.Limit())
	}
}

func TestLimiterBlocksAtLimit(t *testing.T) {
	l := NewLimiter(1)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() { got <- l.Acquire(context.Background()) }()
	select {
	case <-got:
		t.Fatal("second Acquire did not wait for the slot")
	default:
	}
	l.Release(false)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Acquire(ctx); err == nil {
		t.Error("Acquire on a full limiter with a done context succeeded")
	}
}

// The configured concurrency is in force from the first call, after a start
// (a limiter built with the default, then given the configuration) and
// after every reload; only throttling keeps it lower.
func TestLimiterHonoursTheConfiguredConcurrency(t *testing.T) {
	for _, tc := range []struct {
		name      string
		built     int
		throttled bool // a throttled answer before the reload
		setMax    []int
		want      int
	}{
		{name: "start at 16", built: 16, setMax: []int{16}, want: 16},
		{name: "start at 64", built: 16, setMax: []int{64}, want: 64},
		{name: "start at 256", built: 16, setMax: []int{256}, want: 256},
		{name: "reload raises 16 to 128", built: 16, setMax: []int{16, 128}, want: 128},
		{name: "reload lowers 256 to 64", built: 16, setMax: []int{256, 64}, want: 64},
		{name: "throttled limit kept over a raising reload", built: 16, setMax: []int{64, 128}, throttled: true, want: 32},
		{name: "throttled limit clipped by a lowering reload", built: 16, setMax: []int{64, 16}, throttled: true, want: 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLimiter(tc.built)
			l.SetMax(tc.setMax[0])
			if tc.throttled {
				if err := l.Acquire(context.Background()); err != nil {
					t.Fatal(err)
				}
				l.Release(true)
			}
			for _, n := range tc.setMax[1:] {
				l.SetMax(n)
			}
			if got := l.Limit(); got != tc.want {
				t.Fatalf("limit %d, want %d", got, tc.want)
			}
			// Every one of the allowed calls gets its slot without waiting.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			for i := range tc.want {
				if err := l.Acquire(ctx); err != nil {
					t.Fatalf("call %d of %d had to wait", i+1, tc.want)
				}
			}
			if err := l.Acquire(ctx); err == nil {
				t.Errorf("call %d got a slot beyond the limit %d", tc.want+1, tc.want)
			}
		})
	}
}

// BenchmarkThrottledScrape compares the adaptive limiter with a plain
// bound of the same size (the collector's workers alone) against an API
// that throttles every call beyond 16 in flight: one op is 1000 progress
// calls by 64 workers, retried after a short backoff when throttled.
//
//	go test -run XXX -bench ThrottledScrape ./apig
func BenchmarkThrottledScrape(b *testing.B) {
	const calls, workers, apiLimit, latency = 1000, 64, 16, 5 * time.Millisecond
	for _, adaptive := range []bool{false, true} {
		name := "plain bound"
		if adaptive {
			name = "adaptive limiter"
		}
		b.Run(name, func(b *testing.B) {
			var inFlight, throttled atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				defer inFlight.Add(-1)
				w.Header().Set("Content-Type", "application/json")
				if inFlight.Add(1) > apiLimit {
					throttled.Add(1)
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"throttled"}`))
					return
				}
				time.Sleep(latency)
				_, _ = w.Write([]byte(`{"progress":100,"status":"success","start_time":1,"end_time":2}`))
			}))
			defer srv.Close()
			o := Options{Auth: StaticToken{Token: StaticSecret("t")}, Backoff: Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond, Retries: 5}}
			if adaptive {
				o.Limiter = NewLimiter(workers)
			}
			c, err := NewClient(o)
			if err != nil {
				b.Fatal(err)
			}
			project := Project{ID: "p1", Endpoint: srv.URL}
			var failed atomic.Int64
			for b.Loop() {
				jobs := make(chan int)
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						for range jobs {
							if _, err := c.Progress(context.Background(), project, "gw1"); err != nil {
								failed.Add(1)
							}
						}
					})
				}
				for i := range calls {
					jobs <- i
				}
				close(jobs)
				wg.Wait()
			}
			b.ReportMetric(float64(throttled.Load())/float64(b.N), "throttled/op")
			b.ReportMetric(float64(failed.Load())/float64(b.N), "failed/op")
		})
	}
}
