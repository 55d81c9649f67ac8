package apig

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff governs what a Client does when APIG throttles a call (HTTP 429
// APIGW.0308, or APIG.9008 with HTTP 500). Huawei's advice is to retry
// after 2 to 5 seconds; the zero value does that, at most twice, and never
// past the call's deadline.
type Backoff struct {
	// Retries is how many times a throttled call is tried again: 0 means
	// DefaultThrottleRetries, a negative number none.
	Retries int
	// Base is the mean wait before the first retry; it doubles for each
	// further one, and each wait is jittered to between half and one and
	// a half times its mean. 0 means DefaultThrottleBase.
	Base time.Duration
	// Max caps one wait. A Retry-After longer than Max means the call is
	// not retried. 0 means DefaultThrottleMax.
	Max time.Duration
	// Sleep waits for d or until ctx ends; nil uses a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); nil uses math/rand.
	Jitter func() float64
}

// Defaults of Backoff.
const (
	DefaultThrottleRetries = 2
	DefaultThrottleBase    = 2 * time.Second
	DefaultThrottleMax     = 10 * time.Second
)

// ThrottleObserver is an Observer that also wants to hear of every
// throttled answer, including those a retry then recovered from.
type ThrottleObserver interface {
	ObserveThrottle(operation string)
}

func (b Backoff) withDefaults() Backoff {
	if b.Retries == 0 {
		b.Retries = DefaultThrottleRetries
	}
	if b.Base <= 0 {
		b.Base = DefaultThrottleBase
	}
	if b.Max <= 0 {
		b.Max = DefaultThrottleMax
	}
	if b.Sleep == nil {
		b.Sleep = sleep
	}
	if b.Jitter == nil {
		b.Jitter = rand.Float64
	}
	return b
}

// wait is how long to wait before retry number retry (0 for the first) of
// a call throttled with e, and whether to retry at all: not when retries
// are used up, when the server asks for more than Max, or when the wait
// would end past the deadline of ctx.
func (b Backoff) wait(ctx context.Context, e *Error, retry int) (time.Duration, bool) {
	if retry >= b.Retries {
		return 0, false
	}
	var d time.Duration
	if e.RetryAfter > 0 {
		// Honour the server, plus a little jitter so that calls throttled
		// together do not return together.
		d = e.RetryAfter + time.Duration(b.Jitter()*float64(e.RetryAfter)/10)
	} else {
		mean := b.Base << retry
		d = time.Duration(float64(mean) * (0.5 + b.Jitter()))
	}
	if d > b.Max {
		if e.RetryAfter > 0 {
			return 0, false
		}
		d = b.Max
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return 0, false
	}
	return d, true
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// limited runs one call (with its 401 retry) inside a limiter slot and
// tells the limiter and the observer whether APIG throttled it.
func (c *Client) limited(ctx context.Context, cl call) ([]byte, error) {
	if c.limiter != nil {
		if err := c.limiter.Acquire(ctx); err != nil {
			return nil, transportError(cl.operation, err)
		}
	}
	body, err := c.authed(ctx, cl)
	e, isAPI := AsError(err)
	throttled := isAPI && e.Throttled()
	if c.limiter != nil {
		c.limiter.Release(throttled)
	}
	if throttled {
		if o, ok := c.obs.(ThrottleObserver); ok {
			o.ObserveThrottle(cl.operation)
		}
	}
	return body, err
}
