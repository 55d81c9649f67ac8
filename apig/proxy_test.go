package apig_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
	"github.com/apig-exporter/apig_exporter/internal/simcloud"
	"github.com/apig-exporter/apig_exporter/internal/testcert"
	"github.com/apig-exporter/apig_exporter/internal/testnet"
)

const proxiedHost = "apig.proxied.invalid"

// TestHTTPSProxyFromEnvironment pins that the cloud client goes through
// the proxy named by HTTPS_PROXY. net/http reads the environment once per
// process, so the client runs in a child process with the variable set;
// the proxy is a loopback fake that tunnels CONNECT to a fake APIG.
func TestHTTPSProxyFromEnvironment(t *testing.T) {
	if os.Getenv("APIG_PROXY_CHILD") != "" {
		proxyChild(t)
		return
	}
	ca := testcert.NewCA(t, "proxy test CA")
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, caFile, string(ca.PEM))
	fake := simcloud.New(simcloud.Gateway{ProjectID: clientProject, ID: clientGateway, Progress: simcloud.Stuck(time.Now(), 30)})
	upstream := httptest.NewUnstartedServer(fake)
	upstream.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, proxiedHost)}}
	upstream.StartTLS()
	defer upstream.Close()

	proxy := &connectProxy{upstream: upstream.Listener.Addr().String()}
	ps := httptest.NewServer(proxy)
	defer ps.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPSProxyFromEnvironment$", "-test.v")
	cmd.Env = append(os.Environ(), "APIG_PROXY_CHILD=1", "HTTPS_PROXY="+ps.URL, "NO_PROXY=", "no_proxy=", "APIG_PROXY_CA="+caFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if got := proxy.targets(); len(got) != 1 || got[0] != proxiedHost+":443" {
		t.Errorf("proxy tunnelled to %v, want [%s:443]", got, proxiedHost)
	}
}

// proxyChild calls APIG by name; only the proxy can reach it, since the
// dialer knows no name and the proxy is on 127.0.0.1.
func proxyChild(t *testing.T) {
	pem, err := os.ReadFile(os.Getenv("APIG_PROXY_CA"))
	if err != nil {
		t.Fatal(err)
	}
	roots := testcert.PoolFromPEM(t, pem)
	hc := apig.NewHTTPClient(&tls.Config{RootCAs: roots})
	hc.Transport.(*http.Transport).DialContext = (&testnet.Dialer{}).DialContext
	defer hc.CloseIdleConnections()
	client, err := apig.NewClient(apig.Options{HTTPClient: hc, Auth: apig.StaticToken{Token: apig.StaticSecret("token-through-proxy")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Progress(context.Background(), apig.Project{ID: clientProject, Endpoint: "https://" + proxiedHost}, clientGateway); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
}

// connectProxy tunnels every CONNECT to upstream and records the target.
type connectProxy struct {
	upstream string
	mu       sync.Mutex
	seen     []string
}

func (p *connectProxy) targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.Host)
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer up.Close()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, buf); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, up); done <- struct{}{} }()
	<-done
}
