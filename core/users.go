package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

var (
	// ErrAlreadySetUp means the workspace has users, so there is no first administrator to create.
	ErrAlreadySetUp = errors.New("the workspace already has an administrator")
	// ErrUserHasSources means a user to delete owns sources and no SourcePolicy says what
	// becomes of them, or they could not all be disconnected.
	ErrUserHasSources = errors.New("the user has sources: transfer them to another user or disconnect them")
	// ErrBadTransfer means sources cannot go to the chosen user: it must be another active user
	// with write or admin privilege.
	ErrBadTransfer = errors.New("sources can go only to another active user with write or admin privilege")
	// ErrIdleLockRange means an idle-lock time outside MinIdleLock to MaxIdleLock.
	ErrIdleLockRange = fmt.Errorf("idle lock must be between %v and %v", MinIdleLock, MaxIdleLock)
)

// Bounds of the idle-lock setting.
const (
	MinIdleLock = time.Minute
	MaxIdleLock = 24 * time.Hour
)

// User is a profile as administrators see it; it carries no passphrase hash.
type User struct {
	ID        int64
	Name      string
	Privilege access.Privilege
	Disabled  bool
	// LockedUntil is set while too many wrong passphrases keep the user from signing in.
	LockedUntil  time.Time
	CreatedAt    time.Time
	LastSignInAt time.Time
	// Sources is how many sources the user owns.
	Sources int
}

// MayInherit reports whether u may receive the sources of the deleted user from: another
// active user with write or admin privilege. DeleteUser refuses any other with ErrBadTransfer.
func (u User) MayInherit(from int64) bool {
	return mayInherit(u.ID, u.Disabled, u.Privilege, from)
}

func mayInherit(id int64, disabled bool, p access.Privilege, from int64) bool {
	return id != from && !disabled && p != access.Read
}

// SourcePolicy says what becomes of a deleted user's sources: given to the user TransferTo,
// or disconnected. Exactly one applies when the user has sources.
type SourcePolicy struct {
	TransferTo int64
	Disconnect bool
}

// IdleLock returns how long a session may stay idle before it locks.
func (a *App) IdleLock(ctx context.Context, s *access.Session) (time.Duration, error) {
	if _, err := a.session(ctx, s); err != nil {
		return 0, err
	}
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return 0, err
	}
	return ws.IdleLock, nil
}

// SetIdleLock sets how long a session may stay idle before it locks (admin only).
func (a *App) SetIdleLock(ctx context.Context, s *access.Session, d time.Duration) error {
	const subject = "idle lock"
	u, err := a.authorize(ctx, s, access.SettingsChange, subject, false)
	if err != nil {
		return err
	}
	if err := checkIdleLock(d); err != nil {
		return fmt.Errorf("set idle lock: %w", err)
	}
	if ws, err := store.ReadWorkspace(ctx, a.db); err == nil && ws.IdleLock == d {
		return nil // unchanged: the form saves every setting at once, the log keeps changes only
	}
	// store.SetIdleLock runs on its own, not in a transaction of ours, so the entry follows it.
	if err := store.SetIdleLock(ctx, a.db, d); err != nil {
		return err
	}
	a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeOK, "set to "+Counted(int(d/time.Minute), "minute"))
	return nil
}

// checkIdleLock is the idle-lock setting's rule, for the form, the command line and a file
// restored alike: an idle lock of 0 would turn the lock off.
func checkIdleLock(d time.Duration) error {
	if d < MinIdleLock || d > MaxIdleLock {
		return fmt.Errorf("idle lock %v: %w", d, ErrIdleLockRange)
	}
	return nil
}

