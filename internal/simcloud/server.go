// Package simcloud is a simulated Huawei Cloud on loopback: APIG's
// gateway APIs, IAM (password login, OIDC exchange, project lookup) and
// the ECS metadata service, each speaking the real shapes and checking
// credentials as the real ones do. Unit tests, benchmarks and the
// exporter's --demo mode all use it, so what the demo shows is what the
// tests pin.
package simcloud

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apig-exporter/apig_exporter/apig"
)

// Server is a simulated APIG endpoint. The zero value is not usable; call
// New, then Start (tests) or serve Handler yourself (demo).
type Server struct {
	// Authenticate checks a request's credentials; nil accepts everything.
	// It returns the HTTP status and error code to refuse with.
	Authenticate func(r *http.Request, projectID string) (status int, code string)
	// Latency is added before every answer, to model a remote API.
	Latency atomic.Int64 // nanoseconds
	// Now is the fake's clock.
	Now func() time.Time

	mu       sync.RWMutex
	gateways map[string]*Gateway // key project/instance
	sorted   []Gateway           // gateways sorted by key; nil after a change
	extra    map[string]http.HandlerFunc

	calls    sync.Map // op -> *atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
	conns    atomic.Int64

	ts *httptest.Server
}

// New returns a fake with the given gateways.
func New(gws ...Gateway) *Server {
	s := &Server{Now: time.Now, gateways: map[string]*Gateway{}, extra: map[string]http.HandlerFunc{}}
	for _, g := range gws {
		s.Put(g)
	}
	return s
}

// Start serves the fake on 127.0.0.1 until Close.
func (s *Server) Start() *Server {
	s.ts = s.unstarted()
	s.ts.Start()
	return s
}

// StartTLS serves the fake over TLS on 127.0.0.1 with a test certificate.
func (s *Server) StartTLS() *Server {
	s.ts = s.unstarted()
	s.ts.StartTLS()
	return s
}

func (s *Server) unstarted() *httptest.Server {
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	return ts
}

// Conns is the number of TCP connections the started fake has accepted,
// to check that clients reuse them.
func (s *Server) Conns() int64 { return s.conns.Load() }

// TLS returns the underlying httptest server (for its client and cert).
func (s *Server) HTTPTest() *httptest.Server { return s.ts }

// URL is the endpoint of a started fake.
func (s *Server) URL() string { return s.ts.URL }

// Close stops a started fake.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

func key(project, id string) string { return project + "/" + id }

// Put adds or replaces a gateway.
func (s *Server) Put(g Gateway) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gateways[key(g.ProjectID, g.ID)] = &g
	s.sorted = nil
}

// Remove deletes a gateway; it then answers 404 APIC.7302.
func (s *Server) Remove(project, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.gateways, key(project, id))
	s.sorted = nil
}

// Gateways returns a copy of the gateways, sorted by project and id.
func (s *Server) Gateways() []Gateway {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Kept sorted between changes: a list of thousands is served page by
	// page, and the fake's own CPU should not show in benchmarks.
	if s.sorted == nil {
		keys := make([]string, 0, len(s.gateways))
		for k := range s.gateways {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s.sorted = make([]Gateway, len(keys))
		for i, k := range keys {
			s.sorted[i] = *s.gateways[k]
		}
	}
	return slices.Clone(s.sorted)
}

// Handle serves an extra path (exact match), such as an IAM token endpoint.
func (s *Server) Handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra[path] = h
}

// Calls is the number of requests received for an operation (apig.OpProgress, apig.OpList).
func (s *Server) Calls(op string) int64 {
	if v, ok := s.calls.Load(op); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// PeakInFlight is the highest number of requests served at once.
func (s *Server) PeakInFlight() int64 { return s.peak.Load() }

// ResetCalls zeroes the call counters and the in-flight peak.
func (s *Server) ResetCalls() {
	s.calls.Range(func(_, v any) bool { v.(*atomic.Int64).Store(0); return true })
	s.peak.Store(0)
}

func (s *Server) count(op string) {
	v, _ := s.calls.LoadOrStore(op, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if d := time.Duration(s.Latency.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}

	s.mu.RLock()
	h := s.extra[r.URL.Path]
	s.mu.RUnlock()
	if h != nil {
		s.count(r.URL.Path)
		h(w, r)
		return
	}

	// /v2/{project}/apigw/instances[/{id}/progress]
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 6 && parts[0] == "v2" && parts[2] == "apigw" && parts[3] == "instances" && parts[5] == "progress":
		s.count(apig.OpProgress)
		if !s.authorized(w, r, parts[1]) {
			return
		}
		s.serveProgress(w, r, parts[1], parts[4])
	case len(parts) == 4 && parts[0] == "v2" && parts[2] == "apigw" && parts[3] == "instances":
		s.count(apig.OpList)
		if !s.authorized(w, r, parts[1]) {
			return
		}
		s.serveList(w, r, parts[1])
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the environment"})
	}
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request, project string) bool {
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error_code": "APIGW.0101", "error_msg": "method not allowed"})
		return false
	}
	if s.Authenticate == nil {
		return true
	}
	status, code := s.Authenticate(r, project)
	if status == 0 {
		return true
	}
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": "Incorrect IAM authentication information"})
	return false
}

func (s *Server) serveProgress(w http.ResponseWriter, r *http.Request, project, id string) {
	s.mu.RLock()
	g, ok := s.gateways[key(project, id)]
	s.mu.RUnlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error_code": "APIC.7302", "error_msg": "Instance not found"})
		return
	}
	if g.Handler != nil {
		g.Handler(w, r)
		return
	}
	writeAnswer(w, g.Progress(s.Now()))
}

// listItem is the part of RespInstanceBase the exporter reads.
type listItem struct {
	ID           string `json:"id"`
	ProjectID    string `json:"project_id"`
	InstanceName string `json:"instance_name"`
	Status       string `json:"status"`
	Type         string `json:"type"`
	Spec         string `json:"spec"`
	CreateTime   int64  `json:"create_time"`
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, project string) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset = max(offset, 0)
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 500)
	var items []listItem
	now := s.Now()
	for _, g := range s.Gateways() {
		if g.ProjectID != project || g.Hidden {
			continue
		}
		st := "Running"
		switch {
		case g.ListStatus != "":
			st = g.ListStatus
		case g.Progress != nil:
			st = listStatus(g.Progress(now))
		}
		if want := q.Get("status"); want != "" && want != st {
			continue
		}
		if name := q.Get("instance_name"); name != "" && !strings.Contains(g.Name, name) {
			continue
		}
		items = append(items, listItem{ID: g.ID, ProjectID: project, InstanceName: g.Name, Status: st, Type: "apig", Spec: "BASIC"})
	}
	total := len(items)
	page := items[min(offset, total):min(offset+limit, total)]
	if page == nil {
		page = []listItem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"size": len(page), "total": total, "instances": page})
}

func writeAnswer(w http.ResponseWriter, a Answer) {
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// TokenAuth accepts requests whose X-Auth-Token equals token, and refuses
// others the way APIG does (401 APIC.7102).
func TokenAuth(token func() string) func(*http.Request, string) (int, string) {
	return func(r *http.Request, _ string) (int, string) {
		switch r.Header.Get("X-Auth-Token") {
		case token():
			return 0, ""
		case "":
			return http.StatusUnauthorized, "APIC.7100"
		default:
			return http.StatusUnauthorized, "APIC.7102"
		}
	}
}
