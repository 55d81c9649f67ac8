package collector

import (
	"fmt"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

func TestDiscoveryMergesConfiguredAndListed(t *testing.T) {
	r := newRig(t, simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "a", Name: "prod-a", Progress: succeeded()},
		simcloud.Gateway{ProjectID: "p1", ID: "b", Name: "prod-b", Progress: creating()},
		simcloud.Gateway{ProjectID: "p1", ID: "c", Name: "dev-c", Progress: succeeded()},
		simcloud.Gateway{ProjectID: "p1", ID: "d", Name: "unlisted", Hidden: true, Progress: failed()},
		simcloud.Gateway{ProjectID: "p2", ID: "e", Name: "other", Progress: succeeded()},
	))
	prod := regexp.MustCompile(`^prod-.*$`)
	r.use(0,
		Project{Project: r.project("p1"), Discover: true, Filter: func(name, _ string) bool { return prod.MatchString(name) },
			// a is configured and listed: one series, the list's name and status.
			Instances: []Target{{Project: r.project("p1"), InstanceID: "a"}, {Project: r.project("p1"), InstanceID: "d", InstanceName: "configured-d"}}},
		Project{Project: r.project("p2"), Instances: []Target{{Project: r.project("p2"), InstanceID: "e", InstanceName: "other"}}},
	)
	r.scrape(t, `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="a",instance_name="prod-a",project_id="p1",status="Running"} 1
apig_instance_info{instance_id="b",instance_name="prod-b",project_id="p1",status="Creating"} 1
apig_instance_info{instance_id="d",instance_name="configured-d",project_id="p1",status=""} 1
apig_instance_info{instance_id="e",instance_name="other",project_id="p2",status=""} 1
# HELP apig_up 1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.
# TYPE apig_up gauge
apig_up{project_id="p1"} 1
apig_up{project_id="p2"} 1
`, "apig_instance_info", "apig_up")
	if progress, list := r.calls(); progress != 4 || list != 1 {
		t.Errorf("%d progress and %d list calls, want 4 and 1 (no list for p2, which does not discover)", progress, list)
	}
}

func TestDiscoveryPagesThroughLargeProjects(t *testing.T) {
	fake := simcloud.New()
	for i := range 1201 {
		fake.Put(simcloud.Gateway{ProjectID: "p1", ID: fmt.Sprintf("gw%04d", i), Progress: succeeded()})
	}
	r := newRig(t, fake)
	r.use(0, Project{Project: r.project("p1"), Discover: true})
	if n := testutil.CollectAndCount(r.collector(t.Context()), "apig_instance_info"); n != 1201 {
		t.Errorf("%d gateways exported, want 1201", n)
	}
	if _, list := r.calls(); list != 3 {
		t.Errorf("%d list calls, want 3 pages of 500", list)
	}
}

func TestGatewaysLeavingTheListStopBeingExported(t *testing.T) {
	r := newRig(t, simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "a", Name: "a", Progress: succeeded()},
		simcloud.Gateway{ProjectID: "p1", ID: "b", Name: "b", Progress: succeeded()},
	))
	r.use(defaultTestTTL, Project{Project: r.project("p1"), Discover: true})
	if n := testutil.CollectAndCount(r.collector(t.Context()), "apig_instance_scrape_success"); n != 2 {
		t.Fatalf("%d gateways, want 2", n)
	}
	r.fake.Remove("p1", "b")
	r.scrape(t, `
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="a",project_id="p1"} 1
`, "apig_instance_scrape_success")
	if n := r.source.CachedGateways(); n != 1 {
		t.Errorf("%d cache entries, want 1: the entry of a gateway no longer watched is dropped", n)
	}
}

func TestFailedListServesLastGoodList(t *testing.T) {
	r := newRig(t, simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "a", Name: "a", Progress: succeeded()}))
	var broken atomic.Bool
	list := r.fake // the fake's own list, unless broken
	r.fake.Handle("/v2/p1/apigw/instances", func(w http.ResponseWriter, req *http.Request) {
		if broken.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error_code":"APIC.9000","error_msg":"Failed to request internal service"}`))
			return
		}
		req.URL.Path += "/" // bypass this handler: the fake lists under either path
		list.ServeHTTP(w, req)
	})
	r.use(0, Project{Project: r.project("p1"), Discover: true})
	r.scrape(t, "# HELP apig_up 1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.\n# TYPE apig_up gauge\napig_up{project_id=\"p1\"} 1\n", "apig_up")

	broken.Store(true)
	r.scrape(t, `
# HELP apig_api_errors_total Failed cloud API calls, by operation and error code: the API's code (APIC.7102, APIGW.0308, ...) or timeout, connection, decode, http_<status>.
# TYPE apig_api_errors_total counter
apig_api_errors_total{error_code="APIC.9000",operation="list"} 1
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="a",instance_name="a",project_id="p1",status="Running"} 1
# HELP apig_up 1 if the last scrape reached APIG and was authorised for the project, and the project's gateway list (with discover) succeeded, else 0.
# TYPE apig_up gauge
apig_up{project_id="p1"} 0
`, "apig_instance_info", "apig_up", "apig_api_errors_total")
}
