package collector

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
)

// collectAll runs one scrape and drops its series.
func collectAll(c *Collector) {
	ch := make(chan prometheus.Metric)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	for range ch {
	}
}

func TestLatestKeepsTheAnswersOfTheLastScrape(t *testing.T) {
	p1 := apig.Project{ID: "p1", Endpoint: "http://apig.invalid"}
	var gw1Status atomic.Value
	gw1Status.Store(apig.StatusCreating)
	gone := &apig.Error{Operation: apig.OpProgress, HTTPStatus: http.StatusNotFound, Code: "APIC.7302", Message: "Instance not found"}
	fetch := fetcherFunc(func(_ context.Context, _ apig.Project, id string) (*apig.Progress, error) {
		if id == "gw1" {
			return &apig.Progress{Status: gw1Status.Load().(string), Percent: 40}, nil
		}
		return nil, gone
	})
	s := NewSource(t.Context(), SourceOptions{Fetcher: fetch, Projects: []Project{{Project: p1, Instances: []Target{
		{Project: p1, InstanceID: "gw1", InstanceName: "one"}, {Project: p1, InstanceID: "gw2"}}}}}, nil)
	scrape := func(targets ...Target) {
		collectAll(New(context.Background(), Options{Source: s, Targets: targets, Metrics: NewMetrics(), Now: func() time.Time { return testNow }}))
	}

	if got := s.Latest(); !got.Taken.IsZero() || len(got.Gateways) != 0 {
		t.Fatalf("before any scrape: %+v, want nothing", got)
	}

	scrape()
	got := s.Latest()
	if !got.Taken.Equal(testNow) || len(got.Gateways) != 2 {
		t.Fatalf("after a scrape: taken %v, %d gateways; want %v and 2", got.Taken, len(got.Gateways), testNow)
	}
	if o := got.Gateways[0]; o.Target.InstanceName != "one" || o.Progress == nil || o.Progress.Status != apig.StatusCreating || o.Err != nil {
		t.Errorf("gw1: %+v, want creating", o)
	}
	if o := got.Gateways[1]; o.Progress != nil || o.Err != gone {
		t.Errorf("gw2: %+v, want the 404", o)
	}
	if len(got.Projects) != 1 || !got.Projects[0].Up {
		t.Errorf("projects %+v, want p1 up (an error answer shows the credentials work)", got.Projects)
	}

	gw1Status.Store(apig.StatusFailed)
	scrape(Target{Project: p1, InstanceID: "gw1", InstanceName: "one"})
	scrape(Target{Project: p1, InstanceID: "probed-only"})
	got = s.Latest()
	if len(got.Gateways) != 2 || got.Gateways[0].Progress.Status != apig.StatusFailed {
		t.Errorf("after probes: %+v; want gw1 failed and no probe-only gateway", got.Gateways)
	}
}
