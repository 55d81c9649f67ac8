package apig

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// AKSK authorizes by signing each attempt with an access key / secret key
// pair (SDK-HMAC-SHA256). With temporary credentials the security token is
// sent in X-Security-Token and signed with the rest.
type AKSK struct {
	AccessKey     SecretSource
	SecretKey     SecretSource
	SecurityToken SecretSource // nil for permanent credentials
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// Authorize sets X-Project-Id, X-Security-Token when there is one, and a
// fresh X-Sdk-Date and Authorization. A retried attempt is signed anew.
func (a *AKSK) Authorize(_ context.Context, req *http.Request, projectID string, body []byte) error {
	ak, err := a.AccessKey.Secret()
	if err != nil {
		return fmt.Errorf("access key: %w", err)
	}
	sk, err := a.SecretKey.Secret()
	if err != nil {
		return fmt.Errorf("secret key: %w", err)
	}
	if projectID != "" {
		req.Header.Set("X-Project-Id", projectID)
	}
	if a.SecurityToken != nil {
		tok, err := a.SecurityToken.Secret()
		if err != nil {
			return fmt.Errorf("security token: %w", err)
		}
		req.Header.Set("X-Security-Token", tok)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if _, err := Sign(req, body, ak, sk, now()); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return nil
}

// Refresh reports whether any credential file changed since it was read:
// only rotated keys can turn a refused signature into an accepted one.
func (a *AKSK) Refresh(string) bool {
	changed := false
	for _, s := range []SecretSource{a.AccessKey, a.SecretKey, a.SecurityToken} {
		if c, ok := s.(interface{ Changed() bool }); ok && c.Changed() {
			changed = true // keep going: every file must be re-read
		}
	}
	return changed
}
