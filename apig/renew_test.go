package apig

import (
	"context"
	"errors"
	"testing"
	"time"
)

var renewStart = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// fakeFetch hands out "v1", "v2", ... living an hour, to be renewed after
// 40 minutes; fail makes the next fetches fail.
type fakeFetch struct {
	now     time.Time
	fetches int
	fail    error
	gate    chan struct{} // when set, each fetch waits for it
	started chan struct{}
}

func (f *fakeFetch) renewal() *renewal[string] {
	return &renewal[string]{
		op: OpIAM, now: func() time.Time { return f.now }, holdOff: 15 * time.Second, timeout: time.Minute, obs: nopObserver{},
		fetch: func(ctx context.Context) (renewed[string], error) {
			if f.started != nil {
				f.started <- struct{}{}
			}
			if f.gate != nil {
				<-f.gate
			}
			f.fetches++
			if f.fail != nil {
				return renewed[string]{}, f.fail
			}
			return renewed[string]{value: "v" + string(rune('0'+f.fetches)), refreshAt: f.now.Add(40 * time.Minute), expiresAt: f.now.Add(time.Hour)}, nil
		},
	}
}

func TestRenewalRules(t *testing.T) {
	ctx := context.Background()
	down := errors.New("IAM down")
	for _, tc := range []struct {
		name  string
		steps func(t *testing.T, f *fakeFetch, r *renewal[string])
	}{
		{"kept until refreshAt, renewed after", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			f.now = f.now.Add(39 * time.Minute)
			want(t, r, "v1")
			f.now = f.now.Add(2 * time.Minute)
			want(t, r, "v2")
		}},
		{"old kept while the renewal fails, then the error once expired", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			f.now, f.fail = f.now.Add(50*time.Minute), down
			want(t, r, "v1")
			f.now = f.now.Add(11 * time.Minute)
			if _, err := r.get(ctx); !errors.Is(err, down) {
				t.Fatalf("expired and IAM down: %v", err)
			}
		}},
		{"no fetch during the hold-off", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			f.fail = down
			for range 3 {
				if _, err := r.get(ctx); !errors.Is(err, down) {
					t.Fatal(err)
				}
				f.now = f.now.Add(time.Second)
			}
			if f.fetches != 1 {
				t.Fatalf("%d fetches within the hold-off, want 1", f.fetches)
			}
			f.now, f.fail = f.now.Add(15*time.Second), nil
			want(t, r, "v2")
		}},
		{"refused: never handed out again", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			if !r.refuse(nil) {
				t.Fatal("refuse = false with no failed fetch")
			}
			want(t, r, "v2")
		}},
		{"refused with a replaced credential: kept, no fetch", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			if !r.refuse(func(cur string) bool { return cur == "v0" }) {
				t.Fatal("refuse = false")
			}
			want(t, r, "v1")
		}},
		{"refused during the hold-off: no retry", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			f.now, f.fail = f.now.Add(50*time.Minute), down
			want(t, r, "v1")
			if r.refuse(nil) {
				t.Fatal("refuse = true while the last fetch failed moments ago")
			}
		}},
		{"a renewal that ended meanwhile is not repeated", func(t *testing.T, f *fakeFetch, r *renewal[string]) {
			want(t, r, "v1")
			if v, err := r.renew(ctx); err != nil || v != "v1" || f.fetches != 1 {
				t.Fatalf("renew with a fresh credential: %v, %v after %d fetches", v, err, f.fetches)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFetch{now: renewStart}
			tc.steps(t, f, f.renewal())
		})
	}
}

// TestRenewalOutlivesCallerThatGaveUp: the caller that started a fetch
// gives up; the fetch goes on and its result serves the next caller.
func TestRenewalOutlivesCallerThatGaveUp(t *testing.T) {
	f := &fakeFetch{now: renewStart, gate: make(chan struct{}), started: make(chan struct{}, 1)}
	r := f.renewal()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := r.get(ctx); done <- err }()
	<-f.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("caller that gave up: %v", err)
	}
	close(f.gate)
	want(t, r, "v1") // joins the fetch under way, or finds its result
	if f.fetches != 1 {
		t.Errorf("%d fetches, want 1", f.fetches)
	}
	if !r.expiry().Equal(renewStart.Add(time.Hour)) {
		t.Errorf("expiry %s", r.expiry())
	}
}

func want(t *testing.T, r *renewal[string], v string) {
	t.Helper()
	got, err := r.get(context.Background())
	if err != nil || got != v {
		t.Fatalf("got %q, %v; want %q", got, err, v)
	}
}
