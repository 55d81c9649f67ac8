package apig

import (
	"context"
	"testing"
	"time"
)

func TestLimiterAIMD(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(16)
	l.now = func() time.Time { return now }
	step := func(throttled bool) {
		if err := l.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.Release(throttled)
	}

	step(true)
	if l.Limit() != 8 {
		t.Fatalf("limit %d after a throttle, want 8", l.Limit())
	}
	step(true)
	if l.Limit() != 8 {
		t.Errorf("limit %d: a second throttle within the cooldown must not halve again", l.Limit())
	}
	now = now.Add(DefaultLimiterCooldown)
	step(true)
	if l.Limit() != 4 {
		t.Errorf("limit %d after the cooldown, want 4", l.Limit())
	}
	for range 10 {
		step(false)
	}
	if l.Limit() != 4 {
		t.Errorf("limit %d: no growth before the recovery interval", l.Limit())
	}
	now = now.Add(DefaultLimiterRecovery)
	step(false)
	step(false)
	if l.Limit() != 5 {
		t.Errorf("limit %d, want 5: one step per recovery interval", l.Limit())
	}
	for range 40 {
		now = now.Add(DefaultLimiterRecovery)
		step(false)
	}
	if l.Limit() != 16 {
		t.Errorf("limit %d, want back at the maximum 16", l.Limit())
	}
	l.SetMax(4)
	if l.Limit() != 4 {
		t.Errorf("limit %d after SetMax(4)", l.Limit())
	}
}

func TestLimiterBlocksAtLimit(t *testing.T) {
	l := NewLimiter(1)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error)
	go func() { got <- l.Acquire(context.Background()) }()
	select {
	case <-got:
		t.Fatal("second Acquire did not wait for the slot")
	default:
	}
	l.Release(false)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Acquire(ctx); err == nil {
		t.Error("Acquire on a full limiter with a done context succeeded")
	}
}
