package apig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// ProjectFinder gives the ID of the project named after a region, as the
// SDKs find it when only the region is known. *ProjectLookup (AK/SK and
// temporary keys) and *IAMPassword implement it; a static token cannot.
type ProjectFinder interface {
	ProjectID(ctx context.Context, region string) (string, error)
}

// ProjectLookupOptions configure a ProjectLookup. HTTPClient, Observer,
// UserAgent and MaxBodyBytes should be those of the APIG client.
type ProjectLookupOptions struct {
	// Auth signs the lookup: an *AKSK or a *TemporaryAKSK. One lookup
	// serves one set of credentials; its answers are cached per region.
	Auth Authorizer
	// IAMEndpoint, if set, is asked instead of the region's IAM.
	IAMEndpoint string

	HTTPClient   *http.Client
	Observer     Observer
	UserAgent    string
	MaxBodyBytes int64
}

// ProjectLookup finds a region's project with
// GET {iam}/v3/projects?name={region}, signed, without X-Project-Id. Each
// region is looked up once; later calls get the cached answer.
type ProjectLookup struct {
	o       ProjectLookupOptions
	http    sender
	regions regionCache
}

// NewProjectLookup checks the options.
func NewProjectLookup(o ProjectLookupOptions) (*ProjectLookup, error) {
	if o.Auth == nil {
		return nil, errors.New("project lookup: no credentials to sign it with")
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	return &ProjectLookup{o: o, http: newSender(o.HTTPClient, o.Observer, o.UserAgent, o.MaxBodyBytes)}, nil
}

// ProjectID returns the ID of the one project named region. None, or more
// than one, is an error that says so.
func (l *ProjectLookup) ProjectID(ctx context.Context, region string) (string, error) {
	return l.regions.get(ctx, region, l.o.Observer, func(ctx context.Context) (string, error) {
		return l.lookup(ctx, region)
	})
}

// projectsAnswer is the part of IAM's project list we read.
type projectsAnswer struct {
	Projects []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"projects"`
}

func (l *ProjectLookup) lookup(ctx context.Context, region string) (string, error) {
	endpoint := l.o.IAMEndpoint
	if endpoint == "" {
		endpoint = hwcloud.IAMEndpoint(region)
	}
	u := strings.TrimSuffix(endpoint, "/") + "/v3/projects?name=" + url.QueryEscape(region)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", &Error{Operation: OpIAM, Code: CodeConnection, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	// No project: Authorize then sets no X-Project-Id, as the SDKs send none.
	if err := l.o.Auth.Authorize(ctx, req, "", nil); err != nil {
		if _, ok := AsError(err); ok {
			return "", err
		}
		return "", &Error{Operation: OpIAM, Code: CodeAuth, Err: err}
	}
	resp, body, err := l.http.send(OpIAM, req)
	if err != nil {
		return "", err
	}
	if !ok2xx(resp.StatusCode) {
		return "", statusError(OpIAM, resp, body, req.Header.Get("X-Security-Token"), req.Header.Get("Authorization"))
	}
	var a projectsAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return "", &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: fmt.Errorf("project list: %w", jsonErrorWithoutValue(err))}
	}
	switch len(a.Projects) {
	case 0:
		return "", fmt.Errorf("no project named %s in this account", region)
	case 1:
		if a.Projects[0].ID == "" {
			return "", &Error{Operation: OpIAM, HTTPStatus: resp.StatusCode, Code: CodeDecode, Err: errors.New("project list: projects[0].id missing")}
		}
		return a.Projects[0].ID, nil
	}
	found := make([]string, len(a.Projects))
	for i, p := range a.Projects {
		found[i] = fmt.Sprintf("%s (%s)", clip(p.ID, 64), clip(p.Name, 64))
	}
	return "", fmt.Errorf("%d projects named %s: %s; name the one to watch", len(found), region, strings.Join(found, ", "))
}

// regionCache keeps the project ID found for each region; concurrent
// lookups of one region share a single call, which outlives a caller that
// gives up. Failures are not kept, and the failed calls to the API are
// told to obs.
type regionCache struct {
	flight singleflight.Group

	mu  sync.Mutex
	ids map[string]string
}

func (c *regionCache) get(ctx context.Context, region string, obs Observer, find func(context.Context) (string, error)) (string, error) {
	if !hwcloud.ValidRegion(region) {
		return "", fmt.Errorf("project of region %q: not a region ID like cn-north-4", clip(region, 64))
	}
	c.mu.Lock()
	id, ok := c.ids[region]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	ch := c.flight.DoChan(region, func() (any, error) {
		// A flight that ended between the check above and this one has
		// found it already.
		c.mu.Lock()
		id, ok := c.ids[region]
		c.mu.Unlock()
		if ok {
			return id, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultLoginTimeout)
		defer cancel()
		id, err := find(fctx)
		if e, ok := AsError(err); ok {
			obs.ObserveError(e.Operation, e.Code)
		}
		if err != nil {
			return "", err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.ids == nil {
			c.ids = map[string]string{}
		}
		c.ids[region] = id
		return id, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", fmt.Errorf("project of region %s: %w", region, res.Err)
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", fmt.Errorf("project of region %s: %w", region, transportError(OpIAM, ctx.Err()))
	}
}
