// Package access holds who may do what: privileges, the actions they allow, passphrase hashing,
// name and passphrase rules, sign-in lock-out and sessions. It does no I/O; core applies it.
package access

import (
	"errors"
	"fmt"
)

var (
	// ErrForbidden means the session's privilege does not allow the action.
	ErrForbidden = errors.New("not allowed")
	// ErrOwnerOnly means an administrator tried what only the target's owner may do (take a
	// source's token); it is an ErrForbidden.
	ErrOwnerOnly = fmt.Errorf("%w: only the owner may do this", ErrForbidden)
	// ErrSessionLocked means the session was idle too long; the user must sign in again.
	ErrSessionLocked = errors.New("session locked after inactivity")
	// ErrSessionEnded means the session was signed out, or never came from sign-in.
	ErrSessionEnded = errors.New("session ended")
	// ErrWrongPassphrase means the passphrase does not match the user's.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrUnknownUser means no user has that name.
	ErrUnknownUser = errors.New("no such user")
	// ErrDisabled means the user's profile is disabled.
	ErrDisabled = errors.New("user is disabled")
	// ErrLastAdmin means the change would leave the workspace without an active administrator.
	ErrLastAdmin = errors.New("the last active administrator cannot be removed, disabled or demoted")
	// ErrNameTaken means another user already has that name (compared case-insensitively).
	ErrNameTaken = errors.New("name already taken")
	// ErrBadName means a user name is empty, too long or holds unprintable characters.
	ErrBadName = errors.New("name must be 1 to 64 printable characters")
	// ErrTooShort means a new passphrase has fewer than MinPassphraseLen characters.
	ErrTooShort = fmt.Errorf("passphrase must have at least %d characters", MinPassphraseLen)
	// ErrMismatch means a new passphrase and its confirmation differ.
	ErrMismatch = errors.New("the two passphrases differ")
	// ErrBadPrivilege means a privilege name is none of admin, write, read.
	ErrBadPrivilege = errors.New("privilege must be admin, write or read")
)

// Privilege is what a user may do in the workspace.
type Privilege int

// The privileges, from least to most.
const (
	Read Privilege = iota + 1
	Write
	Admin
)

// String is the privilege's name as stored and shown: "admin", "write" or "read".
func (p Privilege) String() string {
	switch p {
	case Admin:
		return "admin"
	case Write:
		return "write"
	case Read:
		return "read"
	}
	return fmt.Sprintf("privilege(%d)", int(p))
}

// Valid reports whether p is Admin, Write or Read.
func (p Privilege) Valid() bool { return p == Admin || p == Write || p == Read }

// ParsePrivilege is the inverse of String.
func ParsePrivilege(s string) (Privilege, error) {
	switch s {
	case "admin":
		return Admin, nil
	case "write":
		return Write, nil
	case "read":
		return Read, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrBadPrivilege)
}

// Action names a use-case. The same names appear in the activity log.
type Action string

// Actions that a session's privilege decides (see Allowed).
const (
	UserList            Action = "user.list"
	UserAdd             Action = "user.add"
	UserSetPrivilege    Action = "user.set-privilege"
	UserResetPassphrase Action = "user.reset-passphrase"
	UserDisable         Action = "user.disable"
	UserEnable          Action = "user.enable"
	UserDelete          Action = "user.delete"
	PassphraseChangeOwn Action = "passphrase.change-own"
	ActivityRead        Action = "activity.read"
	ActivityExport      Action = "activity.export"
	SettingsChange      Action = "settings.change"
	IntegrationView     Action = "integration.view"
	IntegrationAdd      Action = "integration.add"
	IntegrationSave     Action = "integration.save"
	IntegrationRemove   Action = "integration.remove"
	IntegrationEnable   Action = "integration.enable"
	IntegrationDisable  Action = "integration.disable"
	IntegrationTest     Action = "integration.test"
	SourceList          Action = "source.list"
	SourceConnect       Action = "source.connect"
	SourceReconnect     Action = "source.reconnect"
	SourceRefresh       Action = "source.refresh"
	SourceDisconnect    Action = "source.disconnect"
	SourceForget        Action = "source.forget"
	SourceToken         Action = "source.token"
	WorkspaceExport     Action = "workspace.export"
	WorkspaceImport     Action = "workspace.import"
	WorkspaceRemove     Action = "workspace.remove"
)

// Script access: SourceAllowScripts lets programs running as this OS account get a source's
// token without signing in; SourceDenyScripts withdraws that.
const (
	SourceAllowScripts Action = "source.allow-scripts"
	SourceDenyScripts  Action = "source.deny-scripts"
)

// Actions recorded in the activity log that no session decides: they happen before or
// outside one.
const (
	FirstAdmin Action = "user.first-admin"
	SignIn     Action = "signin"
	SignOut    Action = "signout"

	// LocalRecovery is an administrator's passphrase set at the workspace's OS account's
	// terminal, without signing in (core.App.RecoverAdmin).
	LocalRecovery Action = "user.local-recovery"
)

// SeesEverySource reports whether a listing of sources shows every source to privilege p
// (administrators and readers) or only the user's own (writers).
func SeesEverySource(p Privilege) bool { return p == Admin || p == Read }

// Actions lists every action that Allowed decides, for tables and tests.
var Actions = []Action{
	UserList, UserAdd, UserSetPrivilege, UserResetPassphrase, UserDisable, UserEnable, UserDelete,
	PassphraseChangeOwn, ActivityRead, ActivityExport, SettingsChange,
	IntegrationView, IntegrationAdd, IntegrationSave, IntegrationRemove, IntegrationEnable,
	IntegrationDisable, IntegrationTest,
	SourceList, SourceConnect, SourceReconnect, SourceRefresh, SourceDisconnect, SourceForget,
	SourceToken, WorkspaceExport, WorkspaceImport, WorkspaceRemove,
	SourceAllowScripts, SourceDenyScripts,
}

// Allowed reports whether privilege p may perform action a. ownsTarget tells whether the
// action's target (a source) belongs to the acting user; a new connection is always the
// user's own. Which sources a listing shows is the use-case's business: writers see their own.
// Unknown actions are refused.
func Allowed(p Privilege, a Action, ownsTarget bool) bool {
	switch a {
	case SourceList, PassphraseChangeOwn:
		return p.Valid()
	case SourceConnect:
		return p == Admin || p == Write
	case SourceReconnect, SourceRefresh, SourceDisconnect, SourceForget:
		return p == Admin || (p == Write && ownsTarget)
	case SourceToken, SourceAllowScripts:
		// A token acts as the account's owner at the provider: an administrator manages the
		// source but does not get to act as another person's account, nor let programs do so.
		return (p == Admin || p == Write) && ownsTarget
	case SourceDenyScripts:
		// Withdrawing takes nothing from anyone but programs: an administrator, who may
		// disconnect the source anyway, may withdraw it too.
		return p == Admin || (p == Write && ownsTarget)
	case UserList, UserAdd, UserSetPrivilege, UserResetPassphrase, UserDisable, UserEnable,
		UserDelete, ActivityRead, ActivityExport, SettingsChange,
		IntegrationView, IntegrationAdd, IntegrationSave, IntegrationRemove, IntegrationEnable,
		IntegrationDisable, IntegrationTest, WorkspaceExport, WorkspaceImport, WorkspaceRemove:
		return p == Admin
	}
	return false
}
