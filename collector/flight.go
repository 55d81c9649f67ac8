package collector

import (
	"context"
	"sync"
)

// flights shares calls in flight: concurrent callers asking for the same
// key wait for one call instead of making their own. The call runs on a
// context detached from its first caller, so it is not cancelled when
// that caller's scrape ends while another still waits; it is cancelled
// when the last waiter gives up, which makes the longest waiting deadline
// the one that counts.
type flights[V any] struct {
	mu sync.Mutex
	m  map[string]*flight[V]
}

type flight[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do returns the result of fn for key, calling fn only if no call for key
// is in flight. shared reports that another caller's call was used.
func (g *flights[V]) do(ctx context.Context, key string, fn func(context.Context) (V, error)) (v V, err error, shared bool) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flight[V]{}
	}
	f, shared := g.m[key]
	if shared {
		f.waiters++
	} else {
		callCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
		g.m[key] = f
		go g.run(callCtx, key, f, fn)
	}
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err, shared
	case <-ctx.Done():
		g.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Nobody wants the answer any more. Forget the flight at once
			// so that a caller arriving now starts a fresh call instead of
			// joining a cancelled one.
			f.cancel()
			if g.m[key] == f {
				delete(g.m, key)
			}
		}
		g.mu.Unlock()
		var zero V
		return zero, ctx.Err(), shared
	}
}

func (g *flights[V]) run(ctx context.Context, key string, f *flight[V], fn func(context.Context) (V, error)) {
	f.val, f.err = fn(ctx)
	g.mu.Lock()
	if g.m[key] == f {
		delete(g.m, key)
	}
	g.mu.Unlock()
	close(f.done)
	f.cancel()
}
