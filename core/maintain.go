package core

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
)

// Maintain's backoff: after a failed attempt on a source, Maintain leaves the source alone for
// retryFirst, then twice as long after each further failure, up to retryMax. A success forgets
// the failures.
const (
	retryFirst = time.Minute
	retryMax   = 30 * time.Minute
)

// UpkeepActor is the user the activity log names for what Maintain did: no person did it, and
// a blank user reads as a record that lost its author.
const UpkeepActor = "upkeep"

// upkeepTimeout bounds one source's upkeep in Maintain: discovery, a refresh with its
// retries, a revocation. Each call is bounded by the provider client already (egress); this
// also bounds their sum and the waits between them. A variable only so that this package's
// tests can shorten it.
var upkeepTimeout = 2 * time.Minute

// MaintainReport says what one run of Maintain did.
type MaintainReport struct {
	// Revoked counts the pending revocations done now; those sources are deleted.
	Revoked int
	// KeptAlive counts the sources refreshed because their refresh token would soon have
	// expired unused.
	KeptAlive int
	// BackOnline counts the offline sources whose provider answered again: connected now.
	BackOnline int
	// StillOffline counts the sources offline after the run: tried and still unreachable,
	// gone offline during a keep-alive, or waiting for their next attempt (see Maintain).
	StillOffline int
	// NeedsReconnect counts the sources whose refresh token the provider refused during the
	// run.
	NeedsReconnect int
}

// upkeep is what Maintain remembers between runs: when each source that failed may be tried
// again. Its zero value is ready to use.
type upkeep struct {
	mu    sync.Mutex // one Maintain at a time; guards retry
	retry map[int64]backoff
}

type backoff struct {
	wait time.Duration // the wait after the last failure
	next time.Time     // no attempt before then
}

// Maintain runs the background upkeep the app does while it runs: it retries pending
// revocations, keeps refresh tokens alive while the workspace's keep-alive setting is on (a
// refresh once less than a third of the provider's idle lifetime is left), and tries offline
// sources again with a refresh (success: connected; still unreachable: stays offline). It
// needs no session: it is the app's own work, recorded in the activity log with actor
// UpkeepActor for each change of a source's state (revoked, kept alive, back online, needs reconnect),
// never with a token.
//
// It makes network calls only for the sources that need one, each at most once per run.
// Each source's upkeep has its own deadline (upkeepTimeout): a provider that accepts the
// connection and never answers costs that source an offline mark and a wait, and holds up
// no other source.
// A source whose attempt failed is skipped until its wait is over: 1 minute after the first
// failure, doubling up to 30 minutes, forgotten on success. The waits live in this App's
// memory, so calling Maintain every minute costs nothing while a provider stays unreachable.
// Runs on one App take turns; another process keeps its own waits.
//
// What the provider answers, or its silence, is recorded as the source's status and counted
// in the report; the error joins only the failures of this computer's own: the database,
// the keychain, an integration that cannot be used, a cancelled ctx.
func (a *App) Maintain(ctx context.Context) (MaintainReport, error) {
	a.upkeep.mu.Lock()
	defer a.upkeep.mu.Unlock()
	var rep MaintainReport
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return rep, fmt.Errorf("maintain: %w", err)
	}
	rows, err := store.Sources(ctx, a.db, store.SourceFilter{})
	if err != nil {
		return rep, fmt.Errorf("maintain: %w", err)
	}
	terms, err := a.integrationTerms(ctx)
	if err != nil {
		return rep, fmt.Errorf("maintain: %w", err)
	}
	a.upkeep.keepOnly(rows)

	resolve := a.resolveOnce()
	var errs []error
	for _, src := range rows {
		now := a.now()
		keepAlive := ws.KeepAlive && (src.Status == store.StatusConnected || src.Status == store.StatusError) &&
			tokens.KeepAliveDue(src, terms[src.IntegrationID].idle, now)
		if src.Status != store.StatusRevocationPending && src.Status != store.StatusOffline && !keepAlive {
			continue
		}
		if !a.upkeep.due(src.ID, now) {
			if src.Status == store.StatusOffline {
				rep.StillOffline++
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("maintain: %w", err))
			break
		}
		err := a.upkeepSource(ctx, src, terms[src.IntegrationID].idle, resolve, &rep)
		switch {
		case err == nil || errors.Is(err, ErrNeedsReconnect):
			a.upkeep.forget(src.ID) // nothing left to retry
		case ctx.Err() != nil:
			errs = append(errs, err) // cancelled: no fault of the source's, so no wait
		default:
			a.upkeep.failed(src.ID, a.now())
			if !atProvider(err) {
				errs = append(errs, err)
			}
		}
	}
	return rep, errors.Join(errs...)
}

// resolveOnce returns a resolver for one run of Maintain: an integration is resolved
// (client secret, maybe discovery) once per run, and only for a source that needs it. A
// discovery that its first source's deadline cut is not tried again for the next source.
func (a *App) resolveOnce() tokens.Resolver {
	type resolution struct {
		in  tokens.Integration
		err error
	}
	resolved := map[string]resolution{}
	return func(ctx context.Context, id string) (tokens.Integration, error) {
		r, ok := resolved[id]
		if !ok {
			r.in, r.err = a.lifecycleOf(ctx, id)
			resolved[id] = r
		}
		return r.in, r.err
	}
}

