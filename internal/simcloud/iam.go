package simcloud

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// IAMTokenPath is where IAM issues tokens.
const IAMTokenPath = "/v3/auth/tokens"

// iamTimeLayout is how IAM writes times: UTC with microseconds.
const iamTimeLayout = "2006-01-02T15:04:05.000000Z"

// IAM is a fake IAM token endpoint served by a Server. It checks the
// password-login body strictly, issues project-scoped tokens with a set
// lifetime, and can be made to fail or hang. Its Authenticate, used as
// Server.Authenticate, accepts only tokens it issued and that are unexpired.
type IAM struct {
	// Lifetime of issued tokens; IAM's own is 24h.
	Lifetime time.Duration

	srv     *Server
	logins  atomic.Int64
	started chan struct{}

	mu       sync.Mutex
	domain   string
	user     string
	password string
	failWith int           // HTTP status to fail logins with; 0 = work
	gate     chan struct{} // logins wait for it to close when non-nil
	tokens   map[string]issuedToken
	projects map[string]string // name (region) -> ID, for logins scoped by name
}

type issuedToken struct {
	project string
	expires time.Time
}

// NewIAM mounts a fake IAM on s that accepts one user.
func NewIAM(s *Server, domain, user, password string) *IAM {
	i := &IAM{
		Lifetime: 24 * time.Hour,
		srv:      s,
		started:  make(chan struct{}, 1024),
		domain:   domain,
		user:     user,
		password: password,
		tokens:   map[string]issuedToken{},
		projects: map[string]string{},
	}
	s.Handle(IAMTokenPath, i.serveToken)
	return i
}

// Logins is the number of login requests received, good or bad.
func (i *IAM) Logins() int64 { return i.logins.Load() }

// Started receives a value as each login request arrives (it drops values
// when nobody reads), so a test can wait for a login without sleeping.
func (i *IAM) Started() <-chan struct{} { return i.started }

// SetPassword changes the accepted password (a rotation).
func (i *IAM) SetPassword(p string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.password = p
}

// Fail makes logins answer with status (401, 500, ...) in IAM's error
// shape; 0 makes them work again.
func (i *IAM) Fail(status int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.failWith = status
}

// Pause holds every login until the returned resume is called.
func (i *IAM) Pause() (resume func()) {
	gate := make(chan struct{})
	i.mu.Lock()
	i.gate = gate
	i.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			i.mu.Lock()
			if i.gate == gate {
				i.gate = nil
			}
			i.mu.Unlock()
			close(gate)
		})
	}
}

// AddProject lets logins be scoped by the project's name, as IAM allows
// for the project named after a region.
func (i *IAM) AddProject(name, id string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.projects[name] = id
}

// RevokeAll invalidates every issued token, as a password change does.
func (i *IAM) RevokeAll() {
	i.mu.Lock()
	defer i.mu.Unlock()
	clear(i.tokens)
}

// Tokens is the number of valid tokens issued so far and not revoked.
func (i *IAM) Tokens() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return len(i.tokens)
}

// Authenticate accepts X-Auth-Token values this IAM issued for the path's
// project, and refuses others as APIG does: 401 APIC.7100 when missing,
// APIC.7101 when expired, APIC.7102 when unknown or for another project.
func (i *IAM) Authenticate(r *http.Request, projectID string) (int, string) {
	tok := r.Header.Get("X-Auth-Token")
	if tok == "" {
		return http.StatusUnauthorized, "APIC.7100"
	}
	i.mu.Lock()
	t, ok := i.tokens[tok]
	i.mu.Unlock()
	switch {
	case !ok || t.project != projectID:
		return http.StatusUnauthorized, "APIC.7102"
	case !i.srv.Now().Before(t.expires):
		return http.StatusUnauthorized, "APIC.7101"
	}
	return 0, ""
}

// loginBody is the password-login request, field for field.
type loginBody struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   *struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// check returns the project the login is scoped to, by ID or by name.
func (b *loginBody) check() (project projectScope, user, password, domain string, err error) {
	a := b.Auth
	switch {
	case a == nil || a.Identity == nil:
		return projectScope{}, "", "", "", fmt.Errorf("auth.identity missing")
	case len(a.Identity.Methods) != 1 || a.Identity.Methods[0] != "password":
		return projectScope{}, "", "", "", fmt.Errorf(`auth.identity.methods must be ["password"]`)
	case a.Identity.Password == nil || a.Identity.Password.User == nil || a.Identity.Password.User.Domain == nil:
		return projectScope{}, "", "", "", fmt.Errorf("auth.identity.password.user{name,password,domain} missing")
	case a.Scope == nil || a.Scope.Project == nil || (a.Scope.Project.ID == "") == (a.Scope.Project.Name == ""):
		return projectScope{}, "", "", "", fmt.Errorf("auth.scope.project needs one of id and name")
	}
	u := a.Identity.Password.User
	return projectScope{id: a.Scope.Project.ID, name: a.Scope.Project.Name}, u.Name, u.Password, u.Domain.Name, nil
}

type projectScope struct{ id, name string }

func (i *IAM) serveToken(w http.ResponseWriter, r *http.Request) {
	i.logins.Add(1)
	select {
	case i.started <- struct{}{}:
	default:
	}
	i.mu.Lock()
	gate, failWith := i.gate, i.failWith
	i.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if failWith != 0 {
		iamError(w, failWith, "injected failure")
		return
	}
	if r.Method != http.MethodPost {
		iamError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if r.URL.Query().Get("nocatalog") == "" {
		iamError(w, http.StatusBadRequest, "want nocatalog=true: the catalog is large and unused")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		iamError(w, http.StatusBadRequest, "content type must be application/json")
		return
	}
	var body loginBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		iamError(w, http.StatusBadRequest, "The request body is invalid.")
		return
	}
	project, user, password, domain, err := body.check()
	if err != nil {
		iamError(w, http.StatusBadRequest, err.Error())
		return
	}
	i.mu.Lock()
	good := user == i.user && password == i.password && domain == i.domain
	if project.id == "" {
		project.id = i.projects[project.name]
	}
	i.mu.Unlock()
	if !good {
		iamError(w, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	if project.id == "" {
		iamError(w, http.StatusBadRequest, "The project does not exist.")
		return
	}
	if project.name == "" {
		project.name = "cn-north-4"
	}

	now := i.srv.Now().UTC()
	expires := now.Add(i.Lifetime)
	tok := newToken()
	i.mu.Lock()
	i.tokens[tok] = issuedToken{project: project.id, expires: expires}
	i.mu.Unlock()

	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"issued_at":  now.Format(iamTimeLayout),
		"expires_at": expires.Format(iamTimeLayout),
		"project":    map[string]any{"id": project.id, "name": project.name, "domain": map[string]string{"name": domain}},
		"user":       map[string]any{"name": user, "domain": map[string]string{"name": domain}},
	}})
}

// iamError answers in IAM's own error shape, with a numeric code.
func iamError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": msg, "title": http.StatusText(status),
	}})
}

// newToken makes an opaque token; real ones are long base64 blobs.
func newToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return "MIIfake" + hex.EncodeToString(b)
}
