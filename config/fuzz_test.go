package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzParse checks that no text makes Parse panic, and that an error never
// repeats a credential written under auth.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte("region: ap-southeast-1\nauth: mys3cr3ttoken\nprojects: [{id: p1, instances: [{id: i1}]}]\n"))
	f.Add([]byte("region: ap-southeast-1\nauth:\n  token: !!int mys3cr3ttoken\nprojects: [{id: p1, instances: [{id: i1}]}]\n"))
	bad, _ := filepath.Glob("testdata/bad/*.yml")
	for _, p := range bad {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Parse(doc)
		if err == nil {
			if c == nil {
				t.Fatal("no config and no error")
			}
			return
		}
		msg := err.Error()
		for _, s := range secretsIn(doc) {
			if strings.Contains(msg, s) || (len(s) > 10 && strings.Contains(msg, s[:7]+"...")) {
				t.Fatalf("error repeats the secret %q: %s", s, msg)
			}
		}
	})
}

// secretKeys are the keys under auth (at any depth: auth.aksk.secret_key,
// auth.password.password) whose values are credentials.
var secretKeys = map[string]bool{"token": true, "password": true, "secret_key": true, "security_token": true}

// secretsIn returns the credential values written under auth that are
// distinctive enough to look for: long, and found nowhere else in the
// document (a value also used as a project ID may be echoed as one).
func secretsIn(doc []byte) []string {
	var root any
	if yaml.Unmarshal(doc, &root) != nil {
		return nil
	}
	top, ok := root.(map[string]any)
	if !ok {
		return nil
	}
	var candidates []string
	var collect func(v any)
	collect = func(v any) {
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				if s, ok := e.(string); ok && secretKeys[k] {
					candidates = append(candidates, s)
				}
				collect(e)
			}
		}
	}
	if a, ok := top["auth"].(string); ok {
		candidates = append(candidates, a)
	}
	collect(top["auth"])
	var out []string
	for _, s := range candidates {
		if len(s) >= 8 && strings.TrimSpace(s) == s && countScalars(root, s) == 1 {
			out = append(out, s)
		}
	}
	return out
}

// countScalars counts keys and scalar values that contain s.
func countScalars(v any, s string) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for k, e := range x {
			if strings.Contains(k, s) {
				n++
			}
			n += countScalars(e, s)
		}
		return n
	case []any:
		n := 0
		for _, e := range x {
			n += countScalars(e, s)
		}
		return n
	case string:
		if strings.Contains(x, s) {
			return 1
		}
	}
	return 0
}
