package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Discovery makes a project watch every gateway the list API shows, on
// top of its configured instances, optionally narrowed by name and status.
type Discovery struct {
	Discover  bool     `yaml:"discover"`
	NameRegex string   `yaml:"name_regex"`
	Statuses  []string `yaml:"statuses"`
	// NameRegexp is NameRegex compiled and anchored; nil when none.
	NameRegexp *regexp.Regexp `yaml:"-"`
}

// Matches reports whether a listed gateway passes the filters.
func (d *Discovery) Matches(name, status string) bool {
	if d.NameRegexp != nil && !d.NameRegexp.MatchString(name) {
		return false
	}
	if len(d.Statuses) == 0 {
		return true
	}
	for _, s := range d.Statuses {
		if s == status {
			return true
		}
	}
	return false
}

func (d *Discovery) validate(p *problems, at string) {
	if !d.Discover && (d.NameRegex != "" || len(d.Statuses) > 0) {
		p.add(at, "name_regex and statuses filter discovered gateways; set discover: true or remove them")
	}
	if d.NameRegex != "" {
		// Anchored like Prometheus relabelling regexes.
		re, err := regexp.Compile("^(?:" + d.NameRegex + ")$")
		if err != nil {
			p.add(at+".name_regex", "%q is not a regular expression: %v", d.NameRegex, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		} else {
			d.NameRegexp = re
		}
	}
	for i, s := range d.Statuses {
		if !apig.ValidListStatus(s) {
			p.add(fmt.Sprintf("%s.statuses[%d]", at, i), "%q is not a gateway status of the list API (such as Creating, CreateFail, Running; case matters)", s)
		}
	}
}

// Cache configures what the exporter remembers between scrapes.
type Cache struct {
	// SettledTTL is how long a settled (success or failed) progress answer
	// is reused before the gateway is asked again; 0 asks on every scrape.
	SettledTTL    Duration  `yaml:"-"`
	SettledTTLKey *Duration `yaml:"settled_ttl"` // nil when left out
}

// DefaultSettledTTL applies when cache.settled_ttl is left out.
const DefaultSettledTTL = 10 * time.Minute

func (c *Cache) applyDefaults() {
	c.SettledTTL = Duration(DefaultSettledTTL)
	if c.SettledTTLKey != nil {
		c.SettledTTL = *c.SettledTTLKey
	}
}

func (c *Cache) validate(p *problems) {
	if c.SettledTTL < 0 {
		p.add("cache.settled_ttl", "%s is negative; use 0 to ask on every scrape, or a duration such as 10m", time.Duration(c.SettledTTL))
	}
}
