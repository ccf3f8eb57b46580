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

// integrationTerms is, per integration id, what its sources take from the integration and its
// provider: the names they show, how long the provider keeps an unused refresh token, what
// revoking leaves or ends, and how long a sign-in lasts while the app is in Testing.
type integrationTerms map[string]integrationTerm

// integrationTerm is one integration's entry in integrationTerms.
type integrationTerm struct {
	name, provider, providerName string
	idle                         time.Duration
	cannotRevoke, revokeEnds     string
	// testing is the refresh tokens' lifetime while the app is in Testing; 0 if it is not.
	testing time.Duration
}

func (a *App) integrationTerms(ctx context.Context) (integrationTerms, error) {
	all, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	terms := integrationTerms{}
	for _, in := range all {
		e := integrationTerm{name: in.Name, provider: in.Provider, providerName: in.Provider}
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
		terms[in.ID] = e
	}
	return terms, nil
}

// sourceProjection is what a source's row needs beside itself to become the Source people
// see; read once, it projects any number of rows, so that the list and one source's details
// are made by the same code.
type sourceProjection struct {
	terms     integrationTerms
	scripts   map[int64]bool           // the sources whose script access holds
	accounts  map[store.AccountKey]int // how many sources each account has
	keepAlive bool                     // the workspace's keep-alive
}

// sourceProjection reads what projecting the workspace's sources needs.
func (a *App) sourceProjection(ctx context.Context) (sourceProjection, error) {
	var p sourceProjection
	var err error
	if p.terms, err = a.integrationTerms(ctx); err != nil {
		return p, err
	}
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return p, fmt.Errorf("read sources: %w", err)
	}
	p.keepAlive = ws.KeepAlive
	if p.scripts, err = store.ScriptAccessSources(ctx, a.db); err != nil {
		return p, err
	}
	p.accounts, err = store.AccountCounts(ctx, a.db)
	return p, err
}

// source is the one projection of a source's row: every field of Source but Renewal, which
// depends on the time and the schedule (renewalOf, through plan).
func (p sourceProjection) source(r store.Source) Source {
	in := p.terms[r.IntegrationID]
	src := Source{ID: r.ID, IntegrationID: r.IntegrationID, IntegrationName: in.name,
		Provider: in.provider, ProviderName: in.providerName, CannotRevoke: in.cannotRevoke, RevokeEnds: in.revokeEnds, OwnerID: r.OwnerID, Owner: r.OwnerName,
		Account: r.Account, Scopes: r.Scopes, Status: r.Status, StatusDetail: r.StatusDetail,
		TokenExpiry: r.TokenExpiry, LastRefreshAt: r.LastRefreshAt, CreatedAt: r.CreatedAt,
		ExpiresIfUnused: tokens.ExpiresIfUnused(in.idle, lastUse(r)), ScriptAccess: p.scripts[r.ID]}
	if in.testing > 0 {
		src.GrantEnds, src.grantWhy = r.GrantedAt.Add(in.testing), testingWhy(in.providerName, in.testing)
	}
	src.SharesGrant = sharesGrant(src, r, p.accounts)
	return src
}

// planOf is what keeps the sources' tokens alive: the workspace's keep-alive, and whether the
// schedule that runs it while the app is closed is installed (asked only when keep-alive is on).
func planOf(ctx context.Context, keepAlive bool, scheduled func(context.Context) bool) upkeepPlan {
	return upkeepPlan{keepAlive: keepAlive, scheduled: keepAlive && scheduled(ctx)}
}

// lastUse is when the source's refresh token was last used: its last refresh, else its
// connection.
func lastUse(r store.Source) time.Time {
	if r.LastRefreshAt.IsZero() {
		return r.CreatedAt
	}
	return r.LastRefreshAt
}
