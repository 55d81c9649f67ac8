package apig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/apig-exporter/apig_exporter/internal/fileerr"
	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// OIDC paths at IAM, and the lifetime asked for the temporary keys.
const (
	oidcTokenPath          = "/v3.0/OS-AUTH/id-token/tokens"
	securityTokensPath     = "/v3.0/OS-CREDENTIAL/securitytokens"
	oidcKeyDurationSeconds = 21600
)

// OIDCOptions configure an OIDC key source. HTTPClient, Observer,
// UserAgent and MaxBodyBytes should be those of the APIG client.
type OIDCOptions struct {
	// IAMEndpoint is IAM's base URL; "" means the region's IAM.
	IAMEndpoint string
	Region      string
	// IdpID is the identity provider configured in IAM for the cluster.
	IdpID string
	// IDTokenFile holds the workload's id token (a Kubernetes projected
	// service-account token); it is read again at every fetch, since
	// Kubernetes rotates it.
	IDTokenFile string

	HTTPClient   *http.Client
	Observer     Observer
	UserAgent    string
	MaxBodyBytes int64
}

// OIDC exchanges an OIDC id token for temporary keys at IAM: the id token
// for an unscoped IAM token, then that token for keys. Use it as the
// Source of a TemporaryAKSK.
type OIDC struct {
	o    OIDCOptions
	http sender
}

// NewOIDC checks the options.
func NewOIDC(o OIDCOptions) (*OIDC, error) {
	switch {
	case o.IdpID == "" && o.IDTokenFile == "":
		return nil, errors.New("oidc: idp_id and id_token_file are required")
	case o.IdpID == "":
		return nil, errors.New("oidc: idp_id is required with id_token_file")
	case o.IDTokenFile == "":
		return nil, errors.New("oidc: id_token_file is required with idp_id")
	case o.IAMEndpoint == "" && o.Region == "":
		return nil, errors.New("oidc: no IAM endpoint and no region to find it from")
	}
	if o.IAMEndpoint == "" {
		o.IAMEndpoint = hwcloud.IAMEndpoint(o.Region)
	}
	o.IAMEndpoint = strings.TrimSuffix(o.IAMEndpoint, "/")
	return &OIDC{o: o, http: newSender(o.HTTPClient, o.Observer, o.UserAgent, o.MaxBodyBytes)}, nil
}

// Operation is OpIAM: the exchange's calls and errors are observed under it.
func (o *OIDC) Operation() string { return OpIAM }

// idTokenRequest is the body of the id-token exchange.
type idTokenRequest struct {
	Auth struct {
		IDToken struct {
			ID string `json:"id"`
		} `json:"id_token"`
	} `json:"auth"`
}

// securityTokenRequest is the body of the securitytokens call.
type securityTokenRequest struct {
	Auth struct {
		Identity struct {
			Methods []string `json:"methods"`
			Token   struct {
				ID              string `json:"id"`
				DurationSeconds int    `json:"duration_seconds"`
			} `json:"token"`
		} `json:"identity"`
	} `json:"auth"`
}

// Fetch reads the id token file and exchanges its content for temporary
// keys. Errors are *Error with Operation OpIAM and hold neither the id
// token nor the IAM token.
func (o *OIDC) Fetch(ctx context.Context) (TemporaryKeys, error) {
	raw, err := os.ReadFile(o.o.IDTokenFile)
	if err != nil {
		return TemporaryKeys{}, &Error{Operation: OpIAM, Code: CodeAuth, Err: fmt.Errorf("id token file %s: %w", o.o.IDTokenFile, fileerr.Cause(err))}
	}
	idToken := strings.TrimSpace(string(raw))
	if idToken == "" {
		return TemporaryKeys{}, &Error{Operation: OpIAM, Code: CodeAuth, Err: fmt.Errorf("id token file %s is empty", o.o.IDTokenFile)}
	}

	var itr idTokenRequest
	itr.Auth.IDToken.ID = idToken
	resp, body, err := o.post(ctx, oidcTokenPath, itr, o.o.IdpID)
	if err != nil {
		return TemporaryKeys{}, err
	}
	iamToken := resp.Header.Get("X-Subject-Token")
	if !ok2xx(resp.StatusCode) {
		e := statusError(OpIAM, resp, body, idToken, iamToken)
		e.Err = errors.New("id token refused")
		return TemporaryKeys{}, e
	}
	if iamToken == "" {
		return TemporaryKeys{}, &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: errors.New("id token exchange: no X-Subject-Token header in the answer")}
	}

	var str securityTokenRequest
	str.Auth.Identity.Methods = []string{"token"}
	str.Auth.Identity.Token.ID = iamToken
	str.Auth.Identity.Token.DurationSeconds = oidcKeyDurationSeconds
	resp, body, err = o.post(ctx, securityTokensPath, str, "")
	if err != nil {
		return TemporaryKeys{}, err
	}
	if !ok2xx(resp.StatusCode) {
		e := statusError(OpIAM, resp, body, idToken, iamToken)
		e.Err = errors.New("securitytokens refused")
		return TemporaryKeys{}, e
	}
	return decodeCredential(OpIAM, resp.StatusCode, body)
}

// post sends an unsigned JSON call to IAM; idpID, when set, goes in X-Idp-Id.
func (o *OIDC) post(ctx context.Context, path string, v any, idpID string) (*http.Response, []byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, nil, &Error{Operation: OpIAM, Code: CodeAuth, Err: errors.New("cannot encode the request")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.o.IAMEndpoint+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, &Error{Operation: OpIAM, Code: CodeConnection, Err: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if idpID != "" {
		req.Header.Set("X-Idp-Id", idpID)
	}
	return o.http.send(OpIAM, req)
}
