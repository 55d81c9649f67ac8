package apig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
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
	o IAMOptions

	mu       sync.Mutex
	projects map[string]*projectToken
}

// projectToken is one project's token and the login that renews it.
type projectToken struct {
	mu        sync.Mutex
	token     string
	refreshAt time.Time
	expiresAt time.Time
	refused   bool   // APIG refused token: never hand it out again
	flight    *login // the login under way, if any
	failed    error  // the last login's error, during hold-off
	holdUntil time.Time
}

// login is one login that any number of calls may wait for.
type login struct {
	done  chan struct{}
	token string
	err   error
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
	if o.HTTPClient == nil {
		o.HTTPClient = NewHTTPClient(nil)
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.UserAgent == "" {
		o.UserAgent = "apig_exporter"
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
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
	return &IAMPassword{o: o, projects: map[string]*projectToken{}}, nil
}

// tokenURL is where a project's token is requested.
func (t *IAMPassword) tokenURL(projectID string) string {
	endpoint := t.o.Endpoint
	if t.o.EndpointFor != nil {
		endpoint = t.o.EndpointFor(projectID)
	}
	return strings.TrimSuffix(endpoint, "/") + "/v3/auth/tokens?nocatalog=true"
}

func (t *IAMPassword) project(id string) *projectToken {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.projects[id]
	if pt == nil {
		pt = &projectToken{}
		t.projects[id] = pt
	}
	return pt
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
	pt := t.project(projectID)
	pt.mu.Lock()
	now := t.o.Now()
	usable := pt.token != "" && !pt.refused && now.Before(pt.expiresAt)
	old := pt.token
	if usable && now.Before(pt.refreshAt) {
		pt.mu.Unlock()
		return old, nil
	}
	fl := pt.flight
	switch {
	case fl == nil && now.Before(pt.holdUntil):
		err := pt.failed
		pt.mu.Unlock()
		if usable {
			return old, nil
		}
		return "", err
	case fl == nil:
		fl = t.startLogin(ctx, projectID, pt)
	case usable:
		pt.mu.Unlock()
		return old, nil
	}
	pt.mu.Unlock()

	select {
	case <-fl.done:
	case <-ctx.Done():
		if usable {
			return old, nil
		}
		return "", transportError(OpIAM, ctx.Err())
	}
	if fl.err != nil {
		if usable && t.o.Now().Before(pt.expiry()) {
			return old, nil
		}
		return "", fl.err
	}
	return fl.token, nil
}

func (pt *projectToken) expiry() time.Time {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.expiresAt
}

// startLogin runs a login in its own goroutine, detached from ctx's
// cancellation: the caller may give up, the others still want the token.
// pt.mu must be held.
func (t *IAMPassword) startLogin(ctx context.Context, projectID string, pt *projectToken) *login {
	fl := &login{done: make(chan struct{})}
	pt.flight = fl
	go func() {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.o.LoginTimeout)
		defer cancel()
		start := t.o.Now()
		tok, life, err := t.login(lctx, projectID)

		pt.mu.Lock()
		if err != nil {
			pt.failed = err
			pt.holdUntil = t.o.Now().Add(t.o.HoldOff)
			t.o.Observer.ObserveError(OpIAM, ErrorCode(err))
		} else {
			// Lifetimes count from before the login on our own clock, so
			// skew between us and IAM cannot make us hold an expired token.
			pt.token, pt.refused, pt.failed = tok, false, nil
			pt.refreshAt = start.Add(life * refreshAtPercent / 100)
			pt.expiresAt = start.Add(life)
			pt.holdUntil = time.Time{}
		}
		fl.token, fl.err = tok, err
		pt.flight = nil
		pt.mu.Unlock()
		close(fl.done)
	}()
	return fl
}

// Refresh is called after APIG refused a token with 401: the project's
// token is dropped and the next call logs in (or waits for a login under
// way). It reports false while IAM is in hold-off after a failed login,
// when a retry could only fail.
func (t *IAMPassword) Refresh(projectID string) bool {
	pt := t.project(projectID)
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.refreshLocked(t.o.Now())
}

// RefreshRefused is Refresh for a known refused request: when its token is
// no longer the project's current one, another call has already renewed
// it, and the retry uses that token without a second login.
func (t *IAMPassword) RefreshRefused(projectID string, refused *http.Request) bool {
	pt := t.project(projectID)
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if sent := refused.Header.Get("X-Auth-Token"); sent != "" && sent != pt.token && pt.token != "" && !pt.refused {
		return true
	}
	return pt.refreshLocked(t.o.Now())
}

// refreshLocked drops the current token, which APIG will not take again.
func (pt *projectToken) refreshLocked(now time.Time) bool {
	pt.refused = true
	if pt.flight != nil {
		return true // the retry waits for the login under way
	}
	return pt.failed == nil || !now.Before(pt.holdUntil)
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
				ID string `json:"id"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// loginAnswer is the part of IAM's token body we read.
type loginAnswer struct {
	Token struct {
		ExpiresAt string `json:"expires_at"`
		IssuedAt  string `json:"issued_at"`
	} `json:"token"`
}

// login asks IAM for a token scoped to the project and returns it with
// its lifetime. Errors are *Error with Operation OpIAM and never hold the
// password.
func (t *IAMPassword) login(ctx context.Context, projectID string) (string, time.Duration, error) {
	password, err := t.o.Password.Secret()
	if err != nil {
		return "", 0, &Error{Operation: OpIAM, Code: CodeAuth, Err: fmt.Errorf("password: %w", err)}
	}
	var lr loginRequest
	lr.Auth.Identity.Methods = []string{"password"}
	u := &lr.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = t.o.UserName, password, t.o.DomainName
	lr.Auth.Scope.Project.ID = projectID
	body, err := json.Marshal(lr)
	if err != nil {
		return "", 0, &Error{Operation: OpIAM, Code: CodeAuth, Err: errors.New("cannot encode login")}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.tokenURL(projectID), bytes.NewReader(body))
	if err != nil {
		return "", 0, &Error{Operation: OpIAM, Code: CodeConnection, Err: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", t.o.UserAgent)

	start := time.Now()
	resp, err := t.o.HTTPClient.Do(req)
	if err != nil {
		t.o.Observer.ObserveRequest(OpIAM, "error", time.Since(start))
		return "", 0, transportError(OpIAM, err)
	}
	defer resp.Body.Close()
	answer, err := readLimited(resp.Body, t.o.MaxBodyBytes)
	t.o.Observer.ObserveRequest(OpIAM, strconv.Itoa(resp.StatusCode), time.Since(start))
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return "", 0, &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: err}
		}
		return "", 0, transportError(OpIAM, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := httpError(OpIAM, resp, answer)
		if password != "" {
			e.Message = strings.ReplaceAll(e.Message, password, "<redacted>")
		}
		return "", 0, e
	}

	fail := func(format string, a ...any) (string, time.Duration, error) {
		return "", 0, &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: fmt.Errorf(format, a...)}
	}
	token := resp.Header.Get("X-Subject-Token")
	if token == "" {
		return fail("no X-Subject-Token header in the answer")
	}
	var la loginAnswer
	if err := json.Unmarshal(answer, &la); err != nil {
		return fail("token body: %w", err)
	}
	expires, err := time.Parse(time.RFC3339Nano, la.Token.ExpiresAt)
	if err != nil {
		return fail("token.expires_at %q: not an RFC 3339 time", la.Token.ExpiresAt)
	}
	issued, err := time.Parse(time.RFC3339Nano, la.Token.IssuedAt)
	if err != nil {
		issued = t.o.Now() // lifetime then counts on our clock
	}
	life := expires.Sub(issued)
	if life <= 0 {
		return fail("token expires at %s, not after it was issued at %s", la.Token.ExpiresAt, la.Token.IssuedAt)
	}
	return token, life, nil
}
