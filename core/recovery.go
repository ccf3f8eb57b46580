package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/user"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// ErrRecoveryNotAdmin means local recovery was asked for a user who is not an administrator:
// it is the way back in for administrators only, who can then reset anyone else's passphrase.
var ErrRecoveryNotAdmin = errors.New("local recovery sets an administrator's passphrase only: recover an administrator, then reset the others from there")

// RecoveryActor stands in the activity log for whoever ran a local recovery: no profile did.
const RecoveryActor = "local recovery"

// maxNotices bounds the recoveries told at one sign-in; the activity log holds them all.
const maxNotices = 20

// RecoverAdmin sets a new passphrase, typed twice, for the administrator name without
// signing in, and lifts any lock-out: the way back in for a workspace whose administrators
// forgot their passphrases. It needs no session because the OS account that owns the
// workspace is the security boundary (whoever acts as it can edit the database anyway); the
// front end offers it only at an interactive terminal, after an explicit confirmation. Every
// attempt is recorded in the activity log, and every administrator is told of a recovery at
// their next sign-in (access.Session.Notices).
func (a *App) RecoverAdmin(ctx context.Context, name string, pass, confirm redact.Secret) error {
	name = typedName(name)
	err := access.CheckNew(pass, confirm)
	var phc string
	if err == nil {
		phc, err = access.Hash(pass)
	}
	if err != nil {
		return fmt.Errorf("local recovery of %q: %w", name, err)
	}
	detail := "new passphrase set without signing in, at the terminal of OS account " + osAccount()
	err = a.change(ctx, RecoveryActor, access.LocalRecovery, name, func(tx *sql.Tx) (string, error) {
		u, err := store.UserByName(ctx, tx, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return "", access.ErrUnknownUser
		case err != nil:
			return "", err
		case u.Privilege != access.Admin:
			return "", ErrRecoveryNotAdmin
		case u.Disabled:
			return "", access.ErrDisabled
		}
		return detail, store.SetPassphraseHash(ctx, tx, u.ID, phc, true)
	})
	if err != nil {
		a.note(ctx, RecoveryActor, access.LocalRecovery, name, store.OutcomeFailed, err.Error())
		return fmt.Errorf("local recovery of %q: %w", name, err)
	}
	return nil
}

// withNotices adds to s, the new session of u, what u must be told at once: to an
// administrator, every local recovery since their previous sign-in (or since they were added,
// for a first one), so that a reset nobody expected does not go unseen.
func (a *App) withNotices(ctx context.Context, u store.User, s *access.Session) *access.Session {
	if u.Privilege != access.Admin {
		return s
	}
	since := u.LastSignInAt
	if since.Before(u.CreatedAt) {
		since = u.CreatedAt
	}
	entries, err := store.Activity(ctx, a.db, store.ActivityFilter{Action: string(access.LocalRecovery), Limit: maxNotices})
	if err != nil {
		a.log.Error("read local recoveries for the sign-in notice", "err", err)
		return s
	}
	for _, e := range entries {
		// Not before: a recovery in the very second of the previous sign-in is told again
		// rather than missed.
		if e.Outcome != store.OutcomeOK || e.At.Before(since) {
			continue
		}
		s.Notices = append(s.Notices, fmt.Sprintf("The passphrase of administrator %s was reset by local recovery on %s (%s). "+
			"If nobody you know did this, someone using this computer's account did: check the activity log.",
			e.Subject, e.At.Local().Format("2006-01-02 15:04"), e.Detail))
	}
	return s
}

// osAccount names the OS account running the recovery, for the activity log.
func osAccount() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "(unknown)"
}
