package apig

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// renewal keeps one expiring credential (an IAM token, a set of temporary
// keys) and renews it through fetch. Every caller that needs a new one
// shares a single fetch; the fetch outlives callers that give up, since
// the others still want its result.
//
// Rules, the same for every kind of credential:
//   - before refreshAt the credential is handed out as it is;
//   - from refreshAt the caller that notices fetches and waits, while the
//     others go on with the old credential until it expires;
//   - a failed fetch is not repeated before holdOff has passed: calls in
//     between get the old credential while it lasts, else the fetch's
//     error, so a down IAM or metadata service sees one request per
//     hold-off, not one per call;
//   - a credential the API refused (refuse) is never handed out again.
type renewal[T any] struct {
	fetch   func(ctx context.Context) (renewed[T], error)
	op      string // the fetch's operation, for a caller's own time-out
	now     func() time.Time
	holdOff time.Duration
	timeout time.Duration
	obs     Observer

	flight singleflight.Group

	mu        sync.Mutex
	value     T
	have      bool
	refreshAt time.Time
	expiresAt time.Time
	refused   bool
	fetching  bool
	failed    error
	holdUntil time.Time
}

// renewed is what one fetch brings.
type renewed[T any] struct {
	value     T
	refreshAt time.Time
	expiresAt time.Time
}

// flightKey is the singleflight key: a renewal holds one credential.
const flightKey = ""

// get returns a good credential, fetching one when needed.
func (r *renewal[T]) get(ctx context.Context) (T, error) {
	var zero T
	r.mu.Lock()
	now := r.now()
	usable := r.usableLocked(now)
	old := r.value
	switch {
	case usable && now.Before(r.refreshAt):
		r.mu.Unlock()
		return old, nil
	case usable && r.fetching:
		r.mu.Unlock()
		return old, nil
	case !r.fetching && now.Before(r.holdUntil):
		err := r.failed
		r.mu.Unlock()
		if usable {
			return old, nil
		}
		return zero, err
	}
	r.mu.Unlock()

	ch := r.flight.DoChan(flightKey, func() (any, error) { return r.renew(ctx) })
	select {
	case res := <-ch:
		if res.Err == nil {
			return res.Val.(T), nil
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.usableLocked(r.now()) {
			return r.value, nil
		}
		return zero, res.Err
	case <-ctx.Done():
		if usable {
			return old, nil
		}
		return zero, transportError(r.op, ctx.Err())
	}
}

func (r *renewal[T]) usableLocked(now time.Time) bool {
	return r.have && !r.refused && now.Before(r.expiresAt)
}

// renew runs one fetch under a context of its own, detached from the
// cancellation of the caller that started it, and stores the result.
func (r *renewal[T]) renew(ctx context.Context) (any, error) {
	r.mu.Lock()
	now := r.now()
	if r.usableLocked(now) && now.Before(r.refreshAt) {
		// A fetch that ended just as this caller decided to start one
		// brought a good credential: no need for another.
		v := r.value
		r.mu.Unlock()
		return v, nil
	}
	if now.Before(r.holdUntil) {
		// A fetch that ended just as this caller decided to start one
		// failed: its hold-off applies to this caller too, or concurrent
		// callers would each fetch once in turn.
		err := r.failed
		r.mu.Unlock()
		return nil, err
	}
	r.fetching = true
	r.mu.Unlock()

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	got, err := r.fetch(fctx)

	r.mu.Lock()
	defer r.mu.Unlock()
	// Callers that look from now on see the new state and must not join
	// this finished flight (singleflight forgets it only after we return).
	r.flight.Forget(flightKey)
	r.fetching = false
	if err != nil {
		r.failed = err
		r.holdUntil = r.now().Add(r.holdOff)
		op := r.op
		if e, ok := AsError(err); ok {
			op = e.Operation
		}
		r.obs.ObserveError(op, ErrorCode(err))
		return nil, err
	}
	r.value, r.have, r.refused, r.failed = got.value, true, false, nil
	r.refreshAt, r.expiresAt = got.refreshAt, got.expiresAt
	r.holdUntil = time.Time{}
	return got.value, nil
}

// refuse drops the credential after the API refused it. stillCurrent
// tells whether the refused request carried the credential held now; when
// it did not, another call has renewed it already and the retry can use
// the new one. It reports whether a retry may succeed: false while a
// failed fetch is in its hold-off.
func (r *renewal[T]) refuse(stillCurrent func(T) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.have && !r.refused && stillCurrent != nil && !stillCurrent(r.value) {
		return true
	}
	r.refused = true
	if r.fetching {
		return true // the retry waits for the fetch under way
	}
	return r.failed == nil || !r.now().Before(r.holdUntil)
}

// expiry is when the credential held expires; zero when there is none.
func (r *renewal[T]) expiry() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.have {
		return time.Time{}
	}
	return r.expiresAt
}
