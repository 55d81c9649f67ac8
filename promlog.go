package main

import (
	"fmt"
	"strings"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// promLogger passes promhttp's error log to ours, as one message string.
type promLogger struct{ logger log.Logger }

func (l promLogger) Println(v ...any) {
	level.Error(l.logger).Log("msg", strings.TrimSpace(fmt.Sprintln(v...)))
}
