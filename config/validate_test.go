package config

import (
	"reflect"
	"testing"
)

// TestValidateDoesNotChangeTheConfig decodes the same text twice,
// validates one copy and compares it with the other: Validate only
// reads, whether the config is good or not.
func TestValidateDoesNotChangeTheConfig(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		valid      bool
	}{
		{"good with discovery filters", `
region: ap-southeast-1
auth: {aksk: {access_key: AK, secret_key: SK}}
projects:
  - id: p1
    discover: true
    name_regex: "prod-.*"
    statuses: [Creating, Running]
  - id: p2
    region: eu-west-101
    instances: [{id: i1, name: one}]
concurrency: 64
cache: {settled_ttl: 0s}
`, true},
		{"bad regex and status", `
region: ap-southeast-1
auth: {token: x}
projects: [{id: p1, discover: true, name_regex: "([", statuses: [running]}]
`, false},
		{"many problems", `
region: Mars
auth: {token: x, password: {username: u}}
projects: [{id: "../x", instances: [{id: i1}, {id: i1}]}, {id: "../x"}]
concurrency: 0
request_timeout: 0s
cache: {settled_ttl: -1s}
`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			validated, err := decode([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			untouched, err := decode([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if err := validated.Validate(); (err == nil) != tc.valid {
				t.Fatalf("Validate() = %v, want valid %v", err, tc.valid)
			}
			if !reflect.DeepEqual(validated, untouched) {
				t.Errorf("Validate changed the config:\n%+v\nwas:\n%+v", validated, untouched)
			}
		})
	}
}
