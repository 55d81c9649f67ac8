package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// coldResult is the first scrape of N gateways with nothing cached, after
// a start at the concurrency and after a reload to it from the default 16.
type coldResult struct {
	gateways, concurrency int
	floor                 time.Duration
	afterStart            time.Duration
	afterReload           time.Duration
}

// coldRun measures, for configured gateways with settled_ttl: 0s (every
// scrape asks every gateway), the first scrape after a start and the first
// scrape after a reload from concurrency 16 to the one measured.
func coldRun(b bench) (coldResult, error) {
	r := coldResult{gateways: b.gateways, concurrency: b.concurrency}
	r.floor = time.Duration((b.gateways+b.concurrency-1)/b.concurrency) * b.latency
	fake, ids := fakeAPIG(b.gateways, b.latency)
	defer fake.Close()
	ctx := context.Background()

	p, err := startExporter(b.bin, b.dir, naiveConfig(fake.URL(), ids, b.concurrency))
	if err != nil {
		return r, err
	}
	r.afterStart, _, err = p.scrape(ctx)
	p.stop()
	if err != nil {
		return r, fmt.Errorf("first scrape after start: %w", err)
	}

	p, err = startExporter(b.bin, b.dir, naiveConfig(fake.URL(), ids, 16))
	if err != nil {
		return r, err
	}
	defer p.stop()
	if err := p.reload(b.dir, naiveConfig(fake.URL(), ids, b.concurrency)); err != nil {
		return r, err
	}
	r.afterReload, _, err = p.scrape(ctx)
	if err != nil {
		return r, fmt.Errorf("first scrape after reload: %w", err)
	}
	return r, nil
}

// reload rewrites the configuration file and asks the exporter to load it.
func (p *exporterProcess) reload(dir, config string) error {
	if err := os.WriteFile(filepath.Join(dir, "apig_exporter.yml"), []byte(config), 0o600); err != nil {
		return err
	}
	resp, err := http.Post(p.url+"/-/reload", "", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("reload: HTTP %d: %s", resp.StatusCode, body)
	}
	return nil
}

func printColdTable(w io.Writer, rows []coldResult, latency time.Duration) {
	fmt.Fprintf(w, "Fake APIG latency %v, configured gateways, settled_ttl 0s (every scrape cold).\n\n", latency)
	fmt.Fprintln(w, "| gateways | concurrency | floor ceil(N/c)×latency | first scrape after start | ratio | after reload from 16 | ratio |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %d | %d | %s | %s | %.2f× | %s | %.2f× |\n", r.gateways, r.concurrency, ms(r.floor),
			ms(r.afterStart), r.afterStart.Seconds()/r.floor.Seconds(), ms(r.afterReload), r.afterReload.Seconds()/r.floor.Seconds())
	}
}
