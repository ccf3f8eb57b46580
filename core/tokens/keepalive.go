package tokens

import (
	"context"
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
