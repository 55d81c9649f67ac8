package exporter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
)

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
