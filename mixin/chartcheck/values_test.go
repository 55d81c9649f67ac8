package main

import (
	"strings"
	"testing"
)

func TestCheckValuesDocumented(t *testing.T) {
	const values = `
replicaCount: 2
image: {repository: r, tag: ""}
podAnnotations: {}
config: |
  region: x
`
	for _, tc := range []struct {
		name    string
		readme  string
		wantErr string
	}{
		{
			name:   "every leaf named",
			readme: "| `replicaCount` | | `image.repository` | | `image.tag` | | `podAnnotations` | | `config` |",
		},
		{
			name:    "a nested key missing",
			readme:  "`replicaCount` `image.repository` `podAnnotations` `config`",
			wantErr: "lacks: image.tag",
		},
		{
			name:   "a parent covers its leaves",
			readme: "`replicaCount` `image` `podAnnotations` `config`",
		},
		{
			name:    "a prefix of a name is not its parent",
			readme:  "`replicaCount` `imag` `podAnnotations` `config`",
			wantErr: "lacks: image.repository, image.tag",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkValuesDocumented([]byte(values), []byte(tc.readme))
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
