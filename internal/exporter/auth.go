package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/config"
)

// authShared is what the credential sources share with the APIG client.
type authShared struct {
	http      *http.Client
	observer  apig.Observer
	userAgent string
	// now is the clock of temporary keys and IAM tokens; nil means time.Now.
	now func() time.Time
	// metadataEndpoint is the default chain's metadata service; "" means
	// apig.DefaultMetadataEndpoint.
	metadataEndpoint string
}

// credentials is one set of credentials, built from one config.Auth and
// shared by the projects that use it.
type credentials struct {
	auth apig.Authorizer
	// finder finds a region's project; nil for a static token.
	finder apig.ProjectFinder
	// keys are the temporary keys of the agency and oidc modes, else nil.
	keys *apig.TemporaryAKSK
	// source says where the credentials came from, for the log.
	source string
}

// newCredentials builds the credentials of auth a. projects are the ones
// that use them (for the IAM endpoints of a password login and the region
// of an OIDC exchange). Values given as files are re-read when the files
// change.
func newCredentials(cfg *config.Config, a *config.Auth, projects []config.Project, sh authShared) (*credentials, error) {
	c := &credentials{source: a.Source}
	if c.source == "" {
		c.source = "config file"
	}
	// iam is the IAM endpoint the credentials use when the config or the
	// credentials file names one; "" leaves it to the region.
	iam := cfg.IAMEndpoint
	if iam == "" {
		iam = a.IAMEndpoint
	}
	lookup := func(signer apig.Authorizer) (apig.ProjectFinder, error) {
		return apig.NewProjectLookup(apig.ProjectLookupOptions{Auth: signer, IAMEndpoint: iam, HTTPClient: sh.http, Observer: sh.observer, UserAgent: sh.userAgent})
	}
	var err error
	switch a.Mode() {
	case config.ModeToken:
		tok, err := secretSource("auth.token", a.Token, a.TokenFile)
		if err != nil {
			return nil, err
		}
		c.auth = apig.StaticToken{Token: tok}
		return c, nil

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
		signer := &apig.AKSK{AccessKey: ak, SecretKey: sk, Now: sh.now}
		if k.SecurityToken != "" || k.SecurityTokenFile != "" {
			if signer.SecurityToken, err = secretSource("auth.aksk.security_token", k.SecurityToken, k.SecurityTokenFile); err != nil {
				return nil, err
			}
		}
		c.auth = signer
		c.finder, err = lookup(signer)
		return c, err

	case config.ModePassword:
		p := a.Password
		pw, err := secretSource("auth.password.password", p.Password, p.PasswordFile)
		if err != nil {
			return nil, err
		}
		opts := apig.IAMOptions{
			Endpoint:     iam,
			DomainName:   p.DomainName,
			UserName:     p.Username,
			Password:     pw,
			HTTPClient:   sh.http,
			Observer:     sh.observer,
			UserAgent:    sh.userAgent,
			Now:          sh.now,
			LoginTimeout: time.Duration(cfg.RequestTimeout),
		}
		if iam == "" {
			// Each project logs in at its region's IAM; a project found
			// from the region is not listed and uses the top-level one.
			endpoints := map[string]string{}
			for _, pr := range projects {
				endpoints[pr.ID] = cfg.IAMEndpointFor(pr)
			}
			fallback := cfg.IAMEndpointFor(config.Project{Auth: a})
			opts.EndpointFor = func(projectID string) string {
				if e, ok := endpoints[projectID]; ok {
					return e
				}
				return fallback
			}
		}
		login, err := apig.NewIAMPassword(opts)
		if err != nil {
			return nil, err
		}
		c.auth, c.finder = login, login
		return c, nil

	case config.ModeAgency:
		endpoint := a.Agency.MetadataEndpoint
		if a.Chain != nil {
			endpoint = sh.metadataEndpoint
		}
		if endpoint == "" {
			endpoint = apig.DefaultMetadataEndpoint
		}
		if a.Chain != nil {
			c.source = "metadata service: " + endpoint
		}
		src, err := apig.NewMetadata(apig.MetadataOptions{Endpoint: endpoint, Observer: sh.observer, UserAgent: sh.userAgent, Now: sh.now})
		if err != nil {
			return nil, err
		}
		c.keys, err = apig.NewTemporaryAKSK(apig.TemporaryKeysOptions{Source: src, Observer: sh.observer, Now: sh.now})

	case config.ModeOIDC:
		region := cfg.Region
		if region == "" && len(projects) > 0 {
			region = projects[0].Region
		}
		src, err := apig.NewOIDC(apig.OIDCOptions{
			IAMEndpoint: iam, Region: region, IdpID: a.OIDC.IdpID, IDTokenFile: a.OIDC.IDTokenFile,
			HTTPClient: sh.http, Observer: sh.observer, UserAgent: sh.userAgent,
		})
		if err != nil {
			return nil, err
		}
		c.keys, err = apig.NewTemporaryAKSK(apig.TemporaryKeysOptions{Source: src, Observer: sh.observer, Now: sh.now})

	default:
		return nil, errors.New("auth: no credentials configured")
	}
	if err != nil {
		return nil, err
	}
	c.auth = c.keys
	c.finder, err = lookup(c.keys)
	return c, err
}

// tryChain makes the default chain's last step at load, not on the scrape
// path: one fetch from the metadata service. When it fails, the error
// says why every source failed.
func (c *credentials) tryChain(ctx context.Context, a *config.Auth) error {
	if a.Chain == nil {
		return nil
	}
	if _, err := c.keys.Keys(ctx); err != nil {
		return fmt.Errorf("auth: no credentials found: %s; %s: %w", strings.Join(a.Chain, "; "), c.source, err)
	}
	return nil
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
