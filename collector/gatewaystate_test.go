package collector

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// notFound answers every gateway as APIG does for an unknown one.
var notFound = fetcherFunc(func(context.Context, apig.Project, string) (*apig.Progress, error) {
	return nil, &apig.Error{Operation: apig.OpProgress, HTTPStatus: http.StatusNotFound, Code: "APIC.7302"}
})

// probe scrapes one gateway the way /probe does.
func probe(t *testing.T, src *Source, m *Metrics, projectID, instanceID string) {
	t.Helper()
	target, ok := src.ProbeTarget(projectID, instanceID)
	if !ok {
		t.Fatalf("project %s not configured", projectID)
	}
	collect(New(context.Background(), Options{Source: src, Targets: []Target{target}, Concurrency: 1, Metrics: m}))
}

func collect(c prometheus.Collector) {
	ch := make(chan prometheus.Metric)
	go func() { c.Collect(ch); close(ch) }()
	for range ch {
	}
}

// A flood of /probe requests for gateway IDs that do not exist cannot grow
// what the exporter holds beyond MaxProbedGateways, and what it holds goes
// once those gateways are not probed for ProbedGatewayTTL.
func TestProbedGatewayStateIsBounded(t *testing.T) {
	clock := simcloud.NewClock(testNow)
	p := apig.Project{ID: "p1", Endpoint: "http://127.0.0.1:1"}
	src := NewSource(t.Context(), SourceOptions{Fetcher: notFound, Projects: []Project{{Project: p}}, SettledTTL: time.Hour, Now: clock.Now}, nil)
	m := NewMetrics()

	const probes = 3 * MaxProbedGateways
	for i := range probes {
		probe(t, src, m, "p1", fmt.Sprintf("%032x", i))
		clock.Advance(time.Millisecond)
	}
	if all, probed := src.gateways.len(); all != MaxProbedGateways || probed != MaxProbedGateways {
		t.Errorf("after %d probes of unknown gateways: %d states (%d probe-only), want the cap %d", probes, all, probed, MaxProbedGateways)
	}
	if n := src.CachedGateways(); n != 0 {
		t.Errorf("%d cache entries for gateways that do not exist", n)
	}
	if n := len(src.progressCalls.waiting); n != 0 {
		t.Errorf("%d calls still waited for", n)
	}

	clock.Advance(ProbedGatewayTTL)
	probe(t, src, m, "p1", "last")
	if all, _ := src.gateways.len(); all != 1 {
		t.Errorf("%d states after %v without probes, want only the last probe's", all, ProbedGatewayTTL)
	}
}

// A watched gateway's state is kept however many gateways are probed, and
// goes when the gateway is no longer watched.
func TestWatchedGatewayStateLivesWhileWatched(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gone", Progress: simcloud.APIError(http.StatusNotFound, "APIC.7302", "Instance not found")}))
	p := r.project("p1")
	watched := Project{Project: p, Instances: []Target{{Project: p, InstanceID: "gone"}}}
	r.use(0, watched)
	r.scrape(t, "", "none")
	key := progressKey(p, "gone")
	has := func() bool {
		r.source.gateways.mu.Lock()
		defer r.source.gateways.mu.Unlock()
		return r.source.gateways.states[key] != nil
	}
	if !has() {
		t.Fatal("a failing watched gateway has no state")
	}

	for i := range MaxProbedGateways + 1 {
		r.source.gateways.update(progressKey(p, fmt.Sprintf("probed%d", i)), r.clock.Now(), func(s *gatewayState) { s.failing = "APIC.7302" })
	}
	r.clock.Advance(2 * ProbedGatewayTTL)
	r.scrape(t, "", "none")
	if !has() {
		t.Error("a watched gateway's state was dropped by probe-only bounds")
	}

	r.use(0, Project{Project: p}) // a reload stops watching it
	r.scrape(t, "", "none")
	if has() {
		t.Error("the state of a gateway no longer watched is still held")
	}
}

func TestGatewayStatesHoldOnlyWhatIsWorthRemembering(t *testing.T) {
	g := newGatewayStates()
	g.watch(map[string]bool{"w": true}, testNow)
	for _, key := range []string{"w", "probed"} {
		g.update(key, testNow, func(s *gatewayState) { s.failing = "APIC.9000" })
		g.update(key, testNow, func(s *gatewayState) { s.failing = "" })
	}
	if all, probed := g.len(); all != 0 || probed != 0 {
		t.Errorf("%d states (%d probe-only) after every gateway recovered, want none", all, probed)
	}
}