// Users lists every user (admin only).
func (a *App) Users(ctx context.Context, s *access.Session) ([]User, error) {
	if _, err := a.authorize(ctx, s, access.UserList, "", false); err != nil {
		return nil, err
	}
	list, err := store.Users(ctx, a.db)
	if err != nil {
		return nil, err
	}
	counts, err := store.SourceCounts(ctx, a.db)
	if err != nil {
		return nil, err
	}
	users := make([]User, len(list))
	for i, u := range list {
		users[i] = User{ID: u.ID, Name: u.Name, Privilege: u.Privilege, Disabled: u.Disabled,
			LockedUntil: u.LockedUntil, CreatedAt: u.CreatedAt, LastSignInAt: u.LastSignInAt, Sources: counts[u.ID]}
	}
	return users, nil
}

// UserID returns the id of the user called name (compared case-insensitively), for any live
// session: names are no secret (the sign-in screen shows them), and the use-case called with
// the id checks the privilege and records a refusal under its own action.
func (a *App) UserID(ctx context.Context, s *access.Session, name string) (int64, error) {
	if _, err := a.session(ctx, s); err != nil {
		return 0, fmt.Errorf("look up user %q: %w", name, err)
	}
	u, err := store.UserByName(ctx, a.db, strings.TrimSpace(name))
	if errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("user %q: %w", name, access.ErrUnknownUser)
	}
	if err != nil {
		return 0, fmt.Errorf("look up user %q: %w", name, err)
	}
	return u.ID, nil
}

// AddUser adds a user with an initial passphrase, typed twice (admin only), and returns its id.
func (a *App) AddUser(ctx context.Context, s *access.Session, name string, p access.Privilege, pass, confirm redact.Secret) (int64, error) {
	admin, err := a.authorize(ctx, s, access.UserAdd, strings.TrimSpace(name), false)
	if err != nil {
		return 0, err
	}
	if name, err = access.CleanName(name); err != nil {
		return 0, fmt.Errorf("add user: %w", err)
	}
	if !p.Valid() {
		return 0, fmt.Errorf("add user %q: %w", name, access.ErrBadPrivilege)
	}
	if err := access.CheckNew(pass, confirm); err != nil {
		return 0, fmt.Errorf("add user %q: %w", name, err)
	}
	phc, err := access.Hash(pass)
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", name, err)
	}
	var id int64
	err = a.change(ctx, admin.Name, access.UserAdd, name, func(tx *sql.Tx) (string, error) {
		if _, err := store.UserByName(ctx, tx, name); err == nil {
			return "", access.ErrNameTaken
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		id, err = store.InsertUser(ctx, tx, store.User{Name: name, Privilege: p, PassphraseHash: phc, CreatedAt: a.now()})
		if errors.Is(err, store.ErrDuplicate) {
			return "", access.ErrNameTaken
		}
		return "privilege " + p.String(), err
	})
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", name, err)
	}
	return id, nil
}

// SetPrivilege changes a user's privilege (admin only). The last active administrator cannot
// be demoted.
func (a *App) SetPrivilege(ctx context.Context, s *access.Session, id int64, p access.Privilege) error {
	label := a.userLabel(ctx, id)
	admin, err := a.authorize(ctx, s, access.UserSetPrivilege, label, false)
	if err != nil {
		return err
	}
	return a.changeUser(ctx, admin, access.UserSetPrivilege, id, label, func(tx *sql.Tx, u store.User) (string, error) {
		if !p.Valid() {
			return "", access.ErrBadPrivilege
		}
		if p != access.Admin {
			if err := a.keepAnAdmin(ctx, tx, u); err != nil {
				return "", err
			}
		}
		return u.Privilege.String() + " → " + p.String(), store.SetUserPrivilege(ctx, tx, id, p)
	})
}

