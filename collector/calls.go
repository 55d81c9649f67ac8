package collector

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// calls shares API calls in flight between scrapes: concurrent callers
// asking for the same key wait for one call (singleflight). The call runs
// on a context of its own, derived from the Source's, so it outlives a
// scrape that gives up while another still waits; it is cancelled when its
// last waiter gives up (nobody wants the answer) or when the Source's
// context ends (shutdown).
type calls struct {
	base  context.Context
	group singleflight.Group

	mu      sync.Mutex
	waiting map[string]*call
}

type call struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	waiters int
}

func newCalls(base context.Context) *calls {
	return &calls{base: base, waiting: map[string]*call{}}
}

// join counts a waiter for key's call, creating the call's context if no
// call is waited for or the one waited for has ended.
func (c *calls) join(key string) *call {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.waiting[key]
	if cl == nil || cl.ctx.Err() != nil {
		ctx, cancel := context.WithCancelCause(c.base)
		cl = &call{ctx: ctx, cancel: cancel}
		c.waiting[key] = cl
	}
	cl.waiters++
	return cl
}

// leave uncounts a waiter and reports whether it was the last. When a
// waiter gives up (abandon) as the last, the call is forgotten at once,
// so that a caller arriving now starts a fresh call instead of joining
// the one about to be cancelled.
func (c *calls) leave(key string, cl *call, abandon bool) (last bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl.waiters--
	if cl.waiters > 0 {
		return false
	}
	if c.waiting[key] == cl {
		delete(c.waiting, key)
		if abandon {
			c.group.Forget(key)
		}
	}
	return true
}

// shared returns fn's result for key, calling fn only if no call for key
// is in flight. A waiter whose ctx ends returns ctx's error, unless it is
// the last: then it cancels the call with ctx's cause and returns the
// call's own error, so the failure is counted and classified (a scrape
// deadline is a timeout) before the scrape answers.
func shared[V any](ctx context.Context, c *calls, key string, fn func(ctx context.Context) (V, error)) (V, error) {
	cl := c.join(key)
	ch := c.group.DoChan(key, func() (any, error) {
		defer cl.cancel(nil)
		return fn(cl.ctx)
	})
	var r singleflight.Result
	select {
	case r = <-ch:
		c.leave(key, cl, false)
	case <-ctx.Done():
		if !c.leave(key, cl, true) {
			var zero V
			return zero, ctx.Err()
		}
		cl.cancel(context.Cause(ctx))
		r = <-ch
	}
	v, _ := r.Val.(V)
	return v, r.Err
}
