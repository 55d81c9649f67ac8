package apig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// Defaults for IAMOptions.
const (
	// DefaultLoginHoldOff is how long after a failed login further calls
	// fail at once with that login's error instead of asking IAM again: a
	// down IAM gets about one login per scrape, not one per gateway.
	DefaultLoginHoldOff = 15 * time.Second
	// DefaultLoginTimeout bounds one login. A login outlives the call that
	// started it, since other calls wait for the same token.
	DefaultLoginTimeout = 30 * time.Second
	// refreshAt is the share of a token's life after which a new one is
	// fetched, well before IAM's expiry.
	refreshAtPercent = 80
)

// IAMOptions configure IAMPassword. HTTPClient, Observer, UserAgent and
// MaxBodyBytes should be those of the APIG client.
type IAMOptions struct {
	// Endpoint is the IAM base URL, such as https://iam.cn-north-4.myhuaweicloud.com.
	Endpoint string
	// EndpointFor, if set, gives each project its own IAM endpoint (its
	// region's) and overrides Endpoint.
	EndpointFor func(projectID string) string
	DomainName  string // account name
	UserName    string // IAM user name
	Password    SecretSource

	HTTPClient   *http.Client
	Observer     Observer
	UserAgent    string
	MaxBodyBytes int64
	Now          func() time.Time // token lifetimes and hold-off; nil means time.Now
	HoldOff      time.Duration
	LoginTimeout time.Duration
}

// IAMPassword authorizes with IAM tokens (X-Auth-Token) obtained by
// password login, one per project. A token is fetched once and shared by
// all concurrent calls, renewed at 80% of its life, and renewed at once
// when APIG refuses it.
type IAMPassword struct {
	o    IAMOptions
	http sender

	mu       sync.Mutex
	projects map[string]*renewal[string]

	regions regionCache // ProjectID's answers
}