// ResetPassphrase gives a user a new passphrase, typed twice, and lifts any lock-out
// (admin only).
func (a *App) ResetPassphrase(ctx context.Context, s *access.Session, id int64, pass, confirm redact.Secret) error {
	label := a.userLabel(ctx, id)
	admin, err := a.authorize(ctx, s, access.UserResetPassphrase, label, false)
	if err != nil {
		return err
	}
	if err := access.CheckNew(pass, confirm); err != nil {
		return fmt.Errorf("reset passphrase of user %d: %w", id, err)
	}
	phc, err := access.Hash(pass)
	if err != nil {
		return fmt.Errorf("reset passphrase of user %d: %w", id, err)
	}
	return a.changeUser(ctx, admin, access.UserResetPassphrase, id, label, func(tx *sql.Tx, u store.User) (string, error) {
		return "", store.SetPassphraseHash(ctx, tx, id, phc, true)
	})
}

// DisableUser keeps a user from signing in and ends their sessions at their next use (admin
// only). The last active administrator cannot be disabled.
func (a *App) DisableUser(ctx context.Context, s *access.Session, id int64) error {
	label := a.userLabel(ctx, id)
	admin, err := a.authorize(ctx, s, access.UserDisable, label, false)
	if err != nil {
		return err
	}
	return a.changeUser(ctx, admin, access.UserDisable, id, label, func(tx *sql.Tx, u store.User) (string, error) {
		if err := a.keepAnAdmin(ctx, tx, u); err != nil {
			return "", err
		}
		if err := store.SetUserDisabled(ctx, tx, id, true); err != nil {
			return "", err
		}
		return withdrawScriptsOf(ctx, tx, id)
	})
}

// EnableUser lets a disabled user sign in again (admin only).
func (a *App) EnableUser(ctx context.Context, s *access.Session, id int64) error {
	label := a.userLabel(ctx, id)
	admin, err := a.authorize(ctx, s, access.UserEnable, label, false)
	if err != nil {
		return err
	}
	return a.changeUser(ctx, admin, access.UserEnable, id, label, func(tx *sql.Tx, u store.User) (string, error) {
		return "", store.SetUserDisabled(ctx, tx, id, false)
	})
}

// DeleteUser deletes a user (admin only). Their sources go to policy.TransferTo, or are
// disconnected when policy.Disconnect is set; a user with sources and no policy is
// ErrUserHasSources. The last active administrator cannot be deleted.
func (a *App) DeleteUser(ctx context.Context, s *access.Session, id int64, policy SourcePolicy) error {
	label := a.userLabel(ctx, id)
	admin, err := a.authorize(ctx, s, access.UserDelete, label, false)
	if err != nil {
		return err
	}
	if policy.Disconnect && policy.TransferTo != 0 {
		return fmt.Errorf("delete user %s: both transfer and disconnect chosen: %w", label, ErrUserHasSources)
	}
	if policy.Disconnect {
		if err := a.disconnectAllOf(ctx, id); err != nil {
			return fmt.Errorf("delete user %s: %w", label, err)
		}
	}
	return a.changeUser(ctx, admin, access.UserDelete, id, label, func(tx *sql.Tx, u store.User) (string, error) {
		if err := a.keepAnAdmin(ctx, tx, u); err != nil {
			return "", err
		}
		detail := ""
		if policy.TransferTo != 0 {
			to, err := store.UserByID(ctx, tx, policy.TransferTo)
			if errors.Is(err, store.ErrNotFound) || (err == nil && !mayInherit(to.ID, to.Disabled, to.Privilege, u.ID)) {
				return "", ErrBadTransfer
			}
			if err != nil {
				return "", err
			}
			n, err := store.TransferSources(ctx, tx, u.ID, to.ID, a.now())
			if err != nil {
				return "", err
			}
			detail = fmt.Sprintf("%d sources transferred to %s", n, to.Name)
		}
		ids, err := store.SourceIDsOf(ctx, tx, u.ID)
		if err != nil {
			return "", err
		}
		if len(ids) > 0 {
			return "", fmt.Errorf("%d sources left: %w", len(ids), ErrUserHasSources)
		}
		if policy.Disconnect {
			detail = "sources disconnected"
		}
		// A transferred source's grant would not hold for its new owner (store.ScriptGrant).
		if _, err := withdrawScriptsOf(ctx, tx, u.ID); err != nil {
			return "", err
		}
		return detail, store.DeleteUser(ctx, tx, u.ID)
	})
}

