// What a source's row becomes where people read it: its integration's names, and when its
// token renews or expires.

package core

import (
	"context"
	"fmt"
	"time"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
)

// RenewalKind says whether a source's access goes on by itself or needs the person.
type RenewalKind int

// What happens to a source's access, as Renewal.Kind holds it.
const (
	// RenewsAutomatically: the refresh token never idles out at its provider, or the
	// workspace's keep-alive, run by the schedule while the app is closed, refreshes it in time.
	RenewsAutomatically RenewalKind = iota
	// RenewalExpires: the refresh token dies unused at Renewal.By; a refresh before then
	// (Refresh now) gives it a new lifetime, after it only a reconnect helps.
	RenewalExpires
	// RenewalExpired: the refresh token has idled out (Renewal.By is past): reconnect.
	RenewalExpired
	// RenewalReconnect: the provider no longer accepts the refresh token: reconnect.
	RenewalReconnect
	// RenewalNone: nothing to renew, the source is on its way out (revocation pending).
	RenewalNone
	// RenewsWhileOpen: keep-alive refreshes the token while the app runs, and nothing runs it
	// while the app is closed: it dies unused at Renewal.By unless the app is opened before.
	RenewsWhileOpen
	// RenewalEnds: the provider ends the refresh token at Renewal.By however often it is used
	// (a Google app in Testing), so neither a refresh nor keep-alive helps: reconnect then.
	// Renewal.Why says why.
	RenewalEnds
)

// Renewal says when a source's token renews or expires, so that people see in time which
// sources they must refresh or reconnect.
type Renewal struct {
	Kind RenewalKind
	// By is when the refresh token dies (unused, or at all for RenewalEnds); set for
	// RenewalExpires, RenewalExpired and RenewalEnds.
	By time.Time
	// Why, for RenewalEnds and a RenewalExpired that it became, says why the token ends
	// whatever is done.
	Why string
}

// testingWhy says why a source of an app in Testing ends, whatever keeps it in use.
func testingWhy(provider string, lifetime time.Duration) string {
	return fmt.Sprintf("the app is in Testing at %s, which ends each sign-in %s after it, however often it is refreshed "+
		"(keep-alive cannot extend it): reconnect then, or publish the app", provider, Counted(int(lifetime/(24*time.Hour)), "day"))
}

// renewalOf is the one rule from a source's health, its provider's idle lifetime (as
// src.ExpiresIfUnused) and what runs keep-alive to what the person should expect.
func renewalOf(src Source, plan upkeepPlan, now time.Time) Renewal {
	switch {
	case src.Status == store.StatusNeedsReconnect:
		return Renewal{Kind: RenewalReconnect}
	case src.Status == store.StatusRevocationPending:
		return Renewal{Kind: RenewalNone}
	case !src.GrantEnds.IsZero() && !src.GrantEnds.After(now):
		return Renewal{Kind: RenewalExpired, By: src.GrantEnds, Why: src.grantWhy}
	case !src.GrantEnds.IsZero():
		return Renewal{Kind: RenewalEnds, By: src.GrantEnds, Why: src.grantWhy}
	case src.ExpiresIfUnused.IsZero():
		return Renewal{Kind: RenewsAutomatically}
	case !src.ExpiresIfUnused.After(now):
		return Renewal{Kind: RenewalExpired, By: src.ExpiresIfUnused}
	case plan.keepAlive && plan.scheduled && src.ExpiresIfUnused.After(now.Add(UpkeepEvery)):
		// Maintain refreshes it once a third of the lifetime is left, long before it dies, and
		// the schedule runs Maintain daily.
		return Renewal{Kind: RenewsAutomatically}
	case plan.keepAlive && !plan.scheduled:
		return Renewal{Kind: RenewsWhileOpen, By: src.ExpiresIfUnused}
	}
	// No keep-alive, or it dies before the schedule's next run.
	return Renewal{Kind: RenewalExpires, By: src.ExpiresIfUnused}
}

// integrationNames maps integration ids to what a source shows of them, and to how long
// their provider keeps an unused refresh token.
type integrationNames map[string]struct {
	name, provider, providerName string
	idle                         time.Duration
	cannotRevoke, revokeEnds     string
	// testing is the refresh tokens' lifetime while the app is in Testing; 0 if it is not.
	testing time.Duration
}

func (a *App) integrationNames(ctx context.Context) (integrationNames, error) {
	all, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	names := integrationNames{}
	for _, in := range all {
		e := names[in.ID]
		e.name, e.provider, e.providerName = in.Name, in.Provider, in.Provider
		if p, err := catalog.Lookup(catalog.ID(in.Provider)); err == nil {
			e.providerName, e.idle = p.Name, p.RefreshIdle
			if p.Revocation.Kind == catalog.RevokeNone {
				e.cannotRevoke = p.Revocation.Manual
			}
			e.revokeEnds = p.Revocation.WholeGrant
			if publishingStatus(p, in) == catalog.PublishingTesting {
				e.testing = p.TestingLifetime
			}
		}
		names[in.ID] = e
	}
	return names, nil
}

func (n integrationNames) source(r store.Source) Source {
	in := n[r.IntegrationID]
	src := Source{ID: r.ID, IntegrationID: r.IntegrationID, IntegrationName: in.name,
		Provider: in.provider, ProviderName: in.providerName, CannotRevoke: in.cannotRevoke, RevokeEnds: in.revokeEnds, OwnerID: r.OwnerID, Owner: r.OwnerName,
		Account: r.Account, Scopes: r.Scopes, Status: r.Status, StatusDetail: r.StatusDetail,
		TokenExpiry: r.TokenExpiry, LastRefreshAt: r.LastRefreshAt, CreatedAt: r.CreatedAt,
		ExpiresIfUnused: tokens.ExpiresIfUnused(in.idle, lastUse(r))}
	if in.testing > 0 {
		src.GrantEnds, src.grantWhy = r.GrantedAt.Add(in.testing), testingWhy(in.providerName, in.testing)
	}
	return src
}

// lastUse is when the source's refresh token was last used: its last refresh, else its
// connection.
func lastUse(r store.Source) time.Time {
	if r.LastRefreshAt.IsZero() {
		return r.CreatedAt
	}
	return r.LastRefreshAt
}
