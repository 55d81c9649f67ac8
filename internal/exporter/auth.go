package exporter

import (
	"fmt"
	"net/http"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/config"
)

// authShared is what the IAM login shares with the APIG client.
type authShared struct {
	http      *http.Client
	observer  apig.Observer
	userAgent string
}

// newAuthorizer builds the configured authentication mode. Values given
// as files are re-read when the files change.
func newAuthorizer(cfg *config.Config, sh authShared) (apig.Authorizer, error) {
	a := cfg.Auth
	switch a.Mode() {
	case config.ModeToken:
		tok, err := secretSource("auth.token", a.Token, a.TokenFile)
		if err != nil {
			return nil, err
		}
		return apig.StaticToken{Token: tok}, nil

	case config.ModeAKSK:
		k := a.AKSK
		ak, err := secretSource("auth.aksk.access_key", config.Secret(k.AccessKey), k.AccessKeyFile)
		if err != nil {
			return nil, err
		}
		sk, err := secretSource("auth.aksk.secret_key", k.SecretKey, k.SecretKeyFile)
		if err != nil {
			return nil, err
		}
		auth := &apig.AKSK{AccessKey: ak, SecretKey: sk}
		if k.SecurityToken != "" || k.SecurityTokenFile != "" {
			if auth.SecurityToken, err = secretSource("auth.aksk.security_token", k.SecurityToken, k.SecurityTokenFile); err != nil {
				return nil, err
			}
		}
		return auth, nil

	case config.ModePassword:
		p := a.Password
		pw, err := secretSource("auth.password.password", p.Password, p.PasswordFile)
		if err != nil {
			return nil, err
		}
		endpoints := map[string]string{}
		for _, pr := range cfg.Projects {
			endpoints[pr.ID] = cfg.IAMEndpointFor(pr)
		}
		return apig.NewIAMPassword(apig.IAMOptions{
			EndpointFor:  func(projectID string) string { return endpoints[projectID] },
			DomainName:   p.DomainName,
			UserName:     p.Username,
			Password:     pw,
			HTTPClient:   sh.http,
			Observer:     sh.observer,
			UserAgent:    sh.userAgent,
			LoginTimeout: time.Duration(cfg.RequestTimeout),
		})
	}
	return nil, fmt.Errorf("auth: no credentials configured")
}

// secretSource is a value given inline or as a file.
func secretSource(key string, inline config.Secret, file string) (apig.SecretSource, error) {
	if file == "" {
		return apig.StaticSecret(inline), nil
	}
	f, err := apig.NewFileSecret(file)
	if err != nil {
		return nil, fmt.Errorf("%s_file: %w", key, err)
	}
	return f, nil
}
