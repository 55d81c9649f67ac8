package exporter

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// statusDoc is the part of /api/v1/status these tests read.
type statusDoc struct {
	TakenAt  string `json:"taken_at"`
	Gateways []struct {
		InstanceID string `json:"instance_id"`
		Name       string `json:"name"`
		State      string `json:"state"`
		Percent    int    `json:"percent"`
		ErrorCode  string `json:"error_code"`
		ReadError  string `json:"read_error"`
	} `json:"gateways"`
}

func (te *testExporter) status(t *testing.T) statusDoc {
	t.Helper()
	code, body := te.get("/api/v1/status")
	if code != http.StatusOK {
		t.Fatalf("/api/v1/status: %d %s", code, body)
	}
	var doc statusDoc
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// statusFake serves a gateway being created, a failed one, and one APIG
// does not know, in project p1.
func statusFake(t *testing.T, clock *simcloud.Clock) *simcloud.Server {
	t.Helper()
	start := clock.Now().Add(-10 * time.Minute)
	fake := simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "creating", Name: "new-gw", Progress: simcloud.Creating(start, time.Hour)},
		simcloud.Gateway{ProjectID: "p1", ID: "failed", Name: "quota-gw", Progress: simcloud.Failed(start, start.Add(time.Minute), "APIC.9218", "quota")},
	).Start()
	t.Cleanup(fake.Close)
	return fake
}

func statusExporter(t *testing.T, fake *simcloud.Server, clock *simcloud.Clock) *testExporter {
	t.Helper()
	te, err := newTestExporter(t, fromFile(configFile(t, "apig_endpoint: "+fake.URL()+`
auth: {token: t}
projects:
  - id: p1
    instances: [{id: creating}, {id: failed}, {id: gone}]
`)))
	if err != nil {
		t.Fatal(err)
	}
	te.now = clock.Now
	return te
}

// TestStatusPageCostsNoCallWhileFresh: a page view shows what the latest
// scrape learnt without asking APIG; once the answers are older than
// statusMaxAge, a view scrapes again.
func TestStatusPageCostsNoCallWhileFresh(t *testing.T) {
	clock := simcloud.NewClock(time.Now())
	fake := statusFake(t, clock)
	te := statusExporter(t, fake, clock)

	te.get("/metrics")
	fake.ResetCalls()
	for _, path := range []string{"/", "/api/v1/status", "/"} {
		if code, body := te.get(path); code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, code, body)
		}
	}
	if n := fake.Calls(apig.OpProgress); n != 0 {
		t.Errorf("%d progress calls for page views of fresh answers, want 0", n)
	}

	clock.Advance(statusMaxAge + time.Second)
	doc := te.status(t)
	// The settled gateway's answer is cached; the creating one and the
	// unknown one are asked again.
	if n := fake.Calls(apig.OpProgress); n != 2 {
		t.Errorf("%d progress calls for a view of stale answers, want 2", n)
	}
	if want := clock.Now().UTC().Format(time.RFC3339); doc.TakenAt != want {
		t.Errorf("taken_at %s, want %s", doc.TakenAt, want)
	}
}

// TestStatusPageBeforeTheFirstScrape: a view before any scrape scrapes
// once and shows every gateway, failed and creating first.
func TestStatusPageBeforeTheFirstScrape(t *testing.T) {
	clock := simcloud.NewClock(time.Now())
	fake := statusFake(t, clock)
	te := statusExporter(t, fake, clock)

	doc := te.status(t)
	if n := fake.Calls(apig.OpProgress); n != 3 {
		t.Errorf("%d progress calls, want 3 (one per gateway)", n)
	}
	var got []string
	for _, g := range doc.Gateways {
		got = append(got, g.InstanceID+":"+g.State+":"+g.ErrorCode+g.ReadError)
	}
	want := "failed:failed:APIC.9218 creating:creating: gone:unreadable:APIC.7302"
	if strings.Join(got, " ") != want {
		t.Errorf("gateways %v, want %s", got, want)
	}
}

// TestStatusPageShowsCloudTextAsText: a name the list API returns with
// HTML in it is shown as text on the page.
func TestStatusPageShowsCloudTextAsText(t *testing.T) {
	const hostile = `<img src=x onerror=alert(1)>`
	fake := simcloud.New(simcloud.Gateway{ProjectID: "p1", ID: "gw1", Name: hostile,
		Progress: simcloud.Failed(time.Now().Add(-time.Hour), time.Now(), "APIC.9206", `<script>alert("msg")</script>`)}).Start()
	defer fake.Close()
	te := mustExporter(t, fromFile(configFile(t, "apig_endpoint: "+fake.URL()+"\nauth: {token: t}\nprojects: [{id: p1, discover: true}]\n")))
	_, page := te.get("/")
	if strings.Contains(page, "<img") || strings.Contains(page, "<script") {
		t.Errorf("the page carries markup from the cloud:\n%s", page)
	}
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the page does not show the gateway's name as text:\n%s", page)
	}
}

// TestStatusPageShowsTheDemo: every demo gateway is on the page's JSON.
func TestStatusPageShowsTheDemo(t *testing.T) {
	te, cfg := demoExporter(t, config.ModeToken)
	doc := te.status(t)
	want := 0
	for _, p := range cfg.Projects {
		want += len(p.Instances)
	}
	if len(doc.Gateways) != want {
		t.Errorf("%d gateways on the status page, want the demo's %d", len(doc.Gateways), want)
	}
}
