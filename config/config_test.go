package config

import (
	"os"
	"path/filepath"
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

func TestDefaults(t *testing.T) {
	c, err := Parse([]byte("region: cn-north-4\nauth: {token: x}\nprojects: [{id: p1, instances: [{id: i1}]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Concurrency != DefaultConcurrency || time.Duration(c.RequestTimeout) != DefaultRequestTimeout {
		t.Errorf("defaults not applied: %d %v", c.Concurrency, c.RequestTimeout)
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
