package collector_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	kitlog "github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/collector"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testcert"
	"github.com/apig-exporter/apig_exporter/internal/testlog"
	"github.com/apig-exporter/apig_exporter/internal/testnet"
)

// The world of these tests: one project on a plain-HTTP fake APIG with
// three healthy gateways and the gateway under test, and an edge project
// reached by name (apig.edge.invalid) over TLS, whose route the test can
// break to model network faults.
const (
	mainProject = "0123456789abcdef0123456789abcdef"
	edgeProject = "fedcba9876543210fedcba9876543210"
	edgeHost    = "apig.edge.invalid"
	subjectID   = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
)

// fixedNow is the exporter's clock, so durations of creations under way
// are the same in every scrape.
var fixedNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func healthyGateways() []simcloud.Gateway {
	return []simcloud.Gateway{
		{ProjectID: mainProject, ID: "c0000000000000000000000000000001", Name: "created", Progress: simcloud.Succeeded(fixedNow.Add(-2*time.Hour), fixedNow.Add(-2*time.Hour+5*time.Minute))},
		{ProjectID: mainProject, ID: "c0000000000000000000000000000002", Name: "creating", Progress: simcloud.Stuck(fixedNow.Add(-10*time.Minute), 50)},
		{ProjectID: mainProject, ID: "c0000000000000000000000000000003", Name: "quota", Progress: simcloud.Failed(fixedNow.Add(-time.Hour), fixedNow.Add(-59*time.Minute), "APIC.9218", "create failed")},
	}
}

// subjectHealthy is the gateway under test when nothing is wrong.
func subjectHealthy(project string) simcloud.Gateway {
	return simcloud.Gateway{ProjectID: project, ID: subjectID, Name: "subject",
		Progress: simcloud.Succeeded(fixedNow.Add(-30*time.Minute), fixedNow.Add(-24*time.Minute))}
}

type world struct {
	t           *testing.T
	fake        *simcloud.Server
	edge        *httptest.Server // TLS, trusted, serves the same fake as apig.edge.invalid
	ca          *testcert.CA
	dialer      *testnet.Dialer
	client      *apig.Client
	source      *collector.Source
	http        *http.Client
	metrics     *collector.Metrics
	registry    *prometheus.Registry
	logs        *testlog.Buffer
	logger      kitlog.Logger
	targets     []collector.Target
	subject     collector.Target
	callLimit   time.Duration
	concurrency int
}

// newWorld starts the fakes. The subject lives in the edge project when
// onEdge is set, else among the healthy gateways.
func newWorld(t *testing.T, onEdge bool, callLimit time.Duration) *world {
	t.Helper()
	w := &world{t: t, ca: testcert.NewCA(t, "apig test CA"), dialer: &testnet.Dialer{}, logs: &testlog.Buffer{}, callLimit: callLimit, concurrency: 8}
	project := mainProject
	if onEdge {
		project = edgeProject
	}
	w.fake = simcloud.New(append(healthyGateways(), subjectHealthy(project))...).Start()
	t.Cleanup(w.fake.Close)

	w.edge = w.tlsServer(&tls.Config{Certificates: []tls.Certificate{w.ca.Leaf(t, edgeHost)}})
	w.dialer.Route(edgeHost, w.edge.Listener.Addr().String())

	w.http = apig.NewHTTPClient(&tls.Config{RootCAs: w.ca.Pool()})
	w.dialer.Install(w.http)
	t.Cleanup(w.http.CloseIdleConnections)

	w.metrics = collector.NewMetrics()
	w.registry = prometheus.NewRegistry()
	w.registry.MustRegister(w.metrics)
	w.logger = level.NewFilter(kitlog.NewLogfmtLogger(w.logs), level.AllowInfo())

	client, err := apig.NewClient(apig.Options{
		HTTPClient: w.http,
		Auth:       apig.StaticToken{Token: apig.StaticSecret("test-token")},
		Observer:   w.metrics,
		Timeout:    callLimit,
		// Throttled calls are retried at once (no real waiting) and with a
		// fixed jitter, so each throttled call makes exactly three attempts.
		Backoff: apig.Backoff{
			Sleep:  func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
			Jitter: func() float64 { return 0.5 },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	w.source = collector.NewSource(t.Context(), collector.SourceOptions{Fetcher: client}, nil)

	for _, g := range healthyGateways() {
		w.targets = append(w.targets, collector.Target{Project: apig.Project{ID: mainProject, Endpoint: w.fake.URL()}, InstanceID: g.ID, InstanceName: g.Name})
	}
	w.subject = collector.Target{Project: apig.Project{ID: mainProject, Endpoint: w.fake.URL()}, InstanceID: subjectID, InstanceName: "subject"}
	if onEdge {
		w.subject.Project = apig.Project{ID: edgeProject, Endpoint: "https://" + edgeHost}
	}
	w.targets = append(w.targets, w.subject)
	return w
}

// tlsServer serves the fake over TLS with cfg on 127.0.0.1.
func (w *world) tlsServer(cfg *tls.Config) *httptest.Server {
	s := httptest.NewUnstartedServer(w.fake)
	s.TLS = cfg
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point
	s.StartTLS()
	w.t.Cleanup(s.Close)
	return s
}

// scrape runs one scrape bounded by ctx and gathers it with the
// long-lived metrics.
func (w *world) scrape(ctx context.Context) families {
	w.t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector.New(ctx, collector.Options{
		Source:      w.source,
		Targets:     w.targets,
		Concurrency: w.concurrency,
		Metrics:     w.metrics,
		Logger:      w.logger,
		Now:         func() time.Time { return fixedNow },
	}))
	mfs, err := prometheus.Gatherers{reg, w.registry}.Gather()
	if err != nil {
		w.t.Fatalf("gather: %v", err)
	}
	return families(mfs)
}

// families is one gathered scrape.
type families []*dto.MetricFamily

// series renders the samples whose labels pass keep, one line each,
// sorted, as name{label="value",...} value.
func (fs families) series(keep func(labels map[string]string) bool) []string {
	var out []string
	for _, mf := range fs {
		for _, m := range mf.Metric {
			labels := map[string]string{}
			var parts []string
			for _, lp := range m.Label {
				labels[lp.GetName()] = lp.GetValue()
				parts = append(parts, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
			}
			if !keep(labels) {
				continue
			}
			var v float64
			switch {
			case m.Gauge != nil:
				v = m.Gauge.GetValue()
			case m.Counter != nil:
				v = m.Counter.GetValue()
			case m.Untyped != nil:
				v = m.Untyped.GetValue()
			default:
				continue
			}
			out = append(out, fmt.Sprintf("%s{%s} %s", mf.GetName(), strings.Join(parts, ","), strconv.FormatFloat(v, 'f', -1, 64)))
		}
	}
	sort.Strings(out)
	return out
}

// gateway is the per-gateway series of one gateway.
func (fs families) gateway(id string) []string {
	return fs.series(func(l map[string]string) bool { return l["instance_id"] == id })
}

// otherGateways is the per-gateway series of every gateway but id.
func (fs families) otherGateways(id string) []string {
	return fs.series(func(l map[string]string) bool { return l["instance_id"] != "" && l["instance_id"] != id })
}

// value is the value of the sample of name with exactly labels, 0 if none.
func (fs families) value(name string, labels map[string]string) float64 {
	for _, mf := range fs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.Metric {
			if len(m.Label) != len(labels) {
				continue
			}
			for _, lp := range m.Label {
				if labels[lp.GetName()] != lp.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			}
		}
	}
	return 0
}

// closedAddr is a 127.0.0.1 address where nothing listens: dialling it
// is refused by the kernel.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
