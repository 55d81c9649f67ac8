package hwcloud

import (
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		want     bool
	}{
		{"32 hex characters", "eddc4d25480b4cd6b512f270a1b8b341", true},
		{"letters, digits, - and _", "Gw_1-a", true},
		{"one character", "a", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"empty", "", false},
		{"65 characters", strings.Repeat("a", 65), false},
		{"path traversal", "../../admin", false},
		{"slash", "a/b", false},
		{"query", "a?b=c", false},
		{"space", "a b", false},
		{"percent escape", "a%2Fb", false},
		{"non-ASCII letter", "gätewäy", false},
		{"trailing newline", "abc\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidID(tc.id); got != tc.want {
				t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}
