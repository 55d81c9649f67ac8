package statuspage

import (
	"context"
	"net/http"
	"time"
)

// The paths this handler serves; any other path is 404.
const (
	PagePath = "/"
	JSONPath = "/api/v1/status"
	CSSPath  = "/static/status.css"
)

// contentSecurityPolicy allows nothing but the exporter's own stylesheet:
// the page has no scripts, frames, forms or remote resources.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Options configure the status page.
type Options struct {
	// Version is the exporter's version, shown on the page and in the JSON.
	Version string
	// MetricsPath is where the exporter serves its metrics, for the link.
	MetricsPath string
	// Snapshot returns what to show. It is called exactly once for each
	// page or JSON request, never for the stylesheet. An error with a
	// snapshot that has answers shows them with the error; an error without
	// answers is answered with 503.
	Snapshot func(ctx context.Context) (Snapshot, error)
	// Now is the clock for ages and durations; nil means time.Now.
	Now func() time.Time
}

// New returns the handler for PagePath, JSONPath and CSSPath, to be mounted
// at the root of the exporter's mux. It panics without a Snapshot func.
func New(o Options) http.Handler {
	if o.Snapshot == nil {
		panic("statuspage: Options.Snapshot is nil")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &handler{opts: o}
}

type handler struct {
	opts Options
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")

	var serve func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case PagePath:
		serve = h.page
	case JSONPath:
		serve = h.json
	case CSSPath:
		serve = serveCSS
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Only GET and HEAD are allowed.", http.StatusMethodNotAllowed)
		return
	}
	serve(w, r)
}

// snapshot takes the one Snapshot of a request and the status to answer
// with: 503 when there is nothing to show but an error.
func (h *handler) snapshot(r *http.Request) (view, int, error) {
	s, err := h.opts.Snapshot(r.Context())
	v := newView(s, h.opts.Now())
	if err != nil && v.Empty() {
		return v, http.StatusServiceUnavailable, err
	}
	return v, http.StatusOK, err
}

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	v, status, refreshErr := h.snapshot(r)
	body, err := renderPage(v, h.opts, refreshErr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	write(w, "text/html; charset=utf-8", status, body)
}

func (h *handler) json(w http.ResponseWriter, r *http.Request) {
	v, status, refreshErr := h.snapshot(r)
	body, err := encodeDocument(newDocument(v, h.opts.Version, refreshErr))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	write(w, "application/json; charset=utf-8", status, body)
}

func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(stylesheet)
}

// write answers with a body that must not be cached: it is the state of
// the moment.
func write(w http.ResponseWriter, contentType string, status int, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
