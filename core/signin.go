package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// CreateFirstAdmin creates the administrator of an empty workspace and signs them in. It fails
// with ErrAlreadySetUp once any user exists.
func (a *App) CreateFirstAdmin(ctx context.Context, name string, pass, confirm redact.Secret) (*access.Session, error) {
	name, err := access.CleanName(name)
	if err != nil {
		return nil, fmt.Errorf("create administrator: %w", err)
	}
	if err := access.CheckNew(pass, confirm); err != nil {
		return nil, fmt.Errorf("create administrator: %w", err)
	}
	phc, err := access.Hash(pass)
	if err != nil {
		return nil, fmt.Errorf("create administrator: %w", err)
	}
	now := a.now()
	u := store.User{Name: name, Privilege: access.Admin, PassphraseHash: phc, CreatedAt: now, LastSignInAt: now}
	err = a.change(ctx, name, access.FirstAdmin, name, func(tx *sql.Tx) (string, error) {
		n, err := store.CountUsers(ctx, tx)
		if err != nil {
			return "", err
		}
		if n > 0 {
			return "", ErrAlreadySetUp
		}
		if u.ID, err = store.InsertUser(ctx, tx, u); err != nil {
			return "", err
		}
		return "", store.RecordSignIn(ctx, tx, u.ID, now)
	})
	if err != nil {
		return nil, fmt.Errorf("create administrator %q: %w", name, err)
	}
	return a.startSession(u, now), nil
}

// Profiles lists the names of the active users, for the sign-in screen.
func (a *App) Profiles(ctx context.Context) ([]string, error) {
	users, err := store.Users(ctx, a.db)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, u := range users {
		if !u.Disabled {
			names = append(names, u.Name)
		}
	}
	return names, nil
}

// SignIn checks a user's passphrase and returns a new session. After access.FreeFailures wrong
// passphrases in a row, sign-in closes for a while: the error is then an *access.LockedError
// that says until when (alongside access.ErrWrongPassphrase for the failure that closed it).
// Every attempt is recorded in the activity log.
func (a *App) SignIn(ctx context.Context, name string, pass redact.Secret) (*access.Session, error) {
	a.signInMu.Lock()
	defer a.signInMu.Unlock()

	name = typedName(name) // what was typed goes to the log, bounded
	now := a.now()
	u, err := store.UserByName(ctx, a.db, name)
	if errors.Is(err, store.ErrNotFound) {
		a.note(ctx, name, access.SignIn, name, store.OutcomeFailed, "no such user")
		return nil, fmt.Errorf("sign in %q: %w", name, access.ErrUnknownUser)
	}
	if err != nil {
		return nil, fmt.Errorf("sign in %q: %w", name, err)
	}
	if u.Disabled {
		a.note(ctx, u.Name, access.SignIn, u.Name, store.OutcomeDenied, "user disabled")
		return nil, fmt.Errorf("sign in %q: %w", u.Name, access.ErrDisabled)
	}
	if err := a.checkSignIn(ctx, u, pass, now, ""); err != nil {
		return nil, err
	}
	return a.withNotices(ctx, u, a.startSession(u, now)), nil
}

// checkSignIn checks u's passphrase as sign-in does, for SignIn and Unlock alike: counted
// against the lock-out first (countAttempt), recorded in the activity log either way, and on
// success the failure count cleared and the hash brought up to the current parameters. detail
// describes the success in the log.
func (a *App) checkSignIn(ctx context.Context, u store.User, pass redact.Secret, now time.Time, detail string) error {
	at, err := a.countAttempt(ctx, u, now)
	if err != nil {
		return a.refusedAttempt(ctx, u, access.SignIn, err)
	}
	ok, err := access.Verify(u.PassphraseHash, pass)
	if err != nil {
		a.note(ctx, u.Name, access.SignIn, u.Name, store.OutcomeFailed, "stored passphrase hash unreadable")
		return fmt.Errorf("sign in %q: %w", u.Name, err)
	}
	if !ok {
		return a.wrongPassphrase(ctx, u, access.SignIn, at)
	}

	var rehash string
	if access.NeedsRehash(u.PassphraseHash) {
		if rehash, err = access.Hash(pass); err != nil {
			return fmt.Errorf("sign in %q: %w", u.Name, err)
		}
	}
	err = a.change(ctx, u.Name, access.SignIn, u.Name, func(tx *sql.Tx) (string, error) {
		if err := store.RecordSignIn(ctx, tx, u.ID, now); err != nil {
			return "", err
		}
		if rehash == "" {
			return detail, nil
		}
		if detail != "" {
			detail += "; "
		}
		return detail + "passphrase re-hashed with current parameters", store.SetPassphraseHash(ctx, tx, u.ID, rehash, false)
	})
	if err != nil {
		return fmt.Errorf("sign in %q: %w", u.Name, err)
	}
	return nil
}

