package collector_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// TestLoad scrapes 1000 gateways, some of them broken, with 20 concurrent
// scrapers sharing one client for a minute, then checks that every scrape
// was answered, connections were reused, and goroutines and heap are back
// near where they started. It is slow, so it runs only on request:
//
//	APIG_LOADTEST=1 go test -run TestLoad -v ./collector
//
// APIG_LOADTEST_DURATION (a Go duration) shortens or lengthens the run.
func TestLoad(t *testing.T) {
	if os.Getenv("APIG_LOADTEST") == "" {
		t.Skip("set APIG_LOADTEST=1 to run the load test")
	}
	duration := time.Minute
	if v := os.Getenv("APIG_LOADTEST_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatal(err)
		}
		duration = d
	}
	const gateways, scrapers, concurrency = 1000, 20, 16
	const callLimit, scrapeDeadline = 500 * time.Millisecond, 10 * time.Second

	goroutines0 := runtime.NumGoroutine()
	heap0 := heapAfterGC()

	fake := simcloud.New().Start()
	var targets []collector.Target
	kinds := map[string]int{}
	for i := 0; i < gateways; i++ {
		g, kind := loadGateway(i)
		kinds[kind]++
		fake.Put(g)
		targets = append(targets, collector.Target{Project: apig.Project{ID: mainProject, Endpoint: fake.URL()}, InstanceID: g.ID, InstanceName: g.Name})
	}
	t.Logf("gateways by kind: %v", kinds)
	hc := apig.NewHTTPClient(nil)
	metrics := collector.NewMetrics()
	client, err := apig.NewClient(apig.Options{HTTPClient: hc, Auth: apig.StaticToken{Token: apig.StaticSecret("load-token")}, Observer: metrics, Timeout: callLimit})
	if err != nil {
		t.Fatal(err)
	}

	var answered, incomplete atomic.Int64
	var longest atomic.Int64
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for s := 0; s < scrapers; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				start := time.Now()
				n := loadScrape(t, client, metrics, targets, concurrency, scrapeDeadline)
				took := time.Since(start)
				for {
					l := longest.Load()
					if int64(took) <= l || longest.CompareAndSwap(l, int64(took)) {
						break
					}
				}
				answered.Add(1)
				if n != gateways {
					incomplete.Add(1)
				}
			}
		}()
	}
	wg.Wait()

	calls, conns, peak := fake.Calls(apig.OpProgress), fake.Conns(), fake.PeakInFlight()
	hc.CloseIdleConnections()
	fake.Close()
	goroutines1 := waitGoroutines(goroutines0)
	heap1 := heapAfterGC()

	t.Logf("%d scrapes answered in %s (longest %s), %d incomplete", answered.Load(), duration, time.Duration(longest.Load()).Round(time.Millisecond), incomplete.Load())
	t.Logf("%d progress calls over %d TCP connections (%.0f calls per connection), peak %d in flight", calls, conns, float64(calls)/float64(max(conns, 1)), peak)
	t.Logf("goroutines %d before, %d after", goroutines0, goroutines1)
	t.Logf("heap in use after GC: %.1f MiB before, %.1f MiB after", mib(heap0), mib(heap1))

	if answered.Load() == 0 || incomplete.Load() != 0 {
		t.Errorf("%d scrapes answered, %d without every gateway", answered.Load(), incomplete.Load())
	}
	if goroutines1 > goroutines0+2 {
		t.Errorf("goroutines: %d before, %d after", goroutines0, goroutines1)
	}
	if heap1 > heap0+16<<20 {
		t.Errorf("heap: %.1f MiB before, %.1f MiB after", mib(heap0), mib(heap1))
	}
	// Connections: one per concurrent call at most, plus one for each
	// call whose connection a fault killed (hangs, trickles, resets,
	// oversized bodies). Far below one per call.
	if conns > calls/10 {
		t.Errorf("%d connections for %d calls", conns, calls)
	}
}

// loadGateway is gateway i of the load test: mostly healthy, with every
// tenth or so broken in one of the ways the fault matrix covers.
func loadGateway(i int) (simcloud.Gateway, string) {
	g := simcloud.Gateway{ProjectID: mainProject, ID: fmt.Sprintf("%032x", i+1), Name: fmt.Sprintf("gw-%d", i)}
	var kind string
	switch {
	case i == 0:
		kind, g.Handler = "16MiB body", simcloud.Huge(16<<20)
	case i%100 == 1:
		kind, g.Handler = "hang", simcloud.Hang()
	case i%100 == 2:
		kind, g.Handler = "trickle", simcloud.Trickle(50*time.Millisecond)
	case i%100 == 3:
		kind, g.Handler = "reset", simcloud.ResetMidBody()
	case i%50 == 4:
		kind, g.Progress = "500", simcloud.APIError(http.StatusInternalServerError, "APIC.9000", "Failed to request internal service")
	case i%50 == 5:
		kind, g.Progress = "404", simcloud.APIError(http.StatusNotFound, "APIC.7302", "Instance not found")
	case i%50 == 6:
		kind, g.Progress = "429", simcloud.APIError(http.StatusTooManyRequests, "APIGW.0308", "throttled")
	case i%50 == 7:
		kind, g.Progress = "truncated", simcloud.Raw(http.StatusOK, "application/json", `{"progress":5`)
	case i%3 == 0:
		kind, g.Progress = "created", simcloud.Succeeded(fixedNow.Add(-time.Hour), fixedNow.Add(-50*time.Minute))
	case i%3 == 1:
		kind, g.Progress = "creating", simcloud.Stuck(fixedNow.Add(-5*time.Minute), 50)
	default:
		kind, g.Progress = "failed", simcloud.Failed(fixedNow.Add(-time.Hour), fixedNow.Add(-55*time.Minute), "APIC.9219", "create failed")
	}
	return g, kind
}

// loadScrape runs one scrape and returns how many gateways it reported.
func loadScrape(t *testing.T, client *apig.Client, metrics *collector.Metrics, targets []collector.Target, concurrency int, deadline time.Duration) int {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector.New(ctx, collector.Options{Source: collector.NewSource(ctx, collector.SourceOptions{Fetcher: client}, nil), Targets: targets, Concurrency: concurrency, Metrics: metrics}))
	mfs, err := reg.Gather()
	if err != nil {
		t.Errorf("gather: %v", err)
		return 0
	}
	for _, mf := range mfs {
		if mf.GetName() == "apig_instance_info" {
			return len(mf.Metric)
		}
	}
	return 0
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// waitGoroutines gives connection goroutines a moment to see their
// sockets closed, and returns the count once it is down to want or after
// a few seconds.
func waitGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 50 && n > want; i++ {
		time.Sleep(100 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
