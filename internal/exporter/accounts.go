package exporter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/config"
)

// accounts are the credentials of one configuration: one set per
// distinct auth (the top level's, shared by the projects without their
// own, and one per project that has its own), each with its own token or
// key cache.
type accounts struct {
	auth apig.Authorizer
	// temporaryKeys are the keys each project uses, for the projects
	// whose credentials are temporary keys.
	temporaryKeys map[string]*apig.TemporaryAKSK
	// cfg is the configuration with the project found from the region,
	// when none was listed.
	cfg *config.Config
	// source says where the top level's credentials came from, and
	// projectSources those of the projects with their own.
	source         string
	projectSources []string
}

// buildAccounts builds the credentials of cfg. It is called at load, and
// does there what must not wait for a scrape: the default chain's
// metadata step, and finding the region's project when none is listed (a
// reload looks it up again).
func (ex *Exporter) buildAccounts(cfg *config.Config, sh authShared) (*accounts, error) {
	acc := &accounts{cfg: cfg, temporaryKeys: map[string]*apig.TemporaryAKSK{}}
	router := projectAuth{byProject: map[string]apig.Authorizer{}}
	var shared []config.Project // projects that use the top-level auth
	for _, p := range cfg.Projects {
		if p.Auth == nil {
			shared = append(shared, p)
		}
	}
	var top *credentials
	if len(shared) > 0 || len(cfg.Projects) == 0 {
		var err error
		if top, err = newCredentials(cfg, &cfg.Auth, shared, sh); err != nil {
			return nil, err
		}
		if err := top.tryChain(ex.ctx, &cfg.Auth); err != nil {
			return nil, err
		}
		router.fallback, acc.source = top.auth, top.source
	} else {
		// No project uses the top level: calls of unknown projects fail.
		router.fallback, acc.source = refuseAll{}, "per project"
	}
	if len(cfg.Projects) == 0 {
		if top.finder == nil {
			return nil, fmt.Errorf("projects: none configured, and %s credentials cannot look the project up from the region", cfg.Auth.Mode())
		}
		// Bounded like any API call, so that a hanging IAM cannot hold a
		// start or a reload.
		ctx, cancel := context.WithTimeout(ex.ctx, time.Duration(cfg.RequestTimeout))
		id, err := top.finder.ProjectID(ctx, cfg.Region)
		cancel()
		if err != nil {
			return nil, err
		}
		found := *cfg
		found.Projects = []config.Project{{ID: id, Discovery: config.Discovery{Discover: true}}}
		acc.cfg = &found
		shared = found.Projects
	}
	for _, p := range shared {
		if top.keys != nil {
			acc.temporaryKeys[p.ID] = top.keys
		}
	}
	for i, p := range acc.cfg.Projects {
		if p.Auth == nil {
			continue
		}
		c, err := newCredentials(acc.cfg, p.Auth, []config.Project{p}, sh)
		if err != nil {
			return nil, fmt.Errorf("projects[%d]: %w", i, err)
		}
		router.byProject[p.ID] = c.auth
		if c.keys != nil {
			acc.temporaryKeys[p.ID] = c.keys
		}
		acc.projectSources = append(acc.projectSources, p.ID+": "+p.Auth.Mode()+" from "+c.source)
	}
	acc.auth = router
	return acc, nil
}

// logSources is the per-project credentials for the log, "" when every
// project uses the top level's.
func (acc *accounts) logSources() string { return strings.Join(acc.projectSources, "; ") }
