package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"go.uber.org/goleak"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/testlog"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testProject = "0123456789abcdef0123456789abcdef"
	testGateway = "eddc4d25480b4cd6b512f270a1b8b341"
	testToken   = "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

// startFake serves one created gateway that answers only testToken.
func startFake(t *testing.T) *apigtest.Server {
	t.Helper()
	fake := apigtest.New(apigtest.Gateway{ProjectID: testProject, ID: testGateway, Name: "prod-gateway",
		Progress: apigtest.Succeeded(time.Now().Add(-time.Hour), time.Now().Add(-55*time.Minute))})
	fake.Authenticate = apigtest.TokenAuth(func() string { return testToken })
	fake.Start()
	t.Cleanup(fake.Close)
	return fake
}

// goodConfig watches testGateway at endpoint with testToken.
func goodConfig(endpoint, extra string) string {
	return "apig_endpoint: " + endpoint + "\nauth:\n  token: " + testToken + "\nprojects:\n  - id: " + testProject +
		"\n    instances:\n      - id: " + testGateway + "\n        name: prod-gateway\n" + extra
}

// liveExporter is the exporter of main.go wired as run() wires it, minus
// the listener, logging into logs at debug level.
type liveExporter struct {
	*exporter
	logs *testlog.Buffer
	mux  *http.ServeMux
}

func newLiveExporter(t *testing.T, configFile string) (*liveExporter, error) {
	t.Helper()
	logs := &testlog.Buffer{}
	ex, mux, err := wireExporter(t, log.NewLogfmtLogger(logs), func() (*config.Config, error) { return config.Load(configFile) })
	return &liveExporter{exporter: ex, logs: logs, mux: mux}, err
}

// get serves one request and returns the status and body.
func (te *liveExporter) get(path string) (int, string) {
	rec := httptest.NewRecorder()
	te.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// hasLine reports whether an exposition holds the exact sample line.
func hasLine(exposition, line string) bool {
	for _, l := range strings.Split(exposition, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// badConfigFiles are config/testdata/bad/*.yml, relative to config/.
func badConfigFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("config/testdata/bad/*.yml")
	if err != nil || len(files) < 15 {
		t.Fatalf("bad config files: %v (%d found)", err, len(files))
	}
	for i, f := range files {
		files[i] = strings.TrimPrefix(f, "config/")
	}
	return files
}
