package config

import "time"

// Cache configures what the exporter remembers between scrapes.
type Cache struct {
	// SettledTTL is how long a settled (success or failed) progress answer
	// is reused before the gateway is asked again; 0 asks on every scrape.
	SettledTTL Duration `yaml:"settled_ttl"`
}

// DefaultSettledTTL applies when cache.settled_ttl is left out.
const DefaultSettledTTL = 10 * time.Minute

// DefaultCache is the cache section with every key left out.
var DefaultCache = Cache{SettledTTL: Duration(DefaultSettledTTL)}

// UnmarshalYAML sets the defaults before decoding, as Config's does.
func (c *Cache) UnmarshalYAML(unmarshal func(any) error) error {
	*c = DefaultCache
	type plain Cache
	return unmarshal((*plain)(c))
}

func (c *Cache) validate(p *problems) {
	if c.SettledTTL < 0 {
		p.add("cache.settled_ttl", "%s is negative; use 0 to ask on every scrape, or a duration such as 10m", time.Duration(c.SettledTTL))
	}
}
