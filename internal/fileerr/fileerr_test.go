package fileerr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCause(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, openErr := os.ReadFile(missing)
	other := errors.New("something else")
	for _, tc := range []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"path error", openErr, "no such file or directory", fs.ErrNotExist},
		{"wrapped path error", fmt.Errorf("reading: %w", openErr), "no such file or directory", fs.ErrNotExist},
		{"not a path error", other, "something else", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cause(tc.err)
			if got.Error() != tc.want {
				t.Errorf("Cause = %q, want %q", got, tc.want)
			}
			if !errors.Is(got, tc.is) {
				t.Errorf("Cause = %v, does not wrap %v", got, tc.is)
			}
		})
	}
}
