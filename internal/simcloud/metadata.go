package simcloud

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Paths of the ECS/BMS metadata service.
const (
	MetadataTokenPath       = "/meta-data/latest/api/token"
	MetadataSecurityKeyPath = "/openstack/latest/securitykey"
)

// AgencyMissingMessage is what the metadata service answers, with 401,
// on a server without an agency.
const AgencyMissingMessage = "Please configure Cloud Service Agency first"

// Metadata is a fake ECS metadata service served by a Server: the session
// token API (optional, as on older servers) and the agency's temporary
// keys, issued by a KeyIssuer on the Server's clock. Count its requests
// with Server.Calls(MetadataTokenPath) and (MetadataSecurityKeyPath).
type Metadata struct {
	// Lifetime of issued keys.
	Lifetime time.Duration

	srv  *Server
	keys *KeyIssuer

	mu        sync.Mutex
	tokenAPI  bool
	noAgency  bool
	failWith  int
	refuseN   int                  // securitykey calls still to refuse with 401
	sessions  map[string]time.Time // session token -> expiry
	lastToken string               // X-Metadata-Token of the last securitykey call
}

// NewMetadata mounts a fake metadata service on s. With tokenAPI false it
// answers the token API with 404, as servers without it do.
func NewMetadata(s *Server, keys *KeyIssuer, tokenAPI bool) *Metadata {
	m := &Metadata{Lifetime: 24 * time.Hour, srv: s, keys: keys, tokenAPI: tokenAPI, sessions: map[string]time.Time{}}
	s.Handle(MetadataTokenPath, m.serveToken)
	s.Handle(MetadataSecurityKeyPath, m.serveSecurityKey)
	return m
}

// RemoveAgency makes securitykey answer 401 AgencyMissingMessage.
func (m *Metadata) RemoveAgency() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.noAgency = true
}

// Fail makes every call answer status; 0 makes them work again.
func (m *Metadata) Fail(status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failWith = status
}

// RefuseSessions makes the next n securitykey calls answer 401 as for an
// expired session token.
func (m *Metadata) RefuseSessions(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refuseN = n
}

// Sessions is the number of session tokens issued.
func (m *Metadata) Sessions() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

// LastSessionToken is the X-Metadata-Token the last securitykey call
// carried ("" for none).
func (m *Metadata) LastSessionToken() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastToken
}

func (m *Metadata) serveToken(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	tokenAPI, failWith := m.tokenAPI, m.failWith
	m.mu.Unlock()
	switch {
	case failWith != 0:
		http.Error(w, "injected failure", failWith)
		return
	case !tokenAPI:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodPut:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get("X-Metadata-Token-Ttl-Seconds"))
	if err != nil || ttl < 1 || ttl > 21600 {
		http.Error(w, "X-Metadata-Token-Ttl-Seconds must be 1..21600", http.StatusBadRequest)
		return
	}
	if b, _ := io.ReadAll(r.Body); len(b) != 0 {
		http.Error(w, "the body must be empty", http.StatusBadRequest)
		return
	}
	tok := "mdtoken-" + randomHex(24)
	m.mu.Lock()
	m.sessions[tok] = m.srv.Now().Add(time.Duration(ttl) * time.Second)
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, tok)
}

func (m *Metadata) serveSecurityKey(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("X-Metadata-Token")
	m.mu.Lock()
	m.lastToken = tok
	expires, known := m.sessions[tok]
	tokenAPI, noAgency, failWith := m.tokenAPI, m.noAgency, m.failWith
	refuse := m.refuseN > 0
	if refuse {
		m.refuseN--
	}
	m.mu.Unlock()
	switch {
	case failWith != 0:
		http.Error(w, "injected failure", failWith)
	case r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case refuse, tokenAPI && (!known || !m.srv.Now().Before(expires)):
		http.Error(w, "Unauthorized: session token invalid or expired", http.StatusUnauthorized)
	case noAgency:
		http.Error(w, AgencyMissingMessage, http.StatusUnauthorized)
	default:
		writeJSON(w, http.StatusOK, credentialBody(m.keys.Issue(m.Lifetime)))
	}
}