// upkeepSource does one source's upkeep under its own deadline, upkeepTimeout, so that a
// provider that accepts a connection and never answers holds up no other source. A source
// whose deadline passed is the provider's silence: ErrOffline, tried again after its wait.
func (a *App) upkeepSource(ctx context.Context, src store.Source, idle time.Duration, resolve tokens.Resolver, rep *MaintainReport) error {
	sctx, cancel := context.WithTimeout(ctx, upkeepTimeout)
	defer cancel()
	if src.Status == store.StatusRevocationPending {
		return a.silent(sctx, src, a.retryRevocation(sctx, src, rep))
	}
	return a.upkeepRefresh(sctx, src, idle, resolve, rep)
}

// silent turns err, the failure of src's upkeep, into ErrOffline when the upkeep's deadline
// (ctx's) passed first, and records why in the source's status: still waiting for its
// revocation, else offline. An err that already says offline is returned as it is.
func (a *App) silent(ctx context.Context, src store.Source, err error) error {
	if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, ErrOffline) {
		return err
	}
	status, detail := store.StatusOffline, fmt.Sprintf("the provider did not answer within %s", upkeepTimeout)
	switch src.Status {
	case store.StatusNeedsReconnect:
		return err
	case store.StatusRevocationPending:
		status, detail = store.StatusRevocationPending, "the provider has not confirmed the revocation yet: "+detail
	}
	// The deadline has passed: the status is written without it.
	if serr := store.UpdateSourceStatus(context.WithoutCancel(ctx), a.db, src.ID, status, detail, a.now()); serr != nil {
		return errors.Join(fmt.Errorf("%w: %s: %w", ErrOffline, detail, err), serr)
	}
	return fmt.Errorf("%w: %s: %w", ErrOffline, detail, err)
}

// retryRevocation tries again to revoke a source whose revocation is pending, and deletes it
// when done.
func (a *App) retryRevocation(ctx context.Context, src store.Source, rep *MaintainReport) error {
	label := sourceLabel(src)
	detail, err := a.disconnect(ctx, src)
	if err != nil {
		return fmt.Errorf("maintain: %w", sourceError("retry the revocation of", src, err))
	}
	rep.Revoked++
	a.note(ctx, UpkeepActor, access.SourceDisconnect, label, store.OutcomeOK, "revocation retried: "+detail)
	return nil
}

// upkeepRefresh refreshes an offline source, or one whose refresh token would soon expire
// unused (idle is its provider's idle lifetime), and counts and records the outcome.
func (a *App) upkeepRefresh(ctx context.Context, src store.Source, idle time.Duration, resolve tokens.Resolver, rep *MaintainReport) error {
	label := sourceLabel(src)
	in, err := resolve(ctx, src.IntegrationID)
	if err != nil {
		err = a.unreachable(ctx, src, err)
	} else {
		_, err = a.tokens.Refresh(ctx, src.ID, in.Config)
	}
	err = a.silent(ctx, src, err)
	switch {
	case err == nil && src.Status == store.StatusOffline:
		rep.BackOnline++
		a.note(ctx, UpkeepActor, access.SourceRefresh, label, store.OutcomeOK, "back online")
		return nil
	case err == nil:
		rep.KeptAlive++
		dies := tokens.ExpiresIfUnused(idle, lastUse(src))
		a.note(ctx, UpkeepActor, access.SourceRefresh, label, store.OutcomeOK,
			"kept alive: unused, the refresh token would have expired on "+dies.UTC().Format(time.DateOnly))
		return nil
	case errors.Is(err, ErrNeedsReconnect):
		rep.NeedsReconnect++
		detail := err.Error()
		if r, rerr := store.SourceByID(ctx, a.db, src.ID); rerr == nil && r.StatusDetail != "" {
			detail = r.StatusDetail // the provider's own words, without the error's wrapping
		}
		a.note(ctx, UpkeepActor, access.SourceRefresh, label, store.OutcomeFailed, "needs reconnect: "+detail)
	case src.Status == store.StatusOffline || errors.Is(err, ErrOffline):
		rep.StillOffline++
	}
	return fmt.Errorf("maintain: %w", sourceError("refresh", src, err))
}

// atProvider reports whether err is the provider's answer, or its silence, which the source's
// status records, rather than a failure of this computer's own.
func atProvider(err error) bool {
	return errors.Is(err, ErrOffline) || errors.Is(err, ErrNeedsReconnect) ||
		errors.Is(err, tokens.ErrProvider) || tokens.Unreachable(err)
}

// due reports whether source id may be tried at now: it has not failed, or its wait is over.
// The caller holds u.mu.
func (u *upkeep) due(id int64, now time.Time) bool {
	b, ok := u.retry[id]
	return !ok || !now.Before(b.next)
}

// failed starts the source's next wait: retryFirst, else twice the last one, at most
// retryMax. The caller holds u.mu.
func (u *upkeep) failed(id int64, now time.Time) {
	if u.retry == nil {
		u.retry = map[int64]backoff{}
	}
	b := u.retry[id]
	b.wait = min(max(2*b.wait, retryFirst), retryMax)
	b.next = now.Add(b.wait)
	u.retry[id] = b
}

// forget drops the source's failures. The caller holds u.mu.
func (u *upkeep) forget(id int64) { delete(u.retry, id) }

// keepOnly forgets the sources that no longer exist. The caller holds u.mu.
func (u *upkeep) keepOnly(rows []store.Source) {
	exists := make(map[int64]bool, len(rows))
	for _, r := range rows {
		exists[r.ID] = true
	}
	for id := range u.retry {
		if !exists[id] {
			delete(u.retry, id)
		}
	}
}
