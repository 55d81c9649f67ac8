package apig

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/apig-exporter/apig_exporter/internal/hwcloud"
)

// MaxListPageSize is the largest page the list API serves.
const MaxListPageSize = 500

// maxListPages stops a list that never ends (a server that ignores offset).
const maxListPages = 1000

// Instance is one gateway as the list API shows it.
type Instance struct {
	ID        string `json:"id"`
	ProjectID string `json:"project_id"`
	Name      string `json:"instance_name"`
	// Status is the list API's status, such as Creating or Running
	// (37 values, see hwcloud.ListStatuses).
	Status string `json:"status"`
}

// ListOptions shape a list call. The zero value lists every gateway.
type ListOptions struct {
	// PageSize is the limit of each page; 0 means MaxListPageSize.
	PageSize int
	// Hint is how many gateways the project had last time; the pages it
	// implies are asked for at once rather than one after another, so a
	// list of any length usually takes one round trip.
	Hint int
}

// listPage is the answer of GET /v2/{project_id}/apigw/instances.
type listPage struct {
	Size      int        `json:"size"`
	Total     int64      `json:"total"`
	Instances []Instance `json:"instances"`
}

// ListInstances lists every gateway of a project, page by page: limit=500,
// offset grows by limit, and it stops at a short or empty page or once
// offset reaches total. Pages known to exist (from the first page's total,
// or from Hint) are fetched concurrently. Items with an ID that could not
// be a gateway ID are dropped, as are repeats of an ID already seen (a
// list that changes while paged may repeat one).
func (c *Client) ListInstances(ctx context.Context, project Project, opts ListOptions) ([]Instance, error) {
	limit := opts.PageSize
	if limit <= 0 || limit > MaxListPageSize {
		limit = MaxListPageSize
	}
	var out []Instance
	seen := map[string]bool{}
	next, batch := 0, max(1, ceilDiv(opts.Hint, limit))
	for {
		if next+batch > maxListPages {
			return nil, c.fail(&Error{Operation: OpList, HTTPStatus: http.StatusOK, Code: CodeDecode,
				Err: fmt.Errorf("list did not end after %d pages", maxListPages)})
		}
		pages, err := c.listPages(ctx, project, limit, next, batch)
		if err != nil {
			return nil, err
		}
		var total int64
		for i, p := range pages {
			for _, in := range p.Instances {
				if !hwcloud.ValidID(in.ID) || seen[in.ID] {
					continue
				}
				seen[in.ID] = true
				if len(in.Status) > 32 {
					in.Status = "invalid"
				}
				out = append(out, in)
			}
			offset := (next + i) * limit
			if len(p.Instances) < limit || int64(offset+limit) >= p.Total {
				return out, nil
			}
			total = max(total, p.Total)
		}
		next += batch
		batch = max(1, ceilDiv(int(min(total, int64(maxListPages*limit)))-next*limit, limit))
	}
}

// listPages fetches pages first to first+n-1 concurrently (the client's
// limiter still bounds them) and returns them in order.
func (c *Client) listPages(ctx context.Context, project Project, limit, first, n int) ([]listPage, error) {
	path := "/v2/" + url.PathEscape(project.ID) + "/apigw/instances"
	pages := make([]listPage, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			q := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa((first + i) * limit)}}
			body, err := c.do(ctx, call{operation: OpList, method: http.MethodGet, project: project, path: path, query: q.Encode()})
			if err != nil {
				errs[i] = err
				return
			}
			if err := json.Unmarshal(body, &pages[i]); err != nil {
				errs[i] = c.fail(&Error{Operation: OpList, HTTPStatus: http.StatusOK, Code: CodeDecode, Err: err})
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pages, nil
}

func ceilDiv(a, b int) int {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
