package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const benchProject = "0123456789abcdef0123456789abcdef"

// bench is one benchmark run.
type bench struct {
	bin, dir    string
	gateways    int
	latency     time.Duration
	concurrency int
	warm        int
}

// result is what one run measured.
type result struct {
	gateways           int
	first, floor       time.Duration
	firstCalls         int64
	warmWall           time.Duration // median
	warmCalls          float64
	pairCold, pairWarm float64 // calls of two concurrent scrapes / calls of one
	cpuPerScrape       time.Duration
	allocsPerScrape    float64
	peakRSS            int64
	naiveWall          time.Duration
	naiveCalls         int64
	successfulGateways int
}

// fakeAPIG serves n settled gateways (one in a hundred failed) in one
// project.
func fakeAPIG(n int, latency time.Duration) (*simcloud.Server, []string) {
	start := time.Now().Add(-time.Hour)
	ok := simcloud.Succeeded(start, start.Add(5*time.Minute))
	failed := simcloud.Failed(start, start.Add(time.Minute), "APIC.9218", "insufficient quota")
	fake := simcloud.New()
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%032x", i+1)
		p, st := ok, "Running"
		if i%100 == 99 {
			p, st = failed, "CreateFail"
		}
		fake.Put(simcloud.Gateway{ProjectID: benchProject, ID: ids[i], Name: fmt.Sprintf("gw-%05d", i), Progress: p, ListStatus: st})
	}
	fake.Latency.Store(int64(latency))
	return fake.Start(), ids
}

func (b bench) config(endpoint string) string {
	return fmt.Sprintf(`apig_endpoint: %s
auth: {token: bench}
projects:
  - id: %s
    discover: true
concurrency: %d
request_timeout: 60s
cache: {settled_ttl: 10m}
`, endpoint, benchProject, b.concurrency)
}

func calls(fake *simcloud.Server) int64 {
	n := fake.Calls(apig.OpProgress) + fake.Calls(apig.OpList)
	fake.ResetCalls()
	return n
}

func run(b bench) (result, error) {
	r := result{gateways: b.gateways}
	r.floor = time.Duration((b.gateways+b.concurrency-1)/b.concurrency) * b.latency
	fake, ids := fakeAPIG(b.gateways, b.latency)
	defer fake.Close()
	ctx := context.Background()

	// A: first scrape, then warm scrapes, alone and in pairs.
	a, err := startExporter(b.bin, b.dir, b.config(fake.URL()))
	if err != nil {
		return r, err
	}
	defer a.stop()
	calls(fake)
	d, body, err := a.scrape(ctx)
	if err != nil {
		return r, fmt.Errorf("first scrape: %w", err)
	}
	r.first, r.firstCalls = d, calls(fake)
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "apig_instance_scrape_success{") && strings.HasSuffix(line, " 1") {
			r.successfulGateways++
		}
	}

	cpu0, err := a.cpuTime()
	if err != nil {
		return r, err
	}
	var walls []time.Duration
	var mallocs []float64
	for range b.warm {
		d, body, err := a.scrape(ctx)
		if err != nil {
			return r, fmt.Errorf("warm scrape: %w", err)
		}
		walls = append(walls, d)
		mallocs = append(mallocs, sample(body, "go_memstats_mallocs_total"))
	}
	cpu1, _ := a.cpuTime()
	r.warmCalls = float64(calls(fake)) / float64(b.warm)
	slices.Sort(walls)
	r.warmWall = walls[len(walls)/2]
	r.cpuPerScrape = (cpu1 - cpu0) / time.Duration(b.warm)
	if len(mallocs) > 1 {
		r.allocsPerScrape = (mallocs[len(mallocs)-1] - mallocs[0]) / float64(len(mallocs)-1)
	}

	const rounds = 3
	for range rounds {
		if err := pair(ctx, a); err != nil {
			return r, err
		}
	}
	r.pairWarm = float64(calls(fake)) / rounds / r.warmCalls
	if r.peakRSS, err = a.peakRSS(); err != nil {
		return r, err
	}
	a.stop()

	// B: a fresh exporter scraped by two replicas at once.
	bp, err := startExporter(b.bin, b.dir, b.config(fake.URL()))
	if err != nil {
		return r, err
	}
	defer bp.stop()
	calls(fake)
	if err := pair(ctx, bp); err != nil {
		return r, err
	}
	r.pairCold = float64(calls(fake)) / float64(r.firstCalls)
	if rss, err := bp.peakRSS(); err == nil {
		r.peakRSS = max(r.peakRSS, rss)
	}
	bp.stop()

	// The naive way.
	calls(fake)
	if r.naiveWall, err = naiveScrape(b, fake.URL(), ids); err != nil {
		return r, err
	}
	r.naiveCalls = calls(fake)
	if r.successfulGateways != b.gateways {
		fmt.Fprintf(os.Stderr, "apig-bench: warning: first scrape got %d of %d gateways\n", r.successfulGateways, b.gateways)
	}
	return r, nil
}

// pair runs two scrapes at once, as two Prometheus replicas would.
func pair(ctx context.Context, p *exporterProcess) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, _, errs[i] = p.scrape(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("paired scrape: %w", err)
		}
	}
	return nil
}
