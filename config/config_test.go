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

func TestBadConfigs(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const base = "region: ap-southeast-1\nauth: {token: x}\n"
	const proj = "projects: [{id: p1, instances: [{id: i1}]}]\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"yaml syntax", "region: [ap-southeast-1\n", "did not find expected"},
		{"unknown top-level key", base + proj + "concurency: 4\n", `line 4: unknown key "concurency"`},
		{"unknown nested key", base + "projects: [{id: p1, instances: [{id: i1, nmae: x}]}]\n", `unknown key "nmae"`},
		{"wrong type", base + proj + "concurrency: lots\n", `key "concurrency": text "lots" is not a valid whole number`},
		{"missing project id", base + "projects: [{instances: [{id: i1}]}]\n", "projects[0].id: missing"},
		{"no projects", base, "projects: no project configured"},
		{"duplicate instance", base + "projects: [{id: p1, instances: [{id: i1}, {id: i1}]}]\n", "projects[0].instances[1].id: gateway i1 is listed twice"},
		{"duplicate project", base + "projects: [{id: p1, instances: [{id: i1}]}, {id: p1, instances: [{id: i2}]}]\n", "projects[1].id: project p1 is listed twice"},
		{"empty instances", base + "projects: [{id: p1}]\n", "projects[0].instances: empty"},
		{"bad instance id", base + "projects: [{id: p1, instances: [{id: '../x'}]}]\n", `projects[0].instances[0].id: "../x" is not a gateway ID`},
		{"empty auth", "region: ap-southeast-1\n" + proj, "auth: no credentials"},
		{"token and token_file", "region: ap-southeast-1\nauth: {token: x, token_file: /t}\n" + proj, "auth: token and token_file are both set"},
		{"unreadable token file", "region: ap-southeast-1\nauth: {token_file: " + filepath.Join(dir, "nope") + "}\n" + proj, "auth.token_file: cannot read " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"empty token file", "region: ap-southeast-1\nauth: {token_file: " + empty + "}\n" + proj, "auth.token_file: " + empty + " is empty"},
		{"bad duration", base + proj + "request_timeout: soon\n", `"soon" is not a duration`},
		{"negative duration", base + proj + "request_timeout: -5s\n", "request_timeout: -5s is out of range"},
		{"concurrency 0", base + proj + "concurrency: 0\n", "concurrency: 0 is out of range"},
		{"bad region", "region: Mars\nauth: {token: x}\n" + proj, `region: "Mars" is not a Huawei Cloud region ID`},
		{"no region", "auth: {token: x}\n" + proj, "projects[0].region: no region for this project"},
		{"bad endpoint scheme", base + proj + "apig_endpoint: ftp://x\n", "apig_endpoint: \"ftp://x\": scheme must be https://"},
		{"endpoint with path", base + proj + "apig_endpoint: https://x/v2\n", "must be scheme://host[:port]"},
		{"endpoint with credentials", base + proj + "iam_endpoint: https://u:p@x\n", "iam_endpoint: credentials in the URL are not allowed"},
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
