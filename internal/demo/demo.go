// Package demo runs the simulated APIG of --demo on loopback and gives the
// configuration that watches it.
package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/config"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
)

// Server is the simulated APIG behind --demo.
type Server struct {
	srv *http.Server
	// idTokenFile is the oidc mode's id token, removed at Close.
	idTokenFile string
}

// Close stops the simulated APIG and removes the files it wrote.
func (d *Server) Close() {
	_ = d.srv.Close()
	if d.idTokenFile != "" {
		_ = os.Remove(d.idTokenFile)
	}
}

// Start serves the fake APIG with its demo gateways on a loopback
// port, requiring the given authentication mode, and returns a
// configuration that watches them. Credentials are random: nothing real
// ever is. In password mode the same server is a fake IAM too; in aksk
// mode it verifies every signature and wants a security token; in agency
// mode it is also the metadata service, and in oidc mode IAM's OIDC
// exchange (the id token is a temporary file), both issuing temporary
// keys.
func Start(mode string) (*Server, *config.Config, error) {
	fake := simcloud.New(simcloud.DemoGateways(time.Now())...)
	fake.Latency.Store(int64(20 * time.Millisecond))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	endpoint := "http://" + ln.Addr().String()
	demo := &Server{}
	cfg := config.DefaultConfig
	cfg.APIGEndpoint = endpoint
	switch mode {
	case config.ModeToken:
		token := randomToken("demo-")
		fake.Authenticate = simcloud.TokenAuth(func() string { return token })
		cfg.Auth.Token = config.Secret(token)
	case config.ModeAKSK:
		ak, sk, st := "DEMO"+strings.ToUpper(randomToken("")[:16]), randomToken(""), randomToken("sts-")
		verifier := simcloud.NewAKSKAuth(ak, sk)
		verifier.RequireSecurityToken(st)
		fake.Authenticate = verifier.Authenticate
		cfg.Auth.AKSK = &config.AKSK{AccessKey: ak, SecretKey: config.Secret(sk), SecurityToken: config.Secret(st)}
	case config.ModePassword:
		const domain, user = "demo-account", "demo-exporter"
		password := randomToken("pw-")
		iam := simcloud.NewIAM(fake, domain, user, password)
		iam.Lifetime = 10 * time.Minute // renewals show up within a demo session
		fake.Authenticate = iam.Authenticate
		cfg.IAMEndpoint = endpoint
		cfg.Auth.Password = &config.Password{DomainName: domain, Username: user, Password: config.Secret(password)}
	case config.ModeAgency:
		keys := simcloud.NewKeyIssuer(fake)
		simcloud.NewMetadata(fake, keys, true).Lifetime = temporaryKeysLifetime
		fake.Authenticate = keys.Authenticate
		cfg.Auth.Agency = &config.Agency{MetadataEndpoint: endpoint}
	case config.ModeOIDC:
		const idp = "demo-idp"
		idToken := randomToken("eyJdemo.")
		f, err := os.CreateTemp("", "apig_exporter_demo_id_token")
		if err == nil {
			_, err = f.WriteString(idToken + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			_ = ln.Close()
			return nil, nil, fmt.Errorf("demo: id token file: %w", err)
		}
		demo.idTokenFile = f.Name()
		keys := simcloud.NewKeyIssuer(fake)
		simcloud.NewOIDC(fake, keys, idp, idToken)
		fake.Authenticate = keys.Authenticate
		cfg.IAMEndpoint = endpoint
		cfg.Auth.OIDC = &config.OIDC{IdpID: idp, IDTokenFile: f.Name()}
	default:
		_ = ln.Close()
		return nil, nil, fmt.Errorf("demo: unknown auth mode %q (want token, aksk, password, agency or oidc)", mode)
	}
	cfg.Auth.Source = "demo"
	demo.srv = &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = demo.srv.Serve(ln) }()

	byProject := map[string]int{}
	for _, g := range simcloud.DemoGateways(time.Now()) {
		i, ok := byProject[g.ProjectID]
		if !ok {
			i = len(cfg.Projects)
			byProject[g.ProjectID] = i
			cfg.Projects = append(cfg.Projects, config.Project{ID: g.ProjectID, Discovery: config.Discovery{Discover: true}})
		}
		cfg.Projects[i].Instances = append(cfg.Projects[i].Instances, config.Instance{ID: g.ID, Name: g.Name})
	}
	if err := cfg.Validate(); err != nil {
		demo.Close()
		return nil, nil, err
	}
	return demo, &cfg, nil
}

// temporaryKeysLifetime is that of the agency mode's keys: they are
// renewed 40 minutes before they expire, 20 minutes into the demo. (The
// OIDC keys live the 6 hours the exporter asks for.)
const temporaryKeysLifetime = time.Hour

// randomToken is a random demo credential with a prefix.
func randomToken(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
