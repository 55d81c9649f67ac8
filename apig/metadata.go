package apig

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The metadata service of ECS and BMS servers, as the SDKs use it.
const (
	// DefaultMetadataEndpoint is the link-local metadata service.
	DefaultMetadataEndpoint = "http://169.254.169.254"
	// MetadataCallTimeout bounds each call to the metadata service.
	MetadataCallTimeout = 3 * time.Second

	metadataTokenPath       = "/meta-data/latest/api/token"
	metadataSecurityKeyPath = "/openstack/latest/securitykey"
	metadataTokenTTLSeconds = "21600"
	// noTokenAPIRecheck is how long a server without the session-token API
	// is believed to have none.
	noTokenAPIRecheck = 24 * time.Hour
)

// agencyMissing is in the 401 body of a server without an agency: asking
// again with a new session token cannot help.
var agencyMissing = []byte("Please configure Cloud Service Agency first")

// MetadataOptions configure a Metadata key source.
type MetadataOptions struct {
	// Endpoint is the metadata service; "" means DefaultMetadataEndpoint.
	Endpoint string
	// HTTPClient nil means a client that ignores proxy settings: the
	// metadata service is link-local, no proxy can reach it.
	HTTPClient   *http.Client
	Observer     Observer
	UserAgent    string
	MaxBodyBytes int64
	// CallTimeout bounds each call; 0 means MetadataCallTimeout.
	CallTimeout time.Duration
	// Now is the clock that times the session-token API's absence; nil
	// means time.Now.
	Now func() time.Time
}

// Metadata fetches the temporary keys of the server's agency from the
// metadata service: a session token first where the server offers the
// token API, then the security key. Use it as the Source of a
// TemporaryAKSK.
type Metadata struct {
	o    MetadataOptions
	http sender

	mu             sync.Mutex
	noTokenAPIThen time.Time // when the token API was last found missing
}

// NewMetadata checks the options and fills in defaults.
func NewMetadata(o MetadataOptions) (*Metadata, error) {
	if o.Endpoint == "" {
		o.Endpoint = DefaultMetadataEndpoint
	}
	if !strings.HasPrefix(o.Endpoint, "http://") && !strings.HasPrefix(o.Endpoint, "https://") {
		return nil, errors.New("metadata: endpoint must start with http:// or https://")
	}
	o.Endpoint = strings.TrimSuffix(o.Endpoint, "/")
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{
			Transport: &http.Transport{Proxy: nil, MaxIdleConns: 2, IdleConnTimeout: 90 * time.Second},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = MetadataCallTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Metadata{o: o, http: newSender(o.HTTPClient, o.Observer, o.UserAgent, o.MaxBodyBytes)}, nil
}

// Operation is OpMetadata: the metadata service's calls and errors are
// observed under it.
func (m *Metadata) Operation() string { return OpMetadata }

// Fetch asks the metadata service for the agency's temporary keys. A 401
// that does not say the agency is missing means the session token was not
// taken: a new one is fetched and the call tried once more. Errors are
// *Error with Operation OpMetadata.
func (m *Metadata) Fetch(ctx context.Context) (TemporaryKeys, error) {
	first, err := m.sessionToken(ctx)
	if err != nil {
		return TemporaryKeys{}, err
	}
	resp, body, err := m.securityKey(ctx, first)
	if err != nil {
		return TemporaryKeys{}, err
	}
	var second string
	if resp.StatusCode == http.StatusUnauthorized && !bytes.Contains(body, agencyMissing) {
		if second, err = m.sessionToken(ctx); err != nil {
			return TemporaryKeys{}, err
		}
		if resp, body, err = m.securityKey(ctx, second); err != nil {
			return TemporaryKeys{}, err
		}
	}
	if resp.StatusCode >= 400 {
		e := statusError(OpMetadata, resp, body, first, second)
		switch {
		case bytes.Contains(body, agencyMissing):
			e.Err = errors.New("securitykey refused: no agency is attached to this server (Please configure Cloud Service Agency first)")
		case resp.StatusCode < 500:
			e.Err = errors.New("securitykey refused: this server has no agency, or is not an ECS or BMS server")
		default:
			e.Err = errors.New("securitykey failed")
		}
		return TemporaryKeys{}, e
	}
	return decodeCredential(OpMetadata, resp.StatusCode, body)
}

// sessionToken asks for a session token; "" when the server has no token
// API, which is then not asked again for 24 hours.
func (m *Metadata) sessionToken(ctx context.Context) (string, error) {
	m.mu.Lock()
	skip := !m.noTokenAPIThen.IsZero() && m.o.Now().Sub(m.noTokenAPIThen) < noTokenAPIRecheck
	m.mu.Unlock()
	if skip {
		return "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, m.o.CallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.o.Endpoint+metadataTokenPath, http.NoBody)
	if err != nil {
		return "", &Error{Operation: OpMetadata, Code: CodeConnection, Err: err}
	}
	req.Header.Set("X-Metadata-Token-Ttl-Seconds", metadataTokenTTLSeconds)
	resp, body, err := m.http.send(OpMetadata, req)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		token := strings.TrimSpace(string(body))
		if token == "" {
			return "", &Error{Operation: OpMetadata, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: errors.New("session token answer is empty")}
		}
		return token, nil
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable:
		m.mu.Lock()
		m.noTokenAPIThen = m.o.Now()
		m.mu.Unlock()
		return "", nil
	}
	e := statusError(OpMetadata, resp, body)
	e.Err = errors.New("session token refused")
	return "", e
}

// securityKey asks for the temporary keys; the caller judges the status.
func (m *Metadata) securityKey(ctx context.Context, token string) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, m.o.CallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.o.Endpoint+metadataSecurityKeyPath, nil)
	if err != nil {
		return nil, nil, &Error{Operation: OpMetadata, Code: CodeConnection, Err: err}
	}
	if token != "" {
		req.Header.Set("X-Metadata-Token", token)
	}
	return m.http.send(OpMetadata, req)
}
