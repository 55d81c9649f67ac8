package exporter

import (
	"context"
	"errors"
	"net/http"

	"github.com/apig-exporter/apig_exporter/apig"
)

// projectAuth is the client's Authorizer when projects have credentials
// of their own: each call is authorized by its project's credentials, so
// none is ever sent with another project's call. Projects without their
// own (and those found from the region) use fallback, the top level's.
type projectAuth struct {
	byProject map[string]apig.Authorizer
	fallback  apig.Authorizer
}

func (r projectAuth) of(projectID string) apig.Authorizer {
	if a, ok := r.byProject[projectID]; ok {
		return a
	}
	return r.fallback
}

func (r projectAuth) Authorize(ctx context.Context, req *http.Request, projectID string, body []byte) error {
	return r.of(projectID).Authorize(ctx, req, projectID, body)
}

func (r projectAuth) Refresh(projectID string) bool { return r.of(projectID).Refresh(projectID) }

// RefreshRefused passes the refused request on when the project's
// credentials can tell from it whether they were renewed meanwhile.
func (r projectAuth) RefreshRefused(projectID string, refused *http.Request) bool {
	a := r.of(projectID)
	if rr, ok := a.(apig.RefusalRefresher); ok {
		return rr.RefreshRefused(projectID, refused)
	}
	return a.Refresh(projectID)
}

// refuseAll authorizes nothing: the fallback when every listed project
// has its own credentials and there are no top-level ones.
type refuseAll struct{}

func (refuseAll) Authorize(context.Context, *http.Request, string, []byte) error {
	return errors.New("no credentials for this project")
}

func (refuseAll) Refresh(string) bool { return false }