// NewIAMPassword checks the options and fills in defaults.
func NewIAMPassword(o IAMOptions) (*IAMPassword, error) {
	switch {
	case o.Endpoint == "" && o.EndpointFor == nil:
		return nil, errors.New("iam: no endpoint")
	case o.DomainName == "" || o.UserName == "":
		return nil, errors.New("iam: domain name and user name are required")
	case o.Password == nil:
		return nil, errors.New("iam: no password")
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HoldOff <= 0 {
		o.HoldOff = DefaultLoginHoldOff
	}
	if o.LoginTimeout <= 0 {
		o.LoginTimeout = DefaultLoginTimeout
	}
	return &IAMPassword{
		o:        o,
		http:     newSender(o.HTTPClient, o.Observer, o.UserAgent, o.MaxBodyBytes),
		projects: map[string]*renewal[string]{},
	}, nil
}

// tokenURL is where a token is requested; projectID is empty when the
// project is not known yet (then the region's IAM is asked, see ProjectID).
func (t *IAMPassword) tokenURL(projectID, region string) string {
	endpoint := t.o.Endpoint
	switch {
	case projectID != "" && t.o.EndpointFor != nil:
		endpoint = t.o.EndpointFor(projectID)
	case projectID == "" && t.o.EndpointFor != nil:
		endpoint = hwcloud.IAMEndpoint(region)
	}
	return strings.TrimSuffix(endpoint, "/") + "/v3/auth/tokens?nocatalog=true"
}

func (t *IAMPassword) project(id string) *renewal[string] {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.projects[id]
	if r == nil {
		r = &renewal[string]{
			op: OpIAM, now: t.o.Now, holdOff: t.o.HoldOff, timeout: t.o.LoginTimeout, obs: t.o.Observer,
			fetch: func(ctx context.Context) (renewed[string], error) {
				// Lifetimes count from before the login on our own clock, so
				// skew between us and IAM cannot make us hold an expired token.
				start := t.o.Now()
				got, err := t.login(ctx, loginScope{projectID: id})
				if err != nil {
					return renewed[string]{}, err
				}
				return renewed[string]{
					value:     got.token,
					refreshAt: start.Add(got.life * refreshAtPercent / 100),
					expiresAt: start.Add(got.life),
				}, nil
			},
		}
		t.projects[id] = r
	}
	return r
}

// Authorize sets X-Auth-Token, logging in first if the project has no
// good token.
func (t *IAMPassword) Authorize(ctx context.Context, req *http.Request, projectID string, _ []byte) error {
	tok, err := t.Token(ctx, projectID)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	return nil
}

// Token returns a good token for the project. Concurrent callers share
// one login. Past 80% of the token's life the caller that notices starts a
// renewal and waits for it, while others go on with the old token; if the
// renewal fails the old token is used until it expires.
func (t *IAMPassword) Token(ctx context.Context, projectID string) (string, error) {
	return t.project(projectID).get(ctx)
}

// Refresh is called after APIG refused a token with 401: the project's
// token is dropped and the next call logs in (or waits for a login under
// way). It reports false while IAM is in hold-off after a failed login,
// when a retry could only fail.
func (t *IAMPassword) Refresh(projectID string) bool {
	return t.project(projectID).refuse(nil)
}

// RefreshRefused is Refresh for a known refused request: when its token is
// no longer the project's current one, another call has already renewed
// it, and the retry uses that token without a second login.
func (t *IAMPassword) RefreshRefused(projectID string, refused *http.Request) bool {
	sent := refused.Header.Get("X-Auth-Token")
	return t.project(projectID).refuse(func(current string) bool { return sent == "" || sent == current })
}

// ProjectID finds the ID of the project named after region by a login
// scoped by the project's name: IAM's answer names the project. The
// answer is kept, so each region costs one login. With EndpointFor set,
// the region's own IAM is asked.
func (t *IAMPassword) ProjectID(ctx context.Context, region string) (string, error) {
	return t.regions.get(ctx, region, t.o.Observer, func(ctx context.Context) (string, error) {
		got, err := t.login(ctx, loginScope{projectName: region})
		if err != nil {
			return "", err
		}
		if got.projectID == "" {
			return "", &Error{Operation: OpIAM, HTTPStatus: got.status, Code: CodeDecode, Err: errors.New("token.project.id missing from the answer")}
		}
		return got.projectID, nil
	})
}

// loginRequest is IAM's password-login body.
type loginRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID   string `json:"id,omitempty"`
				Name string `json:"name,omitempty"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// loginScope is the project a token is asked for: by ID, or by name (a
// region) when the ID is what we want to learn.
type loginScope struct {
	projectID   string
	projectName string
}

// loginResult is a token with what IAM said about it.
type loginResult struct {
	token     string
	life      time.Duration
	projectID string // the project the token is scoped to
	status    int
}

// loginAnswer is the part of IAM's token body we read.
type loginAnswer struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
		IssuedAt  string `json:"issued_at"`
		Project   struct {
			ID string `json:"id"`
		} `json:"project"`
	} `json:"token"`
}

// login asks IAM for a token scoped to a project and returns it with its
// lifetime. Errors are *Error with Operation OpIAM and never hold the
// password.
func (t *IAMPassword) login(ctx context.Context, scope loginScope) (loginResult, error) {
	password, err := t.o.Password.Secret()
	if err != nil {
		return loginResult{}, &Error{Operation: OpIAM, Code: CodeAuth, Err: fmt.Errorf("password: %w", err)}
	}
	var lr loginRequest
	lr.Auth.Identity.Methods = []string{"password"}
	u := &lr.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = t.o.UserName, password, t.o.DomainName
	lr.Auth.Scope.Project.ID, lr.Auth.Scope.Project.Name = scope.projectID, scope.projectName
	body, err := json.Marshal(lr)
	if err != nil {
		return loginResult{}, &Error{Operation: OpIAM, Code: CodeAuth, Err: errors.New("cannot encode login")}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.tokenURL(scope.projectID, scope.projectName), bytes.NewReader(body))
	if err != nil {
		return loginResult{}, &Error{Operation: OpIAM, Code: CodeConnection, Err: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	resp, answer, err := t.http.send(OpIAM, req)
	if err != nil {
		return loginResult{}, err
	}
	token := resp.Header.Get("X-Subject-Token")
	if !ok2xx(resp.StatusCode) {
		return loginResult{}, statusError(OpIAM, resp, answer, password, token)
	}

	fail := func(format string, a ...any) (loginResult, error) {
		return loginResult{}, &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: fmt.Errorf(format, a...)}
	}
	if token == "" {
		return fail("no X-Subject-Token header in the answer")
	}
	var la loginAnswer
	if err := json.Unmarshal(answer, &la); err != nil {
		return fail("token body: %w", jsonErrorWithoutValue(err))
	}
	expires, err := time.Parse(time.RFC3339Nano, la.Token.ExpiresAt)
	if err != nil {
		return fail("token.expires_at %q: not an RFC 3339 time", clip(la.Token.ExpiresAt, 64))
	}
	issued, err := time.Parse(time.RFC3339Nano, la.Token.IssuedAt)
	if err != nil {
		issued = t.o.Now() // lifetime then counts on our clock
	}
	life := expires.Sub(issued)
	if life <= 0 {
		return fail("token expires at %s, not after it was issued at %s", clip(la.Token.ExpiresAt, 64), clip(la.Token.IssuedAt, 64))
	}
	return loginResult{token: token, life: life, projectID: la.Token.Project.ID, status: resp.StatusCode}, nil
}
