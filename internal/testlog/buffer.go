// Package testlog is a log sink for tests: the exporter logs from many
// goroutines, and tests read what it wrote.
package testlog

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer is an io.Writer safe for concurrent writers and readers.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Take returns the lines written since the last Take that mention s, and
// forgets everything written so far.
func (b *Buffer) Take(s string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		if l != "" && strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	b.buf.Reset()
	return out
}
