package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestAliasBombUnderAuth pins that nested aliases under auth (each level
// ten times the last) are walked once per node when looking for lines to
// hide, not once per expansion: ten levels would be 10^10 visits.
func TestAliasBombUnderAuth(t *testing.T) {
	var b strings.Builder
	b.WriteString("auth:\n  l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n")
	for i := 1; i <= 10; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d [%s%s]\n", i, i, strings.Repeat(prev+",", 9), prev)
	}
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), `unknown key "l0"`) {
		t.Errorf("err = %v, want unknown keys", err)
	}
}
