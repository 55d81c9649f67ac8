package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"time"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
	"github.com/apig-exporter/apig_exporter/config"
)

// demoServer is the simulated APIG behind --demo.
type demoServer struct {
	srv *http.Server
}

func (d *demoServer) Close() { _ = d.srv.Close() }

// startDemo serves the fake APIG with its demo gateways on a loopback port
// and returns a configuration that watches them.
func startDemo(_ context.Context) (*demoServer, *config.Config, error) {
	token := randomToken()
	fake := apigtest.New(apigtest.DemoGateways(time.Now())...)
	fake.Latency.Store(int64(20 * time.Millisecond))
	fake.Authenticate = apigtest.TokenAuth(func() string { return token })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()

	cfg := &config.Config{
		APIGEndpoint:   "http://" + ln.Addr().String(),
		Auth:           config.Auth{Token: config.Secret(token)},
		Concurrency:    config.DefaultConcurrency,
		RequestTimeout: config.Duration(config.DefaultRequestTimeout),
	}
	byProject := map[string]int{}
	for _, g := range apigtest.DemoGateways(time.Now()) {
		i, ok := byProject[g.ProjectID]
		if !ok {
			i = len(cfg.Projects)
			byProject[g.ProjectID] = i
			cfg.Projects = append(cfg.Projects, config.Project{ID: g.ProjectID})
		}
		cfg.Projects[i].Instances = append(cfg.Projects[i].Instances, config.Instance{ID: g.ID, Name: g.Name})
	}
	if err := cfg.Validate(); err != nil {
		srv.Close()
		return nil, nil, err
	}
	return &demoServer{srv: srv}, cfg, nil
}

// randomToken is the demo's IAM token: random, so nothing real ever is.
func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "demo-" + hex.EncodeToString(b)
}
