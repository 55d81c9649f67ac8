// Command sampleserver serves the status page with a fixed snapshot shaped
// like --demo's gateways on a loopback port, so the page can be checked in
// a browser (.ci/statuspage.sh) before and apart from the exporter. It
// prints its base URL on the first line of stdout and serves until killed.
//
//	go run ./internal/statuspage/sampleserver [-hostile]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/statuspage"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "loopback address to serve on")
	hostile := flag.Bool("hostile", false, "add a gateway whose name, code and message are HTML")
	flag.Parse()

	start := time.Now()
	handler := statuspage.New(statuspage.Options{
		Version:     "sample",
		MetricsPath: "/metrics",
		Snapshot: func(context.Context) (statuspage.Snapshot, error) {
			return sample(start, *hostile), nil
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/", handler)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sampleserver:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "sampleserver:", err)
		os.Exit(1)
	}
}

// sample is what the exporter would hold a few seconds into --demo.
func sample(start time.Time, hostile bool) statuspage.Snapshot {
	taken := start.Add(-4 * time.Second)
	p, e := simcloud.DemoProject, simcloud.DemoProjectEdge
	gw := func(project, id, name, list, status string, percent int, started, ended time.Time) statuspage.Gateway {
		return statuspage.Gateway{ProjectID: project, InstanceID: id, Name: name, ListStatus: list, Status: status,
			Percent: percent, Started: started, Ended: ended, AnsweredAt: taken}
	}
	failed := func(g statuspage.Gateway, code, msg string) statuspage.Gateway {
		g.ErrorCode, g.ErrorMsg = code, msg
		return g
	}
	s := statuspage.Snapshot{
		Taken:    taken,
		Projects: []statuspage.Project{{ID: p, Up: true}, {ID: e, Up: true}},
		Gateways: []statuspage.Gateway{
			gw(p, "3f6c1d2e8a9b4c5d9e0f1a2b3c4d5e6f", "checkout-gw", "Creating", "creating", 80, start.Add(-150*time.Second), time.Time{}),
			gw(p, "7a8b9c0d1e2f43a5b6c7d8e9f0a1b2c3", "search-gw", "Creating", "creating", 30, start.Add(-90*time.Second), time.Time{}),
			gw(p, "b1c2d3e4f5a64b7c8d9e0f1a2b3c4d5e", "legacy-gw", "Creating", "creating", 50, start.Add(-96*time.Minute), time.Time{}),
			gw(p, "eddc4d25480b4cd6b512f270a1b8b341", "prod-gateway", "Running", "success", 100, start.Add(-26*time.Hour), start.Add(-26*time.Hour+5*time.Minute+24*time.Second)),
			gw(e, "c4d5e6f7a8b94c0d1e2f3a4b5c6d7e8f", "edge-eu-gw", "Running", "success", 100, start.Add(-3*time.Hour), start.Add(-3*time.Hour+6*time.Minute)),
			failed(gw(e, "d5e6f7a8b9c04d1e2f3a4b5c6d7e8f90", "edge-quota-gw", "CreateFail", "failed", 0, start.Add(-40*time.Minute), start.Add(-39*time.Minute)), "APIC.9218", "create failed: insufficient quota"),
			failed(gw(e, "e6f7a8b9c0d14e2f3a4b5c6d7e8f9a0b", "edge-capacity-gw", "CreateFail", "failed", 0, start.Add(-25*time.Minute), start.Add(-21*time.Minute)), "APIC.9219", "create failed: insufficient resources"),
			failed(gw(p, "f7a8b9c0d1e24f3a4b5c6d7e8f9a0b1c", "batch-gw", "CreateFail", "failed", 0, start.Add(-10*time.Minute), start.Add(-2*time.Minute)), "APIC.9206", "create failed"),
			{ProjectID: p, InstanceID: "0b1c2d3e4f5a46b7c8d9e0f1a2b3c4d5", Name: "deleted-gw", ReadError: "APIC.7302",
				ReadErrorDetail: "404 Not Found: Instance not found", AnsweredAt: taken},
		},
	}
	if hostile {
		s.Gateways = append(s.Gateways, failed(
			gw(p, "9a9b9c9d9e9f40a1b2c3d4e5f6a7b8c9", `<img src=x onerror=alert(1)>`, "CreateFail", "failed", 0, start.Add(-5*time.Minute), start.Add(-4*time.Minute)),
			`<b>APIC.9206</b>`, `</td><script>alert(2)</script>`))
	}
	return s
}
