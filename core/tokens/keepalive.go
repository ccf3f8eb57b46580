package tokens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/store"
)

// Integration is what the token lifecycle needs to know of the integration a source was
// connected through.
type Integration struct {
	// Config refreshes the integration's tokens: client id and secret, token endpoint and
	// its AuthStyle.
	Config *oauth2.Config
	// IdleLifetime is how long the provider keeps an unused refresh token (Box 60 days,
	// Microsoft 90, Google about 180); 0 means for ever.
	IdleLifetime time.Duration
	// Revocation says how to revoke a token at the provider.
	Revocation Revocation
}

// Resolver returns the Integration with the given id. The facade builds it from the catalog,
// the integrations table and the client secret in the keychain.
type Resolver func(ctx context.Context, integrationID string) (Integration, error)

// ExpiresIfUnused returns when a refresh token last used at lastRefresh dies if it stays
// unused, given the provider's idle lifetime; the zero time means never.
func ExpiresIfUnused(idle time.Duration, lastRefresh time.Time) time.Time {
	if idle <= 0 || lastRefresh.IsZero() {
		return time.Time{}
	}
	return lastRefresh.Add(idle)
}

// KeepAliveDue reports whether src's refresh token should be used now to keep it from idling
// out: when less than a third of the idle lifetime remains.
func KeepAliveDue(src store.Source, idle time.Duration, now time.Time) bool {
	last := src.LastRefreshAt
	if last.IsZero() {
		last = src.CreatedAt
	}
	dies := ExpiresIfUnused(idle, last)
	return !dies.IsZero() && dies.Sub(now) < idle/3
}

// KeepAlive refreshes every source whose refresh token would otherwise idle out soon (see
// KeepAliveDue) and returns how many it refreshed. Sources that need reconnecting or wait for
// revocation are left alone. A failure is recorded as the source's status and KeepAlive goes
// on with the next; the error joins them all. The app calls it on a timer while the
// workspace's keep-alive setting is on.
func (m *Manager) KeepAlive(ctx context.Context, resolve Resolver) (int, error) {
	sources, err := m.db.Sources(ctx, store.SourceFilter{})
	if err != nil {
		return 0, fmt.Errorf("keep alive: %w", err)
	}
	integrations := map[string]Integration{}
	failed := map[string]error{}
	var errs []error
	refreshed := 0
	for _, src := range sources {
		if src.Status == store.StatusNeedsReconnect || src.Status == store.StatusRevocationPending {
			continue
		}
		in, ok := integrations[src.IntegrationID]
		if !ok && failed[src.IntegrationID] == nil {
			in, err = resolve(ctx, src.IntegrationID)
			if err != nil {
				failed[src.IntegrationID] = err
				errs = append(errs, fmt.Errorf("keep alive: integration %s: %w", src.IntegrationID, err))
				continue
			}
			integrations[src.IntegrationID] = in
		}
		if failed[src.IntegrationID] != nil || !KeepAliveDue(src, in.IdleLifetime, m.now()) {
			continue
		}
		if _, err := m.Refresh(ctx, src.ID, in.Config); err != nil {
			errs = append(errs, fmt.Errorf("keep alive: %w", err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		refreshed++
	}
	return refreshed, errors.Join(errs...)
}
