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

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

func TestReload(t *testing.T) {
	fake := simcloud.New(
		simcloud.Gateway{ProjectID: "p1", ID: "gw1", Progress: simcloud.Stuck(time.Now(), 30)},
		simcloud.Gateway{ProjectID: "p1", ID: "gw2", Progress: simcloud.Stuck(time.Now(), 50)},
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

// TestBadReloadKeepsServing swaps each broken file in for a working one
// and reloads: the reload fails with the file's error, the old targets
// keep being scraped, and the reload gauge says 0 until a good reload.
func TestBadReloadKeepsServing(t *testing.T) {
	fake := startFake(t)
	good := goodConfig(fake.URL(), "")
	path := configFile(t, good)
	files, err := filepath.Glob("../../config/testdata/bad/*.yml")
	if err != nil || len(files) < 15 {
		t.Fatalf("bad config files: %v (%d found)", err, len(files))
	}
	t.Chdir("../../config") // the files name paths relative to config/
	te := mustExporter(t, fromFile(path))
	oldTarget := `apig_instance_scrape_success{instance_id="` + testGateway + `",project_id="` + testProject + `"} 1`

	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			bad, err := os.ReadFile(strings.TrimPrefix(f, "../../config/"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, string(bad))
			_, want := config.Load(path)
			if err := te.Reload(); err == nil || err.Error() != want.Error() {
				t.Errorf("reload error %v, want %v", err, want)
			}
			code, body := te.get("/metrics")
			if code != 200 || !hasLine(body, oldTarget) {
				t.Errorf("after a bad reload /metrics answered %d without the old target:\n%s", code, body)
			}
			if !hasLine(body, "apig_exporter_config_last_reload_successful 0") {
				t.Error("apig_exporter_config_last_reload_successful is not 0")
			}

			writeFile(t, path, good)
			if err := te.Reload(); err != nil {
				t.Fatalf("good reload: %v", err)
			}
			if _, body := te.get("/metrics"); !hasLine(body, "apig_exporter_config_last_reload_successful 1") {
				t.Error("apig_exporter_config_last_reload_successful is not 1 after a good reload")
			}
		})
	}
}
