package collector

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
)

// A settled gateway's series are rendered once and reused, but a new name
// or list status, or a new answer after the TTL, renders them afresh.
func TestSettledSeriesAreReusedUntilTheGatewayChanges(t *testing.T) {
	r := newRig(t, apigtest.New(apigtest.Gateway{ProjectID: "p1", ID: "gw1", Name: "before", Progress: succeeded(), ListStatus: "Running"}))
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

	r.fake.Put(apigtest.Gateway{ProjectID: "p1", ID: "gw1", Name: "after", Progress: succeeded(), ListStatus: "Frozen"})
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
