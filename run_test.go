package main

import (
	"regexp"
	"sync"
	"syscall"
	"testing"

	"github.com/apig-exporter/apig_exporter/internal/testlog"
)

var listenAddress = regexp.MustCompile(`address=(127\.0\.0\.1:[0-9]+)`)

// addrWatcher is run()'s stderr: it keeps the log and hands over the
// address the web server listens on as soon as it is logged.
type addrWatcher struct {
	testlog.Buffer
	once sync.Once
	addr chan string
}

func (w *addrWatcher) Write(p []byte) (int, error) {
	if m := listenAddress.FindSubmatch(p); m != nil {
		w.once.Do(func() { w.addr <- string(m[1]) })
	}
	return w.Buffer.Write(p)
}

// running is run() started in the background on a loopback port.
type running struct {
	addr   string
	stderr *addrWatcher
	stdout *testlog.Buffer
	done   chan int
}

// startRun starts run() with args plus a loopback listen address, and
// returns once it listens. Stop it with stop.
func startRun(t *testing.T, args ...string) *running {
	t.Helper()
	r := &running{stderr: &addrWatcher{addr: make(chan string, 1)}, stdout: &testlog.Buffer{}, done: make(chan int, 1)}
	args = append(args, "--web.listen-address", "127.0.0.1:0")
	go func() { r.done <- run(args, r.stdout, r.stderr) }()
	select {
	case r.addr = <-r.stderr.addr:
	case code := <-r.done:
		t.Fatalf("run exited %d before listening:\n%s", code, r.stderr.String())
	}
	return r
}

// stop ends run() the way an operator does, with SIGTERM, and returns
// its exit code. run() has caught the signal by the time it listens.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	return <-r.done
}
