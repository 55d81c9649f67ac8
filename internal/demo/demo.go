// Package demo runs the simulated APIG of --demo on loopback and gives the
// configuration that watches it.
package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/apig/apigtest"
	"github.com/apig-exporter/apig_exporter/config"
)

// Server is the simulated APIG behind --demo.
type Server struct {
	srv *http.Server
}

// Close stops the simulated APIG.
func (d *Server) Close() { _ = d.srv.Close() }

// Start serves the fake APIG with its demo gateways on a loopback
// port, requiring the given authentication mode, and returns a
// configuration that watches them. Credentials are random: nothing real
// ever is. In password mode the same server is a fake IAM too; in aksk
// mode it verifies every signature and wants a security token.
func Start(mode string) (*Server, *config.Config, error) {
	fake := apigtest.New(apigtest.DemoGateways(time.Now())...)
	fake.Latency.Store(int64(20 * time.Millisecond))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	endpoint := "http://" + ln.Addr().String()
	cfg := config.DefaultConfig
	cfg.APIGEndpoint = endpoint
	switch mode {
	case config.ModeToken:
		token := randomToken("demo-")
		fake.Authenticate = apigtest.TokenAuth(func() string { return token })
		cfg.Auth.Token = config.Secret(token)
	case config.ModeAKSK:
		ak, sk, st := "DEMO"+strings.ToUpper(randomToken("")[:16]), randomToken(""), randomToken("sts-")
		verifier := apigtest.NewAKSKAuth(ak, sk)
		verifier.RequireSecurityToken(st)
		fake.Authenticate = verifier.Authenticate
		cfg.Auth.AKSK = &config.AKSK{AccessKey: ak, SecretKey: config.Secret(sk), SecurityToken: config.Secret(st)}
	case config.ModePassword:
		const domain, user = "demo-account", "demo-exporter"
		password := randomToken("pw-")
		iam := apigtest.NewIAM(fake, domain, user, password)
		iam.Lifetime = 10 * time.Minute // renewals show up within a demo session
		fake.Authenticate = iam.Authenticate
		cfg.IAMEndpoint = endpoint
		cfg.Auth.Password = &config.Password{DomainName: domain, Username: user, Password: config.Secret(password)}
	default:
		_ = ln.Close()
		return nil, nil, fmt.Errorf("demo: unknown auth mode %q (want token, aksk or password)", mode)
	}
	cfg.Auth.Source = "demo"
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()

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
	return &Server{srv: srv}, &cfg, nil
}

// randomToken is a random demo credential with a prefix.
func randomToken(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
