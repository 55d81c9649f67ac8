package collector_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// TestConnectionsAreReused pins that scrapes share kept-alive connections
// to APIG: N scrapes at concurrency C open about C connections, not one
// per call.
func TestConnectionsAreReused(t *testing.T) {
	const gateways, scrapes, concurrency = 60, 10, 4
	w := newWorld(t, false, 5*time.Second)
	w.concurrency = concurrency
	for i := 0; i < gateways; i++ {
		id := fmt.Sprintf("%032x", i+1000)
		w.fake.Put(simcloud.Gateway{ProjectID: mainProject, ID: id, Progress: simcloud.Stuck(fixedNow.Add(-time.Minute), 30)})
		w.targets = append(w.targets, collector.Target{Project: apig.Project{ID: mainProject, Endpoint: w.fake.URL()}, InstanceID: id})
	}
	calls0 := w.fake.Calls(apig.OpProgress)
	for i := 0; i < scrapes; i++ {
		w.scrape(context.Background())
	}
	calls := w.fake.Calls(apig.OpProgress) - calls0
	conns := w.fake.Conns()
	t.Logf("%d calls over %d connections", calls, conns)
	if want := int64(scrapes * len(w.targets)); calls != want {
		t.Errorf("%d progress calls, want %d", calls, want)
	}
	// A worker may ask again a moment before its last connection is back
	// in the idle pool; allow for that, but not for one per call.
	if conns > 2*concurrency {
		t.Errorf("%d connections for %d calls at concurrency %d; want at most %d", conns, calls, concurrency, 2*concurrency)
	}
}
