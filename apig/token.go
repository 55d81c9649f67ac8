package apig

import (
	"context"
	"net/http"
)

// StaticToken authorizes with a fixed IAM token in X-Auth-Token. The token
// comes from a SecretSource, so a token file is re-read when it changes.
type StaticToken struct {
	Token SecretSource
}

func (s StaticToken) Authorize(_ context.Context, req *http.Request, _ string, _ []byte) error {
	tok, err := s.Token.Secret()
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	return nil
}

// Refresh reports whether the token source changed since it was last read,
// so a rotated token file is picked up at once after a 401.
func (s StaticToken) Refresh(string) bool {
	if r, ok := s.Token.(interface{ Changed() bool }); ok {
		return r.Changed()
	}
	return false
}
