package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// exporterProcess is the real exporter binary, run as a child so that its
// CPU time and peak RSS are its own.
type exporterProcess struct {
	cmd  *exec.Cmd
	url  string
	logs *os.File
}

// buildExporter compiles the exporter in the current module.
func buildExporter(dir string) (string, error) {
	bin := filepath.Join(dir, "apig_exporter")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build (run apig-bench from the repository root): %w", err)
	}
	return bin, nil
}

// startExporter runs bin with the given configuration and waits until it
// is ready.
func startExporter(bin, dir, config string) (*exporterProcess, error) {
	cfgFile := filepath.Join(dir, "apig_exporter.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logs, err := os.CreateTemp(dir, "exporter-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config.file="+cfgFile, "--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &exporterProcess{cmd: cmd, url: "http://" + addr, logs: logs}
	for range 200 {
		if resp, err := http.Get(p.url + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	p.stop()
	return nil, errors.New("exporter did not become ready; see " + logs.Name())
}

func (p *exporterProcess) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.logs.Close()
}

// scrape is one GET /metrics: its wall time and answer.
func (p *exporterProcess) scrape(ctx context.Context) (time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/metrics", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "300")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	d := time.Since(start)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return d, string(b), err
}

// cpuTime is the CPU time (user + system) the process has used.
func (p *exporterProcess) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond, nil
}

// peakRSS is VmHWM, the process's resident set high-water mark.
func (p *exporterProcess) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// sample reads one sample value (no labels) from an exposition.
func sample(exposition, name string) float64 {
	for _, line := range strings.Split(exposition, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, _ := strconv.ParseFloat(rest, 64)
			return v
		}
	}
	return 0
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
