package apig

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// TemporaryKeysRefreshBefore is how long before they expire temporary
// keys are replaced, as every official SDK does.
const TemporaryKeysRefreshBefore = 40 * time.Minute

// DefaultKeyFetchTimeout bounds one fetch of temporary keys, all its
// calls included.
const DefaultKeyFetchTimeout = 30 * time.Second

// A KeySource fetches temporary keys: *Metadata or *OIDC.
type KeySource interface {
	Fetch(ctx context.Context) (TemporaryKeys, error)
	// Operation is what the source's calls and errors are observed as
	// (OpMetadata, OpIAM).
	Operation() string
}

// TemporaryKeysOptions configure a TemporaryAKSK.
type TemporaryKeysOptions struct {
	Source KeySource
	// Observer is told of each failed fetch; the source tells it of each
	// request.
	Observer Observer
	// Now is the clock of expiry and signing; nil means time.Now.
	Now func() time.Time
	// HoldOff is how long after a failed fetch no other is tried; 0 means
	// DefaultLoginHoldOff.
	HoldOff time.Duration
	// FetchTimeout bounds one fetch; 0 means DefaultKeyFetchTimeout.
	FetchTimeout time.Duration
}

// TemporaryAKSK authorizes by AK/SK signing (see AKSK) with temporary
// keys from a KeySource, fetched when there are none and again 40 minutes
// before they expire. One fetch is shared by every concurrent call; if a
// refresh fails the old keys are used while they are valid, and no fetch
// is tried again during the hold-off. The keys serve every project that
// uses this set of credentials.
type TemporaryAKSK struct {
	o    TemporaryKeysOptions
	keys renewal[TemporaryKeys]
}

// NewTemporaryAKSK checks the options and fills in defaults. It fetches
// nothing: the first call (or Keys) does.
func NewTemporaryAKSK(o TemporaryKeysOptions) (*TemporaryAKSK, error) {
	if o.Source == nil {
		return nil, errors.New("temporary keys: no source")
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HoldOff <= 0 {
		o.HoldOff = DefaultLoginHoldOff
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultKeyFetchTimeout
	}
	t := &TemporaryAKSK{o: o}
	t.keys = renewal[TemporaryKeys]{
		fetch: t.fetch, op: o.Source.Operation(), now: o.Now,
		holdOff: o.HoldOff, timeout: o.FetchTimeout, obs: o.Observer,
	}
	return t, nil
}

// fetch gets keys from the source and says when to replace them.
func (t *TemporaryAKSK) fetch(ctx context.Context) (renewed[TemporaryKeys], error) {
	k, err := t.o.Source.Fetch(ctx)
	if err != nil {
		return renewed[TemporaryKeys]{}, err
	}
	now := t.o.Now()
	if !k.ExpiresAt.After(now) {
		return renewed[TemporaryKeys]{}, &Error{Operation: t.o.Source.Operation(), Code: CodeDecode,
			Err: fmt.Errorf("temporary keys expired at %s, before they arrived", k.ExpiresAt.UTC().Format(time.RFC3339))}
	}
	refreshAt := k.ExpiresAt.Add(-TemporaryKeysRefreshBefore)
	// Keys issued with less than 40 minutes to live would otherwise be
	// fetched again by every call: wait at least the hold-off.
	if earliest := now.Add(t.o.HoldOff); refreshAt.Before(earliest) {
		refreshAt = earliest
	}
	return renewed[TemporaryKeys]{value: k, refreshAt: refreshAt, expiresAt: k.ExpiresAt}, nil
}

// Keys returns keys valid now, fetching them if needed. Calling it at
// start-up checks the source works.
func (t *TemporaryAKSK) Keys(ctx context.Context) (TemporaryKeys, error) {
	return t.keys.get(ctx)
}

// Authorize signs req with the current keys, X-Security-Token included.
func (t *TemporaryAKSK) Authorize(ctx context.Context, req *http.Request, projectID string, body []byte) error {
	k, err := t.keys.get(ctx)
	if err != nil {
		return err
	}
	signer := AKSK{
		AccessKey:     StaticSecret(k.AccessKey),
		SecretKey:     StaticSecret(k.SecretKey),
		SecurityToken: StaticSecret(k.SecurityToken),
		Now:           t.o.Now,
	}
	return signer.Authorize(ctx, req, projectID, body)
}

// Refresh is called after APIG refused the keys with 401: they are
// dropped and the next call fetches new ones. It reports false while a
// failed fetch is in its hold-off.
func (t *TemporaryAKSK) Refresh(string) bool { return t.keys.refuse(nil) }

// RefreshRefused is Refresh for a known refused request: when it was
// signed with keys already replaced, the retry uses the new ones without
// another fetch.
func (t *TemporaryAKSK) RefreshRefused(_ string, refused *http.Request) bool {
	sent := refused.Header.Get("X-Security-Token")
	return t.keys.refuse(func(current TemporaryKeys) bool { return sent == "" || sent == current.SecurityToken })
}

// Expiry is when the keys in use expire; zero before the first fetch.
func (t *TemporaryAKSK) Expiry() time.Time { return t.keys.expiry() }
