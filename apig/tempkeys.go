package apig

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TemporaryKeys are an access key, secret key and security token that
// expire, as the metadata service and IAM's securitytokens call issue
// them. They print as their access key and expiry only: the secret key and
// the security token never reach a log line through fmt.
type TemporaryKeys struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	ExpiresAt     time.Time
}

// String shows the access key, which names the keys but grants nothing.
func (k TemporaryKeys) String() string {
	return fmt.Sprintf("temporary keys %s expiring at %s", k.AccessKey, k.ExpiresAt.UTC().Format(time.RFC3339))
}

// GoString keeps %#v as discreet as %v.
func (k TemporaryKeys) GoString() string { return k.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q, ...) print String.
func (k TemporaryKeys) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", k.String())
		return
	}
	_, _ = f.Write([]byte(k.String()))
}

// credentialAnswer is the answer of the metadata service's securitykey and
// of IAM's securitytokens call.
type credentialAnswer struct {
	Credential *struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
}

// decodeCredential reads temporary keys from an answer. Its errors are
// *Error with CodeDecode and never quote the answer, which holds secrets.
func decodeCredential(op string, status int, body []byte) (TemporaryKeys, error) {
	fail := func(err error) (TemporaryKeys, error) {
		return TemporaryKeys{}, &Error{Operation: op, HTTPStatus: status, Code: CodeDecode, Err: err}
	}
	var a credentialAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return fail(fmt.Errorf("credential answer: %w", jsonErrorWithoutValue(err)))
	}
	c := a.Credential
	if c == nil {
		return fail(errors.New("credential answer has no credential object"))
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"access", c.Access}, {"secret", c.Secret}, {"securitytoken", c.SecurityToken}, {"expires_at", c.ExpiresAt},
	} {
		if f.value == "" {
			missing = append(missing, "credential."+f.name)
		}
	}
	if len(missing) > 0 {
		return fail(fmt.Errorf("credential answer lacks %s", strings.Join(missing, ", ")))
	}
	expires, err := time.Parse(time.RFC3339Nano, c.ExpiresAt)
	if err != nil {
		return fail(errors.New("credential.expires_at is not a time like 2020-01-08T03:50:07.574000Z"))
	}
	return TemporaryKeys{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken, ExpiresAt: expires}, nil
}

// jsonErrorWithoutValue keeps the kind of a JSON error but drops what it
// may quote from the document.
func jsonErrorWithoutValue(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not JSON (offset %d)", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %s is a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	return errors.New("not JSON")
}
