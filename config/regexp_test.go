package config

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRegexp(t *testing.T) {
	for _, tc := range []struct {
		name, pattern string
		matches       []string
		misses        []string
		err           string
	}{
		{name: "empty matches everything", pattern: "", matches: []string{"", "anything"}},
		{name: "anchored at the start", pattern: "prod-.*", matches: []string{"prod-a", "prod-"}, misses: []string{"my-prod-a"}},
		{name: "anchored at the end", pattern: "a|b", matches: []string{"a", "b"}, misses: []string{"ab", "xa"}},
		{name: "does not compile", pattern: "prod-([", misses: []string{"prod-(["}, err: "missing closing ]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Regexp
			if err := yaml.Unmarshal([]byte("'"+tc.pattern+"'"), &r); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if r.String() != tc.pattern {
				t.Errorf("String() = %q, want the pattern as written %q", r, tc.pattern)
			}
			if got := r.Err(); (got == nil) != (tc.err == "") || got != nil && !strings.Contains(got.Error(), tc.err) {
				t.Errorf("Err() = %v, want %q", got, tc.err)
			}
			for _, s := range tc.matches {
				if !r.MatchString(s) {
					t.Errorf("%q does not match %q", tc.pattern, s)
				}
			}
			for _, s := range tc.misses {
				if r.MatchString(s) {
					t.Errorf("%q matches %q", tc.pattern, s)
				}
			}
			if got, want := mustMarshal(t, r), mustMarshal(t, tc.pattern); string(got) != string(want) {
				t.Errorf("marshals as %q, want the pattern as written %q", got, want)
			}
		})
	}
}

func TestRegexpNotText(t *testing.T) {
	var r Regexp
	err := yaml.Unmarshal([]byte("[a, b]"), &r)
	if err == nil || !strings.Contains(err.Error(), "cannot unmarshal !!seq") {
		t.Errorf("err = %v, want a type error", err)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
