package collector

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

const defaultTestTTL = 10 * time.Minute

func TestSettledAnswersAreReusedForTheTTL(t *testing.T) {
	r := newRig(t, simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "ok", Progress: succeeded()},
		simcloud.Gateway{ProjectID: "p1", ID: "failed", Progress: failed()},
		simcloud.Gateway{ProjectID: "p1", ID: "creating", Progress: creating()},
	))
	p := r.project("p1")
	r.use(defaultTestTTL, Project{Project: p, Instances: []Target{{Project: p, InstanceID: "ok"}, {Project: p, InstanceID: "failed"}, {Project: p, InstanceID: "creating"}}})

	for _, step := range []struct {
		name      string
		advance   time.Duration
		wantCalls int64
	}{
		{"first scrape asks every gateway", 0, 3},
		{"next scrape asks only the gateway under way", time.Minute, 1},
		{"just before the TTL: still cached", defaultTestTTL - time.Minute - time.Second, 1},
		{"at the TTL: settled answers are asked again", time.Second, 3},
	} {
		r.clock.Advance(step.advance)
		r.scrape(t, `
# HELP apig_instance_creation_status Creation status as a state set: 1 for the current status (creating, success, failed, or an unknown value as sent), 0 for the others. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_status gauge
apig_instance_creation_status{instance_id="creating",project_id="p1",status="creating"} 1
apig_instance_creation_status{instance_id="creating",project_id="p1",status="failed"} 0
apig_instance_creation_status{instance_id="creating",project_id="p1",status="success"} 0
apig_instance_creation_status{instance_id="failed",project_id="p1",status="creating"} 0
apig_instance_creation_status{instance_id="failed",project_id="p1",status="failed"} 1
apig_instance_creation_status{instance_id="failed",project_id="p1",status="success"} 0
apig_instance_creation_status{instance_id="ok",project_id="p1",status="creating"} 0
apig_instance_creation_status{instance_id="ok",project_id="p1",status="failed"} 0
apig_instance_creation_status{instance_id="ok",project_id="p1",status="success"} 1
`, "apig_instance_creation_status")
		if progress, _ := r.calls(); progress != step.wantCalls {
			t.Errorf("%s: %d progress calls, want %d", step.name, progress, step.wantCalls)
		}
	}
}

func TestZeroTTLAsksEveryScrape(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "ok", Progress: succeeded()}))
	p := r.project("p1")
	r.use(0, Project{Project: p, Instances: []Target{{Project: p, InstanceID: "ok"}}})
	for range 3 {
		r.scrape(t, "", "none")
	}
	if progress, _ := r.calls(); progress != 3 {
		t.Errorf("%d progress calls, want 3 with settled_ttl 0", progress)
	}
}

func TestCreatingInTheListBypassesTheCache(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw", Name: "gw", Progress: succeeded()}))
	r.use(defaultTestTTL, Project{Project: r.project("p1"), Discover: true})
	r.scrape(t, "", "none")
	r.scrape(t, "", "none")
	if progress, _ := r.calls(); progress != 1 {
		t.Fatalf("%d progress calls, want 1: the second scrape reuses the settled answer", progress)
	}

	// The list now shows the gateway as being created (say, recreated
	// under the same ID): the cached success must not hide that.
	r.fake.Put(simcloud.Gateway{ProjectID: "p1", ID: "gw", Name: "gw", Progress: creating()})
	r.scrape(t, `
# HELP apig_instance_creation_progress_ratio Creation progress of the gateway as a ratio from 0 to 1 (the API's percent divided by 100). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_progress_ratio gauge
apig_instance_creation_progress_ratio{instance_id="gw",project_id="p1"} 0.3
`, "apig_instance_creation_progress_ratio")
	if progress, _ := r.calls(); progress != 1 {
		t.Errorf("%d progress calls, want 1: Creating in the list is always asked", progress)
	}
	if n := r.source.CachedGateways(); n != 0 {
		t.Errorf("%d cache entries; an answer under way replaces the settled one", n)
	}
}

func TestReloadKeepsTheCache(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "ok", Progress: succeeded()}))
	p := r.project("p1")
	proj := Project{Project: p, Instances: []Target{{Project: p, InstanceID: "ok"}}}
	r.use(defaultTestTTL, proj)
	r.scrape(t, "", "none")
	r.use(defaultTestTTL, proj) // a reload builds a new source from the old
	r.scrape(t, "", "none")
	if progress, _ := r.calls(); progress != 1 {
		t.Errorf("%d progress calls, want 1: the reloaded source reuses the cache", progress)
	}
}

// A settled gateway's series are rendered once and reused, but a new name
// or list status, or a new answer after the TTL, renders them afresh.
func TestSettledSeriesAreReusedUntilTheGatewayChanges(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw1", Name: "before", Progress: succeeded(), ListStatus: "Running"}))
	r.use(time.Hour, Project{Project: r.project("p1"), Discover: true})
	info := func(name, status string) string {
		return `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="gw1",instance_name="` + name + `",project_id="p1",status="` + status + `"} 1
`
	}
	r.scrape(t, info("before", "Running"), "apig_instance_info")
	key := progressKey(r.project("p1"), "gw1")
	p, ok := r.source.cache.get(key, r.clock.Now())
	if !ok {
		t.Fatal("settled answer not cached")
	}
	first, ok := r.source.cache.series(key, p, "before", "Running")
	if !ok {
		t.Fatal("series not kept after the first scrape")
	}

	r.scrape(t, info("before", "Running"), "apig_instance_info")
	again, _ := r.source.cache.series(key, p, "before", "Running")
	if !sameSeries(first, again) {
		t.Error("second scrape rendered the series again instead of reusing them")
	}

	r.fake.Put(simcloud.Gateway{ProjectID: "p1", ID: "gw1", Name: "after", Progress: succeeded(), ListStatus: "Frozen"})
	r.scrape(t, info("after", "Frozen"), "apig_instance_info")
	if _, ok := r.source.cache.series(key, p, "before", "Running"); ok {
		t.Error("series for the old name still served")
	}

	r.clock.Advance(2 * time.Hour) // the answer expires; a new one is asked for
	r.scrape(t, info("after", "Frozen"), "apig_instance_info")
	if fresh, ok := r.source.cache.get(key, r.clock.Now()); !ok || fresh == p {
		t.Error("expired answer not replaced")
	}
}

func sameSeries(a, b []prometheus.Metric) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