// attempt is a passphrase check, counted before it is made (see countAttempt).
type attempt struct {
	n     int       // wrong passphrases in a row, this attempt included
	until time.Time // sign-in stays closed until then if this attempt proves wrong; zero: open
}

// countAttempt counts a passphrase check as a failure before it is made, and closes sign-in
// when the count calls for it, in one immediate transaction; the right passphrase then clears
// the count (RecordSignIn, or SetPassphraseHash with unlock). Counting first means that
// processes checking at once, the GUI and a command, each see the others' attempts, and that a
// crash between the count and the check fails closed. While sign-in is closed it refuses with
// an *access.LockedError.
func (a *App) countAttempt(ctx context.Context, u store.User, now time.Time) (attempt, error) {
	var at attempt
	err := a.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := store.UserByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if now.Before(cur.LockedUntil) {
			return &access.LockedError{Until: cur.LockedUntil}
		}
		if at.n, err = store.AddFailedSignIn(ctx, tx, u.ID); err != nil {
			return err
		}
		if d := access.LockDelay(at.n); d > 0 {
			at.until = now.Add(d)
			return store.SetLockedUntil(ctx, tx, u.ID, at.until)
		}
		return nil
	})
	return at, err
}

// refusedAttempt records a check that countAttempt refused because sign-in is closed.
func (a *App) refusedAttempt(ctx context.Context, u store.User, action access.Action, err error) error {
	var locked *access.LockedError
	if errors.As(err, &locked) {
		a.note(ctx, u.Name, action, u.Name, store.OutcomeDenied, "locked out until "+locked.Until.UTC().Format(time.RFC3339))
	}
	return fmt.Errorf("%s %q: %w", action, u.Name, err)
}

// wrongPassphrase records a wrong passphrase (at sign-in, or as the current one when changing
// it) that countAttempt counted, and says whether sign-in is now closed.
func (a *App) wrongPassphrase(ctx context.Context, u store.User, action access.Action, at attempt) error {
	detail := fmt.Sprintf("wrong passphrase (%d in a row)", at.n)
	if !at.until.IsZero() {
		detail += fmt.Sprintf("; locked out for %v", access.LockDelay(at.n))
	}
	a.note(ctx, u.Name, action, u.Name, store.OutcomeFailed, detail)
	if !at.until.IsZero() {
		return fmt.Errorf("%s %q: %w: %w", action, u.Name, access.ErrWrongPassphrase, &access.LockedError{Until: at.until})
	}
	return fmt.Errorf("%s %q: %w", action, u.Name, access.ErrWrongPassphrase)
}

// LockedUntil tells until when sign-in for the named profile is closed after too many wrong
// passphrases; the zero time means it is open (or there is no such profile, which sign-in
// itself reports). The lock-out belongs to one profile: the sign-in screen asks each time
// another profile is chosen, so that one person's lock-out never holds back another.
func (a *App) LockedUntil(ctx context.Context, name string) (time.Time, error) {
	u, err := store.UserByName(ctx, a.db, typedName(name))
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("sign-in lock-out of %q: %w", typedName(name), err)
	}
	if !a.now().Before(u.LockedUntil) {
		return time.Time{}, nil
	}
	return u.LockedUntil, nil
}
