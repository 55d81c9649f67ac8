package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const goodConfig = `
region: ap-southeast-1
auth:
  token: s3cr3t-token-value
projects:
  - id: 0123456789abcdef0123456789abcdef
    instances:
      - id: eddc4d25480b4cd6b512f270a1b8b341
        name: prod-gateway
  - id: fedcba9876543210fedcba9876543210
    region: eu-west-101
    instances:
      - id: aaaa4d25480b4cd6b512f270a1b8b341
concurrency: 8
request_timeout: 5s
`

func TestParseGood(t *testing.T) {
	c, err := Parse([]byte(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if c.Concurrency != 8 || time.Duration(c.RequestTimeout) != 5*time.Second {
		t.Errorf("concurrency %d, timeout %v", c.Concurrency, c.RequestTimeout)
	}
	if got, want := c.APIGEndpointFor(c.Projects[0]), "https://apig.ap-southeast-1.myhuaweicloud.com"; got != want {
		t.Errorf("endpoint 0 = %s, want %s", got, want)
	}
	if got, want := c.APIGEndpointFor(c.Projects[1]), "https://apig.eu-west-101.myhuaweicloud.eu"; got != want {
		t.Errorf("endpoint 1 = %s, want %s", got, want)
	}
}

// TestDefaults pins that a key left out takes its default while a key
// written, even as 0, keeps what was written (Validate then judges it).
func TestDefaults(t *testing.T) {
	const base = "region: cn-north-4\nauth: {token: x}\nprojects: [{id: p1, instances: [{id: i1}]}]\n"
	for _, tc := range []struct {
		name, extra    string
		concurrency    int
		requestTimeout time.Duration
		settledTTL     time.Duration
	}{
		{"all left out", "", DefaultConcurrency, DefaultRequestTimeout, DefaultSettledTTL},
		{"concurrency written", "concurrency: 64\n", 64, DefaultRequestTimeout, DefaultSettledTTL},
		{"concurrency null", "concurrency:\n", DefaultConcurrency, DefaultRequestTimeout, DefaultSettledTTL},
		{"request_timeout written", "request_timeout: 3s\n", DefaultConcurrency, 3 * time.Second, DefaultSettledTTL},
		{"settled_ttl written", "cache: {settled_ttl: 1m}\n", DefaultConcurrency, DefaultRequestTimeout, time.Minute},
		{"settled_ttl written as 0", "cache: {settled_ttl: 0s}\n", DefaultConcurrency, DefaultRequestTimeout, 0},
		{"empty cache section", "cache: {}\n", DefaultConcurrency, DefaultRequestTimeout, DefaultSettledTTL},
		{"null cache section", "cache:\n", DefaultConcurrency, DefaultRequestTimeout, DefaultSettledTTL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(base + tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			if c.Concurrency != tc.concurrency {
				t.Errorf("concurrency = %d, want %d", c.Concurrency, tc.concurrency)
			}
			if got := time.Duration(c.RequestTimeout); got != tc.requestTimeout {
				t.Errorf("request_timeout = %v, want %v", got, tc.requestTimeout)
			}
			if got := time.Duration(c.Cache.SettledTTL); got != tc.settledTTL {
				t.Errorf("cache.settled_ttl = %v, want %v", got, tc.settledTTL)
			}
		})
	}
}

// TestExplicitZeroIsRefused pins that a 0 written in the file is not
// mistaken for a key left out.
func TestExplicitZeroIsRefused(t *testing.T) {
	const base = "region: cn-north-4\nauth: {token: x}\nprojects: [{id: p1, instances: [{id: i1}]}]\n"
	for _, tc := range []struct {
		name, extra, want string
	}{
		{"concurrency 0", "concurrency: 0\n", "config: concurrency: 0 is out of range; use 1 to 1000"},
		{"request_timeout 0s", "request_timeout: 0s\n", "config: request_timeout: 0s is out of range; use more than 0s and at most 5m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(base + tc.extra))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestEmptyFileGetsDefaults: an empty file decodes nothing, so the
// defaults must be in place before decoding starts.
func TestEmptyFileGetsDefaults(t *testing.T) {
	env := map[string]string{
		"HUAWEICLOUD_SDK_AK":         "AK",
		"HUAWEICLOUD_SDK_SK":         "SK",
		"HUAWEICLOUD_SDK_PROJECT_ID": "p1",
		"HW_REGION_NAME":             "cn-north-4",
	}
	for _, text := range []string{"", "# nothing but a comment\n", "---\n"} {
		t.Run(strconv.Quote(text), func(t *testing.T) {
			c, err := ParseWithEnv([]byte(text), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			if c.Concurrency != DefaultConcurrency || time.Duration(c.RequestTimeout) != DefaultRequestTimeout || time.Duration(c.Cache.SettledTTL) != DefaultSettledTTL {
				t.Errorf("concurrency %d, request_timeout %v, settled_ttl %v: defaults not applied", c.Concurrency, c.RequestTimeout, c.Cache.SettledTTL)
			}
		})
	}
}

func TestExampleConfigParses(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("../config.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	// The example points at a token file; give it one.
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte("t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.ReplaceAll(string(b), "/etc/apig_exporter/token", tok))
	if _, err := Parse(b); err != nil {
		t.Fatalf("config.example.yml: %v", err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c, err := Parse([]byte(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		c.Auth.Token.String(),
		strings.Join([]string{sprint("%v", c.Auth), sprint("%+v", c), sprint("%#v", c.Auth), sprint("%s", c.Auth.Token), sprint("%q", c.Auth.Token)}, " "),
	} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("secret printed: %s", s)
		}
	}
}
