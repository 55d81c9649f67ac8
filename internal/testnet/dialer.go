// Package testnet keeps tests on loopback: a dialer that reaches
// 127.0.0.1 and named test hosts routed there, and answers every other
// name with a DNS failure without asking any resolver.
package testnet

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Dialer routes host names to loopback addresses. The zero value dials
// only literal 127.0.0.1 addresses.
type Dialer struct {
	mu     sync.Mutex
	routes map[string]string // host name -> 127.0.0.1:port, "" for no such host
	d      net.Dialer
}

// Route sends connections for host (any port) to addr, a 127.0.0.1
// address; an empty addr makes host unresolvable again.
func (d *Dialer) Route(host, addr string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.routes == nil {
		d.routes = map[string]string{}
	}
	d.routes[host] = addr
}

// DialContext is an http.Transport DialContext.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip != nil {
		if !ip.Equal(net.IPv4(127, 0, 0, 1)) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errNotLoopback}
		}
		return d.d.DialContext(ctx, network, addr)
	}
	d.mu.Lock()
	target := d.routes[host]
	d.mu.Unlock()
	if target == "" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	return d.d.DialContext(ctx, network, target)
}

// Install makes client's transport dial through d and ignore proxy
// settings from the environment; client must use an *http.Transport.
func (d *Dialer) Install(client *http.Client) {
	t := client.Transport.(*http.Transport)
	t.DialContext = d.DialContext
	t.Proxy = nil
}

type notLoopback struct{}

func (notLoopback) Error() string { return "test dialer: only 127.0.0.1 may be dialled" }

var errNotLoopback error = notLoopback{}
