package exporter

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// probeExporter serves the exporter for a config watching the given fake:
// project p1 with one configured gateway, and p2 discovering.
func probeExporter(t *testing.T, fake *simcloud.Server) string {
	t.Helper()
	return mustExporter(t, fromFile(configFile(t, "apig_endpoint: "+fake.URL()+`
auth: {token: t}
concurrency: 4
request_timeout: 5s
projects:
  - id: p1
    instances: [{id: gw1, name: configured-name}]
  - id: p2
    discover: true
`))).serve(t)
}

func TestProbe(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	fake := simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "gw1", Name: "listed-name", Progress: simcloud.Succeeded(start, start.Add(5*time.Minute))},
		simcloud.Gateway{ProjectID: "p1", ID: "unconfigured", Name: "u", Progress: simcloud.Succeeded(start, start.Add(6*time.Minute))},
	).Start()
	defer fake.Close()
	url := probeExporter(t, fake)

	for _, tc := range []struct {
		name, query string
		want        string // exposition of the compared series
	}{
		{"configured gateway", "project_id=p1&instance_id=gw1", `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="gw1",instance_name="configured-name",project_id="p1",status=""} 1
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="gw1",project_id="p1"} 1
# HELP apig_instance_creation_duration_seconds Seconds the creation took (end minus start) once finished, or has taken so far (now minus start) while creating. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_duration_seconds gauge
apig_instance_creation_duration_seconds{instance_id="gw1",project_id="p1"} 300
`},
		{"gateway not in the configuration of a configured project", "project_id=p1&instance_id=unconfigured", `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="unconfigured",instance_name="",project_id="p1",status=""} 1
# HELP apig_instance_creation_duration_seconds Seconds the creation took (end minus start) once finished, or has taken so far (now minus start) while creating. Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_creation_duration_seconds gauge
apig_instance_creation_duration_seconds{instance_id="unconfigured",project_id="p1"} 360
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="unconfigured",project_id="p1"} 1
`},
		{"gateway APIG does not know (404)", "project_id=p1&instance_id=gone", `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="gone",instance_name="",project_id="p1",status=""} 1
# HELP apig_instance_scrape_success 1 if this scrape got and decoded the gateway's creation progress, else 0 (then no progress, status or time series for the gateway). Settled results may be up to cache.settled_ttl old.
# TYPE apig_instance_scrape_success gauge
apig_instance_scrape_success{instance_id="gone",project_id="p1"} 0
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := testutil.ScrapeAndCompare(url+"/probe?"+tc.query, strings.NewReader(tc.want),
				"apig_instance_info", "apig_instance_scrape_success", "apig_instance_creation_duration_seconds"); err != nil {
				t.Error(err)
			}
		})
	}
	if n := fake.Calls(apig.OpList); n != 0 {
		t.Errorf("%d list calls: a probe must not list", n)
	}
}

func TestProbeRefusesBadRequests(t *testing.T) {
	fake := simcloud.New().Start()
	defer fake.Close()
	url := probeExporter(t, fake)
	for _, tc := range []struct {
		name, query, want string
	}{
		{"no parameters", "", "missing parameters: use /probe?project_id=<project>&instance_id=<gateway>"},
		{"missing instance_id", "project_id=p1", "missing parameter instance_id"},
		{"missing project_id", "instance_id=gw1", "missing parameter project_id"},
		{"invalid instance_id", "project_id=p1&instance_id=..%2Fx", `instance_id "../x" is not a gateway ID`},
		{"unknown project", "project_id=p9&instance_id=gw1", `project_id "p9" is not configured`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(url + "/probe?" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), tc.want) {
				t.Errorf("HTTP %d %q, want 400 containing %q", resp.StatusCode, body, tc.want)
			}
		})
	}
	if n := fake.Calls(apig.OpProgress); n != 0 {
		t.Errorf("%d API calls for refused probes", n)
	}
}

func TestMetricsDiscoversAndCaches(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	fake := simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "gw1", Progress: simcloud.Succeeded(start, start.Add(5*time.Minute))},
		simcloud.Gateway{ProjectID: "p2", ID: "d1", Name: "found", Progress: simcloud.Succeeded(start, start.Add(5*time.Minute))},
	).Start()
	defer fake.Close()
	url := probeExporter(t, fake)
	want := `
# HELP apig_instance_info Configured or discovered APIG dedicated gateway, value 1; status is the list API's status (Creating, Running, ...), empty for a configured gateway no list showed.
# TYPE apig_instance_info gauge
apig_instance_info{instance_id="d1",instance_name="found",project_id="p2",status="Running"} 1
apig_instance_info{instance_id="gw1",instance_name="configured-name",project_id="p1",status=""} 1
`
	for range 2 {
		if err := testutil.ScrapeAndCompare(url+"/metrics", strings.NewReader(want), "apig_instance_info"); err != nil {
			t.Error(err)
		}
	}
	if progress, list := fake.Calls(apig.OpProgress), fake.Calls(apig.OpList); progress != 2 || list != 2 {
		t.Errorf("%d progress and %d list calls for two scrapes, want 2 and 2 (settled answers cached, one list per scrape)", progress, list)
	}
}
