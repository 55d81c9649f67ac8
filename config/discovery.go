package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// Discovery makes a project watch every gateway the list API shows, on
// top of its configured instances, optionally narrowed by name and status.
type Discovery struct {
	Discover  bool     `yaml:"discover"`
	NameRegex Regexp   `yaml:"name_regex"`
	Statuses  []string `yaml:"statuses"`
}

// Matches reports whether a listed gateway passes the filters.
func (d *Discovery) Matches(name, status string) bool {
	if !d.NameRegex.MatchString(name) {
		return false
	}
	return len(d.Statuses) == 0 || slices.Contains(d.Statuses, status)
}

func (d *Discovery) validate(p *problems, at string) {
	if !d.Discover && (d.NameRegex.String() != "" || len(d.Statuses) > 0) {
		p.add(at, "name_regex and statuses filter discovered gateways; set discover: true or remove them")
	}
	if err := d.NameRegex.Err(); err != nil {
		p.add(at+".name_regex", "%q is not a regular expression: %v", d.NameRegex.String(), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	for i, s := range d.Statuses {
		if !hwcloud.ValidListStatus(s) {
			p.add(fmt.Sprintf("%s.statuses[%d]", at, i), "%q is not a gateway status of the list API (such as Creating, CreateFail, Running; case matters)", s)
		}
	}
}
