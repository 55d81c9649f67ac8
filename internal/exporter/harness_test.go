package exporter

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/demo"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testenv"
	"github.com/apig-exporter/apig_exporter/internal/testlog"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	testProject = "0123456789abcdef0123456789abcdef"
	testGateway = "eddc4d25480b4cd6b512f270a1b8b341"
	testToken   = "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

// testExporter is the exporter wired as main wires it, minus the
// listener, logging everything (debug included) into logs.
type testExporter struct {
	*Exporter
	logs    *testlog.Buffer
	handler http.Handler
}

// newTestExporter builds an exporter and loads its first configuration;
// the load error is returned so that tests of bad configurations can look
// at it.
func newTestExporter(t *testing.T, load func() (*config.Config, error)) (*testExporter, error) {
	t.Helper()
	return newTestExporterWith(t, Options{Load: load})
}

// closedMetadata is a loopback port nobody listens on: the default
// chain's metadata step fails there at once, and never leaves the machine.
const closedMetadata = "http://127.0.0.1:1"

// newTestExporterWith is newTestExporter with options; Logger and
// TimeoutOffset are set, and MetadataEndpoint, when not set, is
// closedMetadata.
func newTestExporterWith(t *testing.T, o Options) (*testExporter, error) {
	t.Helper()
	logs := &testlog.Buffer{}
	o.Logger, o.TimeoutOffset = log.NewLogfmtLogger(logs), 500*time.Millisecond
	if o.MetadataEndpoint == "" {
		o.MetadataEndpoint = closedMetadata
	}
	ex := New(o)
	t.Cleanup(ex.Close)
	return &testExporter{Exporter: ex, logs: logs, handler: ex.Handler()}, ex.Reload()
}

// mustExporter is newTestExporter for a configuration that must load.
func mustExporter(t *testing.T, load func() (*config.Config, error)) *testExporter {
	t.Helper()
	te, err := newTestExporter(t, load)
	if err != nil {
		t.Fatal(err)
	}
	return te
}

// fromFile loads the configuration file at path, as main does.
func fromFile(path string) func() (*config.Config, error) {
	return func() (*config.Config, error) { return config.Load(path) }
}

// fixed always loads cfg.
func fixed(cfg *config.Config) func() (*config.Config, error) {
	return func() (*config.Config, error) { return cfg, nil }
}

// demoExporter watches the demo's simulated APIG in the given auth mode.
func demoExporter(t *testing.T, mode string) (*testExporter, *config.Config) {
	t.Helper()
	sim, cfg, err := demo.Start(mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return mustExporter(t, fixed(cfg)), cfg
}

// get serves one GET and returns the status and body.
func (te *testExporter) get(path string) (int, string) {
	return te.do(http.MethodGet, path)
}

func (te *testExporter) do(method, path string) (int, string) {
	rec := httptest.NewRecorder()
	te.handler.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// serve starts a loopback server for the exporter and returns its URL.
func (te *testExporter) serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(te.handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// startFake serves one created gateway that answers only testToken.
func startFake(t *testing.T) *simcloud.Server {
	t.Helper()
	fake := simcloud.New(simcloud.Gateway{ProjectID: testProject, ID: testGateway, Name: "prod-gateway",
		Progress: simcloud.Succeeded(time.Now().Add(-time.Hour), time.Now().Add(-55*time.Minute))})
	fake.Authenticate = simcloud.TokenAuth(func() string { return testToken })
	fake.Start()
	t.Cleanup(fake.Close)
	return fake
}

// goodConfig watches testGateway at endpoint with testToken.
func goodConfig(endpoint, extra string) string {
	return "apig_endpoint: " + endpoint + "\nauth:\n  token: " + testToken + "\nprojects:\n  - id: " + testProject +
		"\n    instances:\n      - id: " + testGateway + "\n        name: prod-gateway\n" + extra
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

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// configFile writes content to a fresh file and returns its path.
func configFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "apig_exporter.yml")
	writeFile(t, path, content)
	return path
}
