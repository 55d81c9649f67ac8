package simcloud

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// credentialTimeLayout is how the metadata service and IAM write a
// credential's expires_at: UTC, milliseconds then three zeros, Z.
const credentialTimeLayout = "2006-01-02T15:04:05.000000Z"

// IssuedKeys is a set of temporary keys as a KeyIssuer made them.
type IssuedKeys struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	ExpiresAt     time.Time
}

// KeyIssuer issues temporary keys for the fake metadata service and the
// fake IAM, on the Server's clock, and makes the fake APIG accept only the
// latest keys until they expire: every issue rotates them. Use its
// Authenticate as Server.Authenticate.
type KeyIssuer struct {
	// Auth checks signatures with the latest keys and security token.
	Auth *AKSKAuth

	srv *Server

	mu      sync.Mutex
	issued  int
	current IssuedKeys
}

// NewKeyIssuer issues keys on s's clock. No keys are valid until the
// first issue.
func NewKeyIssuer(s *Server) *KeyIssuer {
	auth := &AKSKAuth{Now: func() time.Time { return s.Now() }, keys: map[string]string{}}
	return &KeyIssuer{Auth: auth, srv: s}
}

// Issue makes new keys living for lifetime and makes them the only ones
// accepted.
func (k *KeyIssuer) Issue(lifetime time.Duration) IssuedKeys {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.issued++
	keys := IssuedKeys{
		AccessKey:     fmt.Sprintf("TEMPAK%014d", k.issued),
		SecretKey:     "tempsk-" + randomHex(20),
		SecurityToken: "gQpzdHMtdG9rZW4" + randomHex(64),
		ExpiresAt:     k.srv.Now().UTC().Add(lifetime).Truncate(time.Millisecond),
	}
	k.current = keys
	k.Auth.Rotate(keys.AccessKey, keys.SecretKey)
	k.Auth.RequireSecurityToken(keys.SecurityToken)
	return keys
}

// Issued is the number of key sets issued so far.
func (k *KeyIssuer) Issued() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.issued
}

// Current is the latest key set (zero before the first issue).
func (k *KeyIssuer) Current() IssuedKeys {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.current
}

// Verify checks that r is signed with the latest keys, unexpired, with
// their security token; for IAM's own calls, which take no project.
func (k *KeyIssuer) Verify(r *http.Request) error {
	k.mu.Lock()
	cur := k.current
	k.mu.Unlock()
	if cur.AccessKey == "" {
		return fmt.Errorf("no temporary keys issued yet")
	}
	if !k.srv.Now().Before(cur.ExpiresAt) {
		return fmt.Errorf("temporary keys expired at %s", cur.ExpiresAt.Format(time.RFC3339))
	}
	return k.Auth.Verify(r, "")
}

// Authenticate is Server.Authenticate for temporary keys: expired keys
// are refused as a bad signature is (401 APIGW.0301).
func (k *KeyIssuer) Authenticate(r *http.Request, projectID string) (int, string) {
	k.mu.Lock()
	expires := k.current.ExpiresAt
	k.mu.Unlock()
	if !k.srv.Now().Before(expires) {
		return http.StatusUnauthorized, "APIGW.0301"
	}
	return k.Auth.Authenticate(r, projectID)
}

// credentialBody is the answer shape of securitykey and securitytokens.
func credentialBody(keys IssuedKeys) map[string]any {
	return map[string]any{"credential": map[string]string{
		"access":        keys.AccessKey,
		"secret":        keys.SecretKey,
		"securitytoken": keys.SecurityToken,
		"expires_at":    keys.ExpiresAt.Format(credentialTimeLayout),
	}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
