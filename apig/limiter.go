package apig

import (
	"context"
	"sync"
	"time"
)

// Limiter bounds the API calls in flight and adapts the bound to
// throttling, AIMD-style: a throttled answer halves the limit (at most once
// per cooldown, so a burst of 429s from one wave of calls counts once), and
// after that the limit grows back by one per recovery interval of calls
// answered without throttling. It is safe for concurrent use and shared by
// every call of a Client, whichever scrape started it.
type Limiter struct {
	now          func() time.Time
	cooldown     time.Duration
	recoverEvery time.Duration

	mu         sync.Mutex
	max        int
	limit      int
	inFlight   int
	lastChange time.Time
	wake       chan struct{} // closed and replaced when a slot may be free
}

// Defaults of a Limiter's adaptation.
const (
	DefaultLimiterCooldown = time.Second
	DefaultLimiterRecovery = 2 * time.Second
)

// NewLimiter returns a limiter that allows n calls at once.
func NewLimiter(n int) *Limiter {
	n = max(n, 1)
	return &Limiter{now: time.Now, cooldown: DefaultLimiterCooldown, recoverEvery: DefaultLimiterRecovery,
		max: n, limit: n, wake: make(chan struct{})}
}

// SetMax makes n the configured bound (at start and after a reload). The
// limit in force becomes n at once, unless throttling holds it below the
// old bound: then it stays where throttling put it (clipped to n) and
// grows back towards n as before. A reload thus never waits for the limit
// to climb, and never undoes what APIG asked for.
func (l *Limiter) SetMax(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = max(n, 1)
	if l.limit >= l.max {
		l.limit = n
	}
	l.max = n
	l.limit = min(l.limit, n)
	l.signal()
}

// Limit is the number of calls currently allowed in flight.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// Acquire waits for a slot or for ctx to end.
func (l *Limiter) Acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inFlight < l.limit {
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release frees a slot and tells the limiter whether the call was
// throttled.
func (l *Limiter) Release(throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	now := l.now()
	switch {
	case throttled:
		if now.Sub(l.lastChange) >= l.cooldown || l.lastChange.IsZero() {
			l.limit = max(l.limit/2, 1)
			l.lastChange = now
		}
	case l.limit < l.max && now.Sub(l.lastChange) >= l.recoverEvery:
		l.limit++
		l.lastChange = now
	}
	l.signal()
}

// signal wakes every waiter; they race for the free slots. Callers hold mu.
func (l *Limiter) signal() {
	close(l.wake)
	l.wake = make(chan struct{})
}
