package apig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileSecretRereadsWhenChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	write := func(v string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	write("first-token\n", base)
	clock := base
	f := &FileSecret{Path: path, CheckInterval: time.Second, now: func() time.Time { return clock }}

	if v, _ := f.Secret(); v != "first-token" {
		t.Fatalf("got %q, want first-token (trimmed)", v)
	}
	write("second-token", base.Add(time.Minute))
	if v, _ := f.Secret(); v != "first-token" {
		t.Errorf("re-read within the check interval: %q", v)
	}
	clock = clock.Add(2 * time.Second)
	if v, _ := f.Secret(); v != "second-token" {
		t.Errorf("got %q after the interval, want second-token", v)
	}
	write("third-token", base.Add(2*time.Minute))
	if !f.Changed() {
		t.Error("Changed() = false after a rotation")
	}
	if f.Changed() {
		t.Error("Changed() = true with no new rotation")
	}
	if v, _ := f.Secret(); v != "third-token" {
		t.Errorf("got %q, want third-token", v)
	}
}

func TestFileSecretErrorsNameFileNotContent(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), "missing: no such file or directory"},
		{empty, "empty is empty"},
	} {
		_, err := NewFileSecret(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewFileSecret(%s) = %v, want %q", tc.path, err, tc.want)
		}
	}
}
