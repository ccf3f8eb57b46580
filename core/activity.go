package core

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// ActivityEntry is one line of the activity log.
type ActivityEntry = store.Entry

// ActivityFilter narrows and pages the activity log: by actor, by action, and BeforeID (the
// last ID of the previous page) for the next page.
type ActivityFilter = store.ActivityFilter

// Outcomes of an activity entry: done, refused by a rule (privilege, owner, lock-out), or
// tried and failed.
const (
	OutcomeOK     = store.OutcomeOK
	OutcomeDenied = store.OutcomeDenied
	OutcomeFailed = store.OutcomeFailed
)

// Outcomes lists every outcome an activity entry can have, for the front ends' words and
// their tests.
func Outcomes() []string { return []string{OutcomeOK, OutcomeDenied, OutcomeFailed} }

// Actions lists every action core writes to the activity log: those a privilege decides
// (access.Actions) and those that happen before or outside a session. A front end's words
// for the log walk it, so that a new action cannot go unworded.
func Actions() []access.Action {
	return append(slices.Clone(access.Actions), access.FirstAdmin, access.SignIn, access.SignOut, access.LocalRecovery)
}

// Activity returns one page of the activity log, newest first (admin only).
func (a *App) Activity(ctx context.Context, s *access.Session, f ActivityFilter) ([]ActivityEntry, error) {
	if _, err := a.authorize(ctx, s, access.ActivityRead, "", false); err != nil {
		return nil, err
	}
	return store.Activity(ctx, a.db, f)
}

// ExportActivityCSV writes the entries that f keeps, newest first, as CSV to w (admin only):
// at most f.Limit of them, every one where f.Limit is 0. The export itself is recorded.
func (a *App) ExportActivityCSV(ctx context.Context, s *access.Session, w io.Writer, f ActivityFilter) error {
	const subject = "activity log"
	u, err := a.authorize(ctx, s, access.ActivityExport, subject, false)
	if err != nil {
		return err
	}
	n, err := store.WriteActivityCSV(ctx, a.db, w, f)
	if err != nil {
		a.note(ctx, u.Name, access.ActivityExport, subject, store.OutcomeFailed, fmt.Sprintf("stopped after %d entries", n))
		return fmt.Errorf("export activity: %w", err)
	}
	a.note(ctx, u.Name, access.ActivityExport, subject, store.OutcomeOK, fmt.Sprintf("%d entries", n))
	return nil
}
