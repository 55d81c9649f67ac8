package simcloud

import (
	"net/http"
	"sync"
)

// IAMProjectsPath is IAM's project list.
const IAMProjectsPath = "/v3/projects"

// Projects is IAM's project list, faked on a Server, filtered by ?name=
// as the SDKs ask it. Requests must pass Verify (AK/SK signature, with
// the security token for temporary keys: AKSKAuth.Verify or
// KeyIssuer.Verify) and carry no X-Project-Id. Count its requests with
// Server.Calls(IAMProjectsPath).
type Projects struct {
	Verify func(r *http.Request) error

	mu       sync.Mutex
	byName   map[string][]string // name -> IDs
	rejected error
}

// NewProjects mounts the project list on s.
func NewProjects(s *Server, verify func(r *http.Request) error) *Projects {
	p := &Projects{Verify: verify, byName: map[string][]string{}}
	s.Handle(IAMProjectsPath, p.serve)
	return p
}

// Add lists a project under name (a region); a name may have several.
func (p *Projects) Add(name, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byName[name] = append(p.byName[name], id)
}

// LastRejection is why the last refused request was refused.
func (p *Projects) LastRejection() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rejected
}

type projectItem struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

func (p *Projects) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		iamError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if r.Header.Get("X-Project-Id") != "" {
		iamError(w, http.StatusBadRequest, "the project list takes no X-Project-Id")
		return
	}
	if err := p.Verify(r); err != nil {
		p.mu.Lock()
		p.rejected = err
		p.mu.Unlock()
		iamError(w, http.StatusUnauthorized, "The request you have made requires authentication.")
		return
	}
	name := r.URL.Query().Get("name")
	p.mu.Lock()
	ids := p.byName[name]
	p.mu.Unlock()
	items := []projectItem{}
	for _, id := range ids {
		items = append(items, projectItem{ID: id, Name: name, DomainID: "d0main1d", Enabled: true})
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": items, "links": map[string]any{"self": "https://iam.example/v3/projects"}})
}
