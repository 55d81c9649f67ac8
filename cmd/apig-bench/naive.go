package main

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
)

// naiveScrapes runs k concurrent scrapes the naive way: one progress call
// per gateway per scrape, at most concurrency at once, with no cache, no
// shared calls and no discovery (the gateways are configured). It returns
// the wall time of the slowest.
func naiveScrapes(endpoint, project string, ids []string, concurrency, k int) (time.Duration, error) {
	client, err := apig.NewClient(apig.Options{Auth: apig.StaticToken{Token: apig.StaticSecret("bench")}})
	if err != nil {
		return 0, err
	}
	targets := make([]collector.Target, len(ids))
	for i, id := range ids {
		targets[i] = collector.Target{Project: apig.Project{ID: project, Endpoint: endpoint}, InstanceID: id}
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, k)
	for i := range k {
		wg.Go(func() {
			reg := prometheus.NewRegistry()
			reg.MustRegister(collector.New(context.Background(), collector.Options{
				Fetcher: client, Targets: targets, Concurrency: concurrency, Metrics: collector.NewMetrics(),
			}))
			_, errs[i] = reg.Gather()
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}
