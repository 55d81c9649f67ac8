package apig

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/fileerr"
)

// SecretSource yields a credential (token, secret key, password). Errors
// name where the secret lives, never what it is.
type SecretSource interface {
	Secret() (string, error)
}

// StaticSecret is a secret given inline or by the environment.
type StaticSecret string

func (s StaticSecret) Secret() (string, error) {
	if s == "" {
		return "", errors.New("secret is empty")
	}
	return string(s), nil
}

// FileSecret reads a secret from a file and re-reads it when the file's
// size or modification time changes, so rotated credentials take effect
// without a restart. The file is checked at most once per CheckInterval.
type FileSecret struct {
	Path          string
	CheckInterval time.Duration
	now           func() time.Time

	mu        sync.Mutex
	value     string
	modTime   time.Time
	size      int64
	checkedAt time.Time
	loaded    bool
}

// NewFileSecret reads path once so that a missing or empty file is found
// at start-up.
func NewFileSecret(path string) (*FileSecret, error) {
	f := &FileSecret{Path: path, CheckInterval: time.Second}
	if _, err := f.Secret(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *FileSecret) Secret() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock()
	if f.loaded && now.Sub(f.checkedAt) < f.CheckInterval {
		return f.value, nil
	}
	if _, err := f.reloadLocked(now); err != nil {
		return "", err
	}
	return f.value, nil
}

// Changed re-checks the file now and reports whether its content changed.
func (f *FileSecret) Changed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	changed, err := f.reloadLocked(f.clock())
	return err == nil && changed
}

func (f *FileSecret) reloadLocked(now time.Time) (bool, error) {
	fi, err := os.Stat(f.Path)
	if err != nil {
		return false, fmt.Errorf("secret file %s: %w", f.Path, fileerr.Cause(err))
	}
	f.checkedAt = now
	if f.loaded && fi.ModTime().Equal(f.modTime) && fi.Size() == f.size {
		return false, nil
	}
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return false, fmt.Errorf("secret file %s: %w", f.Path, fileerr.Cause(err))
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return false, fmt.Errorf("secret file %s is empty", f.Path)
	}
	changed := f.loaded && v != f.value
	f.value, f.modTime, f.size, f.loaded = v, fi.ModTime(), fi.Size(), true
	return changed, nil
}

func (f *FileSecret) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}
