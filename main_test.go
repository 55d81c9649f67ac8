package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	writeFile(t, good, "region: ap-southeast-1\nauth: {token: hunter2-token}\nprojects: [{id: p1, instances: [{id: i1}]}]\n")
	writeFile(t, bad, "region: ap-southeast-1\nauth: {token: hunter2-token}\nprojects: [{id: p1, instances: [{id: i1}, {id: i1}]}]\nconcurrency: 0\n")
	for _, tc := range []struct {
		name     string
		file     string
		wantCode int
		wantOut  string
	}{
		{"valid", good, 0, "configuration is valid"},
		{"duplicate gateway", bad, 1, "projects[0].instances[1].id: gateway i1 is listed twice"},
		{"every problem is listed", bad, 1, "concurrency: 0 is out of range"},
		{"missing file", filepath.Join(dir, "missing.yml"), 1, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"--config.file", tc.file, "--config.check"}, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Errorf("exit %d, output %q; want exit %d containing %q", code, out, tc.wantCode, tc.wantOut)
			}
			if strings.Contains(out, "hunter2") {
				t.Errorf("--config.check printed the token: %q", out)
			}
		})
	}
}

// TestBadConfigStopsStart pins that every broken configuration makes the
// binary exit non-zero at start, saying why, and --config.check print the
// error that config's own tests pin word for word.
func TestBadConfigStopsStart(t *testing.T) {
	files, err := filepath.Glob("config/testdata/bad/*.yml")
	if err != nil || len(files) < 15 {
		t.Fatalf("bad config files: %v (%d found)", err, len(files))
	}
	t.Chdir("config") // the files name paths relative to config/
	for _, f := range files {
		f = strings.TrimPrefix(f, "config/")
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, want := config.Load(f)
			if want == nil {
				t.Fatal("file loads without error")
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"--config.file", f, "--web.listen-address", "127.0.0.1:0"}, &stdout, &stderr); code == 0 {
				t.Errorf("run exited 0")
			}
			if log := stderr.String(); !strings.Contains(log, "cannot load configuration") || !strings.Contains(log, firstLine(want.Error())) {
				t.Errorf("start-up log does not say why:\n%s", log)
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

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	// logfmt quotes the value and escapes quotes inside it.
	return strings.ReplaceAll(l, `"`, `\"`)
}

// TestDemoRuns starts the binary's --demo as the README's first command
// does and finds the demo gateways on /metrics.
func TestDemoRuns(t *testing.T) {
	r := startRun(t, "--demo")
	code, body := httpGet(t, "http://"+r.addr+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, `apig_instance_creation_error_info{error_code="APIC.9218"`) {
		t.Errorf("--demo /metrics: %d without the demo's failed gateway:\n%.500s", code, body)
	}
	if code := r.stop(t); code != 0 {
		t.Errorf("run exited %d after SIGTERM", code)
	}
}

// TestShutdownCancelsCallsInFlight: SIGTERM while a scrape waits on a
// gateway that never answers (request_timeout 60s) ends the call, the
// scrape answers with the gateway marked failed, and run exits 0 without
// waiting for the call's timeout.
func TestShutdownCancelsCallsInFlight(t *testing.T) {
	const project, hanging = "0123456789abcdef0123456789abcdef", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	asked := make(chan struct{}, 1)
	fake := simcloud.New(simcloud.Gateway{ProjectID: project, ID: hanging, Handler: func(w http.ResponseWriter, r *http.Request) {
		asked <- struct{}{}
		<-r.Context().Done() // never answers; ends when the exporter hangs up
	}}).Start()
	defer fake.Close()
	file := filepath.Join(t.TempDir(), "apig_exporter.yml")
	writeFile(t, file, "apig_endpoint: "+fake.URL()+"\nauth: {token: t}\nrequest_timeout: 60s\nprojects: [{id: "+project+", instances: [{id: "+hanging+"}]}]\n")
	r := startRun(t, "--config.file", file)

	type answer struct {
		code int
		body string
	}
	scraped := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + r.addr + "/metrics")
		if err != nil {
			scraped <- answer{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		scraped <- answer{resp.StatusCode, string(b)}
	}()
	<-asked
	exited := make(chan int, 1)
	go func() { exited <- r.stop(t) }()

	// The answer must come well before shutdownGrace, after which the
	// server would stop waiting for it; the call itself would take 60 s.
	select {
	case a := <-scraped:
		if a.code != http.StatusOK || !strings.Contains(a.body, `apig_instance_scrape_success{instance_id="`+hanging+`",project_id="`+project+`"} 0`) {
			t.Errorf("the scrape in flight answered %d:\n%.2000s", a.code, a.body)
		}
	case <-time.After(shutdownGrace / 2):
		t.Fatal("the scrape in flight did not answer promptly after SIGTERM")
	}
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("run exited %d after SIGTERM, want 0", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not exit after SIGTERM")
	}
}
