package simcloud

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"time"
)

// Raw faults for Gateway.Handler: answers no real APIG should give, but a
// network, a proxy or a broken deployment can.

// Hang accepts the request and never answers; it returns when the client
// gives up.
func Hang() http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}
}

// Trickle sends a 200 with a long body one byte per interval until the
// client gives up.
func Trickle(interval time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				if rc.Flush() != nil {
					return
				}
			}
		}
	}
}

// ResetMidBody sends the headers and part of a body, then resets the
// connection (TCP RST).
func ResetMidBody() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"progress\": 5")
		_ = buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

// Huge sends a 200 whose body is size bytes of valid-looking JSON.
func Huge(size int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(w, 64<<10)
		_, _ = bw.WriteString(`{"progress":50,"status":"creating","error_msg":"`)
		pad := strings.Repeat("x", 4096)
		for n := size - 50; n > 0; n -= len(pad) {
			if _, err := bw.WriteString(pad[:min(n, len(pad))]); err != nil {
				return
			}
		}
		_, _ = bw.WriteString(`"}`)
		_ = bw.Flush()
	}
}

// RedirectLoop answers every request with a 302 to itself.
func RedirectLoop() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
	}
}

// WithHeader wraps an answer to add a header, such as Retry-After.
func WithHeader(a func(time.Time) Answer, key, value string) func(time.Time) Answer {
	return func(now time.Time) Answer {
		ans := a(now)
		h := ans.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set(key, value)
		ans.Header = h
		return ans
	}
}
