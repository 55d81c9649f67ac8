package config

import (
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestCacheDecodesWithDefaults decodes the cache section on its own: it
// carries its defaults whatever holds it.
func TestCacheDecodesWithDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       time.Duration
	}{
		{"settled_ttl left out", "{}", DefaultSettledTTL},
		{"settled_ttl written", "settled_ttl: 30s", 30 * time.Second},
		{"settled_ttl written as 0", "settled_ttl: 0s", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Cache
			if err := yaml.Unmarshal([]byte(tc.yaml), &c); err != nil {
				t.Fatal(err)
			}
			if got := time.Duration(c.SettledTTL); got != tc.want {
				t.Errorf("settled_ttl = %v, want %v", got, tc.want)
			}
		})
	}
}
