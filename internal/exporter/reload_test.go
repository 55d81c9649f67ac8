package exporter

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
)

func TestReload(t *testing.T) {
	fake := apigtest.New(
		apigtest.Gateway{ProjectID: "p1", ID: "gw1", Progress: apigtest.Stuck(time.Now(), 30)},
		apigtest.Gateway{ProjectID: "p1", ID: "gw2", Progress: apigtest.Stuck(time.Now(), 50)},
	).Start()
	defer fake.Close()
	file := filepath.Join(t.TempDir(), "apig_exporter.yml")
	good := func(ids ...string) string {
		s := "apig_endpoint: " + fake.URL() + "\nauth: {token: t}\nprojects:\n  - id: p1\n    instances:\n"
		for _, id := range ids {
			s += "      - id: " + id + "\n"
		}
		return s
	}
	writeFile(t, file, good("gw1"))

	te := mustExporter(t, fromFile(file))
	post := func() (int, string) { return te.do(http.MethodPost, "/-/reload") }
	gateways := func() int {
		_, body := te.get("/metrics")
		return strings.Count(body, "apig_instance_scrape_success{")
	}

	if code, _ := te.get("/-/reload"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: %d, want 405", code)
	}

	writeFile(t, file, good("gw1", "gw2"))
	if code, body := post(); code != http.StatusOK {
		t.Fatalf("good reload: %d %s", code, body)
	}
	if n := gateways(); n != 2 {
		t.Errorf("%d gateways after a good reload, want 2", n)
	}

	writeFile(t, file, good("gw1", "gw2")+"concurrency: 0\n")
	code, body := post()
	if code != http.StatusInternalServerError || !strings.Contains(body, "concurrency: 0 is out of range") {
		t.Errorf("bad reload: %d %q, want 500 naming concurrency", code, body)
	}
	if n := gateways(); n != 2 {
		t.Errorf("%d gateways after a bad reload, want the old 2", n)
	}
	if v := testutil.ToFloat64(te.reloadOK); v != 0 {
		t.Errorf("last_reload_successful = %v after a bad reload, want 0", v)
	}

	// SIGHUP takes the same path.
	writeFile(t, file, good("gw2"))
	ctx, cancel := context.WithCancel(context.Background())
	hup := make(chan os.Signal)
	done := make(chan struct{})
	go func() { te.ReloadOn(ctx, hup); close(done) }()
	hup <- syscall.SIGHUP
	hup <- syscall.SIGHUP // the first has been handled once this is taken
	cancel()
	<-done
	if v := testutil.ToFloat64(te.reloadOK); v != 1 || gateways() != 1 {
		t.Errorf("after fix: successful=%v gateways=%d, want 1 and 1", v, gateways())
	}
}
