package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

// newLogger returns the go-kit logger for our code and the *slog.Logger
// that exporter-toolkit needs, both writing to w in the chosen format.
func newLogger(w io.Writer, lvl, format string) (log.Logger, *slog.Logger, error) {
	var base log.Logger
	switch format {
	case "logfmt":
		base = log.NewLogfmtLogger(log.NewSyncWriter(w))
	case "json":
		base = log.NewJSONLogger(log.NewSyncWriter(w))
	default:
		return nil, nil, fmt.Errorf("unknown log format %q", format)
	}
	var opt level.Option
	var slvl slog.Level
	switch lvl {
	case "debug":
		opt, slvl = level.AllowDebug(), slog.LevelDebug
	case "info":
		opt, slvl = level.AllowInfo(), slog.LevelInfo
	case "warn":
		opt, slvl = level.AllowWarn(), slog.LevelWarn
	case "error":
		opt, slvl = level.AllowError(), slog.LevelError
	default:
		return nil, nil, fmt.Errorf("unknown log level %q", lvl)
	}
	// The bridge gets the logger before timestamps and callers are added:
	// slog records carry their own time, and valuers would repeat keys.
	filtered := level.NewFilter(base, opt)
	slogger := slog.New(sloggokit.NewGoKitHandler(filtered, slvl))
	logger := log.With(filtered, "ts", log.DefaultTimestampUTC, "caller", log.DefaultCaller)
	return logger, slogger, nil
}
