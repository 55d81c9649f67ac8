package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/fileerr"
	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// Validate checks a decoded config, without changing it, and reports
// every problem, one a line, each naming its key.
func (c *Config) Validate() error {
	var p problems
	if c.Region != "" && !hwcloud.ValidRegion(c.Region) {
		p.add("region", "%q is not a Huawei Cloud region ID (like ap-southeast-1)", c.Region)
	}
	p.endpoint("apig_endpoint", c.APIGEndpoint)
	p.endpoint("iam_endpoint", c.IAMEndpoint)
	c.Auth.validate(&p, "auth")
	c.TLS.validate(&p)

	if len(c.Projects) == 0 {
		switch {
		case c.Auth.Mode() == ModeToken:
			p.add("projects", "no project configured, and a static token cannot look the project up from the region; list the projects with their gateways")
		case c.Region == "":
			p.add("projects", "no project configured and no region to find it from; list the projects with their gateways, or set region (or HW_REGION_NAME) to watch every gateway of the region's project")
		}
	}
	seenProject := map[string]string{}
	for i, pr := range c.Projects {
		at := fmt.Sprintf("projects[%d]", i)
		switch {
		case pr.ID == "":
			p.add(at+".id", "missing; set the project ID (32 hex characters)")
		case !hwcloud.ValidID(pr.ID):
			p.add(at+".id", "%q is not a project ID", pr.ID)
		case seenProject[pr.ID] != "":
			p.add(at+".id", "project %s is listed twice (also %s)", pr.ID, seenProject[pr.ID])
		default:
			seenProject[pr.ID] = at
		}
		if pr.Region != "" && !hwcloud.ValidRegion(pr.Region) {
			p.add(at+".region", "%q is not a Huawei Cloud region ID (like ap-southeast-1)", pr.Region)
		}
		if pr.Region == "" && c.Region == "" && c.APIGEndpoint == "" {
			p.add(at+".region", "no region for this project: set region (top level or per project) or apig_endpoint")
		}
		if pr.Auth != nil {
			pr.Auth.validate(&p, at+".auth")
		}
		if a := c.AuthFor(pr); pr.Region == "" && c.Region == "" && c.IAMEndpoint == "" && a.IAMEndpoint == "" {
			switch a.Mode() {
			case ModePassword:
				p.add(at+".region", "password login needs IAM for this project: set region (top level or per project) or iam_endpoint")
			case ModeOIDC:
				p.add(at+".region", "oidc needs IAM for this project: set region (top level or per project) or iam_endpoint")
			}
		}
		if len(pr.Instances) == 0 && !pr.Discover {
			p.add(at+".instances", "empty; list the gateways to watch, or set discover: true")
		}
		pr.Discovery.validate(&p, at)
		seenInstance := map[string]int{}
		for j, in := range pr.Instances {
			iat := fmt.Sprintf("%s.instances[%d].id", at, j)
			switch {
			case in.ID == "":
				p.add(iat, "missing; set the gateway ID")
			case !hwcloud.ValidID(in.ID):
				p.add(iat, "%q is not a gateway ID", in.ID)
			default:
				if k, dup := seenInstance[in.ID]; dup {
					p.add(iat, "gateway %s is listed twice in this project (also instances[%d])", in.ID, k)
				} else {
					seenInstance[in.ID] = j
				}
			}
		}
	}

	if c.Concurrency < 1 || c.Concurrency > 1000 {
		p.add("concurrency", "%d is out of range; use 1 to 1000", c.Concurrency)
	}
	if rt := time.Duration(c.RequestTimeout); rt <= 0 || rt > 5*time.Minute {
		p.add("request_timeout", "%s is out of range; use more than 0s and at most 5m", rt)
	}
	c.Cache.validate(&p)
	return p.err()
}

// readableSecretFile checks that a secret file can be read and is not
// empty, without ever returning its content.
func readableSecretFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", path, fileerr.Cause(err))
	}
	if strings.TrimSpace(string(b)) == "" {
		return fmt.Errorf("%s is empty", path)
	}
	return nil
}

type problems []string

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, key+": "+fmt.Sprintf(format, args...))
}

func (p *problems) endpoint(key, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil:
		p.add(key, "%q is not a URL", v)
	case u.Scheme != "https" && u.Scheme != "http":
		p.add(key, "%q: scheme must be https:// (or http:// for tests)", v)
	case u.Host == "":
		p.add(key, "%q has no host", v)
	case u.User != nil:
		p.add(key, "credentials in the URL are not allowed; use auth")
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "":
		p.add(key, "%q must be scheme://host[:port] with no path or query", v)
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New("config: " + strings.Join(p, "\nconfig: "))
}