// disconnectAllOf disconnects every source of the user id before that user is deleted.
// Disconnecting revokes at the provider and clears the keychain: it cannot run inside a
// database transaction, so it runs first and the deletion checks what is left. Nothing is
// disconnected for a deletion that would be refused anyway (the last administrator).
func (a *App) disconnectAllOf(ctx context.Context, id int64) error {
	u, err := store.UserByID(ctx, a.db, id)
	if err != nil {
		return err
	}
	if err := a.keepAnAdmin(ctx, a.db, u); err != nil {
		return err
	}
	ids, err := store.SourceIDsOf(ctx, a.db, id)
	if err != nil {
		return err
	}
	for _, sid := range ids {
		if err := a.disconnectSource(ctx, sid); err != nil {
			return fmt.Errorf("disconnect source %d: %w", sid, err)
		}
	}
	return nil
}

// ChangeOwnPassphrase replaces the session user's passphrase; the old one is required and the
// new one typed twice.
func (a *App) ChangeOwnPassphrase(ctx context.Context, s *access.Session, old, pass, confirm redact.Secret) error {
	// Not s.Name: s may be nil, which authorize refuses.
	u, err := a.authorize(ctx, s, access.PassphraseChangeOwn, "own passphrase", true)
	if err != nil {
		return err
	}
	// Guesses at the current passphrase count like wrong sign-ins, so an unlocked, unattended
	// session cannot be used to try passphrases without limit.
	// The new passphrase is checked first: a refused one must not leave the attempt counted.
	if err := access.CheckNew(pass, confirm); err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	a.signInMu.Lock()
	defer a.signInMu.Unlock()
	at, err := a.countAttempt(ctx, u, a.now())
	if err != nil {
		return a.refusedAttempt(ctx, u, access.PassphraseChangeOwn, err)
	}
	ok, err := access.Verify(u.PassphraseHash, old)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	if !ok {
		return a.wrongPassphrase(ctx, u, access.PassphraseChangeOwn, at)
	}
	phc, err := access.Hash(pass)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	err = a.change(ctx, u.Name, access.PassphraseChangeOwn, u.Name, func(tx *sql.Tx) (string, error) {
		return "", store.SetPassphraseHash(ctx, tx, u.ID, phc, true) // the right one: failures reset
	})
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	return nil
}

// changeUser runs an authorized admin's change to one user: fn and its activity entry in one
// transaction, with the user as read inside it.
func (a *App) changeUser(ctx context.Context, admin store.User, action access.Action, id int64, label string, fn func(*sql.Tx, store.User) (string, error)) error {
	err := a.change(ctx, admin.Name, action, label, func(tx *sql.Tx) (string, error) {
		u, err := store.UserByID(ctx, tx, id)
		if err != nil {
			return "", err
		}
		return fn(tx, u)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, label, err)
	}
	return nil
}

// keepAnAdmin refuses a change that takes u out of the active administrators when u is the
// last one. Changes call it inside their transaction, so two admins cannot demote each other
// at once.
func (a *App) keepAnAdmin(ctx context.Context, q store.Querier, u store.User) error {
	if u.Privilege != access.Admin || u.Disabled {
		return nil
	}
	n, err := store.CountActiveAdmins(ctx, q)
	if err != nil {
		return err
	}
	if n <= 1 {
		return access.ErrLastAdmin
	}
	return nil
}

// userLabel names a user in the activity log: their name, or their id if there is none.
func (a *App) userLabel(ctx context.Context, id int64) string {
	if u, err := store.UserByID(ctx, a.db, id); err == nil {
		return u.Name
	}
	return fmt.Sprintf("user %d", id)
}
