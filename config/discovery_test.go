package config

import (
	"strings"
	"testing"
)

func TestDiscoveryConfig(t *testing.T) {
	c, err := Parse([]byte(`
region: ap-southeast-1
auth: {token: x}
projects:
  - id: p1
    discover: true
    name_regex: "prod-.*"
    statuses: [Creating, CreateFail, Running]
  - id: p2
    instances: [{id: i1}]
cache:
  settled_ttl: 0s
`))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Projects[0].Discovery
	if !d.Discover || c.Cache.SettledTTL != 0 {
		t.Fatalf("discover %v, settled_ttl %v", d.Discover, c.Cache.SettledTTL)
	}
	for _, tc := range []struct {
		name, status string
		want         bool
	}{
		{"prod-a", "Creating", true},
		{"prod-a", "Deleting", false},
		{"my-prod-a", "Running", false}, // the regex is anchored
		{"dev-a", "Running", false},
	} {
		if got := d.Matches(tc.name, tc.status); got != tc.want {
			t.Errorf("Matches(%q, %q) = %v", tc.name, tc.status, got)
		}
	}
	if !c.Projects[1].Discovery.Matches("anything", "Frozen") {
		t.Error("a project without filters must match everything")
	}
}

func TestBadDiscoveryConfigs(t *testing.T) {
	const base = "region: ap-southeast-1\nauth: {token: x}\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"bad name_regex", base + "projects: [{id: p1, discover: true, name_regex: 'prod-(['}]\n",
			`projects[0].name_regex: "prod-([" is not a regular expression: missing closing ]`},
		{"unknown status", base + "projects: [{id: p1, discover: true, statuses: [Running, running]}]\n",
			`projects[0].statuses[1]: "running" is not a gateway status of the list API`},
		{"filters without discover", base + "projects: [{id: p1, instances: [{id: i1}], statuses: [Running]}]\n",
			"projects[0]: name_regex and statuses filter discovered gateways; set discover: true"},
		{"no instances and no discover", base + "projects: [{id: p1}]\n",
			"projects[0].instances: empty; list the gateways to watch, or set discover: true"},
		{"negative settled_ttl", base + "projects: [{id: p1, discover: true}]\ncache: {settled_ttl: -1m}\n",
			"cache.settled_ttl: -1m0s is negative"},
		{"unknown cache key", base + "projects: [{id: p1, discover: true}]\ncache: {ttl: 1m}\n",
			`unknown key "ttl"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
