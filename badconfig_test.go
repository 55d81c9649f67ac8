package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apig-exporter/apig_exporter/config"
)

// TestBadConfigStopsStart pins that every broken configuration makes the
// binary exit non-zero at start, and --config.check print the error,
// which config's own tests pin word for word.
func TestBadConfigStopsStart(t *testing.T) {
	files := badConfigFiles(t)
	t.Chdir("config") // the files name paths relative to config/
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, want := config.Load(f)
			if want == nil {
				t.Fatal("file loads without error")
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"--config.file", f, "--web.listen-address", "127.0.0.1:0"}, &stdout, &stderr); code == 0 {
				t.Errorf("run exited 0")
			}
			if !strings.Contains(stderr.String(), "cannot load configuration") {
				t.Errorf("start-up log does not say why:\n%s", stderr.String())
			}

			stdout.Reset()
			stderr.Reset()
			if code := run([]string{"--config.file", f, "--config.check"}, &stdout, &stderr); code != 1 {
				t.Errorf("--config.check exited %d, want 1", code)
			}
			if got := stderr.String(); got != want.Error()+"\n" {
				t.Errorf("--config.check printed:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestBadReloadKeepsServing swaps each broken file in for a working one
// and reloads: the reload fails with the file's error, the old targets
// keep being scraped, and the reload gauge says 0 until a good reload.
func TestBadReloadKeepsServing(t *testing.T) {
	fake := startFake(t)
	files := badConfigFiles(t)
	t.Chdir("config")
	path := filepath.Join(t.TempDir(), "apig_exporter.yml")
	good := goodConfig(fake.URL(), "")
	writeFile(t, path, good)
	te, err := newLiveExporter(t, path)
	if err != nil {
		t.Fatal(err)
	}
	oldTarget := `apig_instance_scrape_success{instance_id="` + testGateway + `",project_id="` + testProject + `"} 1`

	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			bad, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, string(bad))
			_, want := config.Load(path)
			if err := te.reload(); err == nil || err.Error() != want.Error() {
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
			if err := te.reload(); err != nil {
				t.Fatalf("good reload: %v", err)
			}
			if _, body := te.get("/metrics"); !hasLine(body, "apig_exporter_config_last_reload_successful 1") {
				t.Error("apig_exporter_config_last_reload_successful is not 1 after a good reload")
			}
		})
	}
}
