// Package config loads and validates the exporter's YAML configuration.
// Decoding is strict (unknown keys are errors) and every problem is
// reported with the key it concerns.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration file.
type Config struct {
	Region         string    `yaml:"region"`
	APIGEndpoint   string    `yaml:"apig_endpoint"`
	IAMEndpoint    string    `yaml:"iam_endpoint"`
	Auth           Auth      `yaml:"auth"`
	TLS            TLS       `yaml:"tls"`
	Projects       []Project `yaml:"projects"`
	Concurrency    int       `yaml:"concurrency"`
	RequestTimeout Duration  `yaml:"request_timeout"`
	Cache          Cache     `yaml:"cache"`
}

// Project is one Huawei Cloud project and the gateways watched in it.
type Project struct {
	ID     string `yaml:"id"`
	Region string `yaml:"region"`
	// Auth, if set, overrides the top-level auth for this project.
	Auth      *Auth      `yaml:"auth"`
	Instances []Instance `yaml:"instances"`
	Discovery `yaml:",inline"`
}

// Instance is one configured gateway.
type Instance struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// Defaults applied to keys left out.
const (
	DefaultConcurrency    = 16
	DefaultRequestTimeout = 10 * time.Second
)

// DefaultConfig is what an empty file decodes to: every key left out has
// its default, and nothing else is set.
var DefaultConfig = Config{
	Concurrency:    DefaultConcurrency,
	RequestTimeout: Duration(DefaultRequestTimeout),
	Cache:          DefaultCache,
}

// UnmarshalYAML sets the defaults before decoding, so keys left out keep
// them and keys written (even as 0) override them. The plain type decodes
// without calling this method again, and keeps unknown keys refused.
func (c *Config) UnmarshalYAML(unmarshal func(any) error) error {
	*c = DefaultConfig
	type plain Config
	return unmarshal((*plain)(c))
}

// Load reads and validates a configuration file. What the file leaves
// out of auth, region and projects may come from the environment (see
// FromEnvironment); the file always wins.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	return ParseWithEnv(b, os.LookupEnv)
}

// Parse decodes and validates configuration text alone, ignoring the
// environment: an auth left out then goes straight to the metadata
// service, without reading a credentials file.
func Parse(b []byte) (*Config, error) { return ParseWithEnv(b, nil) }

// ParseWithEnv is Parse with environment defaults read through lookup
// (os.LookupEnv, or a map in tests); nil means no environment.
func ParseWithEnv(b []byte, lookup func(string) (string, bool)) (*Config, error) {
	c, err := decode(b)
	if err != nil {
		return nil, err
	}
	if err := c.FromEnvironment(lookup); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// decode turns text into a Config, strictly (unknown keys are errors),
// with defaults for the keys left out.
func decode(b []byte) (Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	c := DefaultConfig // an empty file decodes nothing, not even defaults
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config: %s", yamlMessage(err, b))
	}
	return c, nil
}

// Duration is a time.Duration written as "10s", "1m30s".
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration such as 10s", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (use 10s, 1m)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Secret is a credential value: it decodes like a string but prints and
// marshals as <secret>.
type Secret string

const redacted = "<secret>"

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

func (s Secret) GoString() string { return s.String() }

func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Format keeps %v, %s, %q and %#v from printing the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }
