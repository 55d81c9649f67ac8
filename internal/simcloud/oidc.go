package simcloud

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// IAM paths of the OIDC exchange.
const (
	OIDCTokenPath      = "/v3.0/OS-AUTH/id-token/tokens"
	SecurityTokensPath = "/v3.0/OS-CREDENTIAL/securitytokens"
)

// OIDC is IAM's OIDC exchange, faked on a Server: an id token for an
// unscoped IAM token (X-Subject-Token), then that token for temporary keys
// issued by a KeyIssuer. It accepts one identity provider and one id
// token at a time; SetIDToken rotates it. Count its requests with
// Server.Calls(OIDCTokenPath) and (SecurityTokensPath).
type OIDC struct {
	// TokenLifetime is that of the unscoped IAM tokens.
	TokenLifetime time.Duration

	srv  *Server
	keys *KeyIssuer

	mu       sync.Mutex
	idpID    string
	idToken  string
	failWith int
	unscoped map[string]time.Time // IAM token -> expiry
}

// NewOIDC mounts the exchange on s, accepting idToken from idpID.
func NewOIDC(s *Server, keys *KeyIssuer, idpID, idToken string) *OIDC {
	o := &OIDC{TokenLifetime: 24 * time.Hour, srv: s, keys: keys, idpID: idpID, idToken: idToken, unscoped: map[string]time.Time{}}
	s.Handle(OIDCTokenPath, o.serveIDToken)
	s.Handle(SecurityTokensPath, o.serveSecurityTokens)
	return o
}

// SetIDToken makes idToken the only one accepted, as after Kubernetes
// rotated the projected token.
func (o *OIDC) SetIDToken(idToken string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.idToken = idToken
}

// IAMTokens are the unscoped IAM tokens issued so far, for tests that
// look for them where they must not be.
func (o *OIDC) IAMTokens() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var toks []string
	for t := range o.unscoped {
		toks = append(toks, t)
	}
	return toks
}

// Fail makes both calls answer status in IAM's error shape; 0 makes them
// work again.
func (o *OIDC) Fail(status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failWith = status
}

type idTokenBody struct {
	Auth *struct {
		IDToken *struct {
			ID string `json:"id"`
		} `json:"id_token"`
	} `json:"auth"`
}

type securityTokensBody struct {
	Auth *struct {
		Identity *struct {
			Methods []string `json:"methods"`
			Token   *struct {
				ID              string `json:"id"`
				DurationSeconds int    `json:"duration_seconds"`
			} `json:"token"`
		} `json:"identity"`
	} `json:"auth"`
}

// checkPost refuses what is not a JSON POST and decodes the body strictly.
func (o *OIDC) checkPost(w http.ResponseWriter, r *http.Request, v any) bool {
	o.mu.Lock()
	failWith := o.failWith
	o.mu.Unlock()
	switch {
	case failWith != 0:
		iamError(w, failWith, "injected failure")
		return false
	case r.Method != http.MethodPost:
		iamError(w, http.StatusMethodNotAllowed, "method not allowed")
		return false
	case r.Header.Get("Content-Type") != "application/json;charset=UTF-8":
		iamError(w, http.StatusBadRequest, "content type must be application/json;charset=UTF-8")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		iamError(w, http.StatusBadRequest, "The request body is invalid.")
		return false
	}
	return true
}

func (o *OIDC) serveIDToken(w http.ResponseWriter, r *http.Request) {
	var b idTokenBody
	if !o.checkPost(w, r, &b) {
		return
	}
	if b.Auth == nil || b.Auth.IDToken == nil {
		iamError(w, http.StatusBadRequest, "auth.id_token missing")
		return
	}
	o.mu.Lock()
	idpID, idToken := o.idpID, o.idToken
	o.mu.Unlock()
	switch {
	case r.Header.Get("X-Idp-Id") != idpID:
		iamError(w, http.StatusNotFound, "The identity provider does not exist.")
		return
	case b.Auth.IDToken.ID != idToken:
		iamError(w, http.StatusUnauthorized, "The id token is invalid.")
		return
	}
	now := o.srv.Now().UTC()
	expires := now.Add(o.TokenLifetime)
	tok := newToken()
	o.mu.Lock()
	o.unscoped[tok] = expires
	o.mu.Unlock()
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods":    []string{"mapped"},
		"issued_at":  now.Format(iamTimeLayout),
		"expires_at": expires.Format(iamTimeLayout),
	}})
}

func (o *OIDC) serveSecurityTokens(w http.ResponseWriter, r *http.Request) {
	var b securityTokensBody
	if !o.checkPost(w, r, &b) {
		return
	}
	if b.Auth == nil || b.Auth.Identity == nil || b.Auth.Identity.Token == nil ||
		len(b.Auth.Identity.Methods) != 1 || b.Auth.Identity.Methods[0] != "token" {
		iamError(w, http.StatusBadRequest, `auth.identity needs methods ["token"] and token`)
		return
	}
	t := b.Auth.Identity.Token
	if t.DurationSeconds < 900 || t.DurationSeconds > 86400 {
		iamError(w, http.StatusBadRequest, "duration_seconds must be 900..86400")
		return
	}
	o.mu.Lock()
	expires, known := o.unscoped[t.ID]
	o.mu.Unlock()
	if !known || !o.srv.Now().Before(expires) {
		iamError(w, http.StatusUnauthorized, "The token is invalid or expired.")
		return
	}
	writeJSON(w, http.StatusCreated, credentialBody(o.keys.Issue(time.Duration(t.DurationSeconds)*time.Second)))
}
