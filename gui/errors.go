package gui

import (
	"errors"
	"fmt"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/vault"
)

// message turns an error from core into a sentence a person can act on. The full error goes
// to the log; it never carries a secret (secrets are vault.Secret, which prints redacted).
func message(err error) string {
	var locked *access.LockedError
	var invalid *core.ValidationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &locked):
		return "Too many wrong passphrases. Sign-in for this profile reopens at " +
			locked.Until.Local().Format("15:04:05") + "."
	case errors.Is(err, access.ErrWrongPassphrase):
		return "Wrong passphrase. Check Caps Lock and try again."
	case errors.Is(err, access.ErrUnknownUser):
		return "There is no profile with that name."
	case errors.Is(err, access.ErrDisabled):
		return "This profile is disabled. Ask an administrator to enable it."
	case errors.Is(err, access.ErrSessionLocked):
		return "Locked after inactivity. Sign in again to go on."
	case errors.Is(err, access.ErrSessionEnded):
		return "Your session has ended. Sign in again."
	case errors.Is(err, access.ErrForbidden):
		return "Your privilege does not allow this. Ask an administrator."
	case errors.Is(err, access.ErrLastAdmin):
		return "The workspace must keep at least one active administrator. Make someone else an administrator first."
	case errors.Is(err, access.ErrNameTaken):
		return "Another profile already has that name. Choose another."
	case errors.Is(err, access.ErrBadName):
		return "A name needs 1 to 64 printable characters."
	case errors.Is(err, access.ErrTooShort):
		return fmt.Sprintf("The passphrase needs at least %d characters.", access.MinPassphraseLen)
	case errors.Is(err, access.ErrMismatch):
		return "The two passphrases differ. Type the same passphrase twice."
	case errors.Is(err, core.ErrUserHasSources):
		return "This user has sources. Choose whether to give them to another user or to disconnect them."
	case errors.Is(err, core.ErrBadTransfer):
		return "Sources can go only to another active user with Write or Admin privilege."
	case errors.As(err, &invalid):
		return "Some fields need attention: see the messages next to them. Nothing was saved."
	case errors.Is(err, core.ErrIntegrationInUse):
		return "Sources still use this integration. Removing it disconnects them: confirm to go on."
	case errors.Is(err, core.ErrCredentialsMissing):
		return "Save the client ID, and the client secret if the provider requires one, first."
	case errors.Is(err, core.ErrUnknownIntegration):
		return "This integration no longer exists. Choose another one."
	case errors.Is(err, core.ErrUnknownSource):
		return "There is no such source: it may have been disconnected elsewhere."
	case errors.Is(err, core.ErrBadKind):
		return "A custom integration is either OpenID Connect or OAuth 2.0."
	case flowMessage(err) != "": // sources and their sign-in: see connect.go
		return flowMessage(err)
	case errors.Is(err, vault.ErrUnavailable):
		return "The keychain is not available: " + err.Error()
	case errors.Is(err, vault.ErrTooLarge):
		return "The value is too large for this system's keychain."
	}
	return capitalise(err.Error()) + "."
}

func isSessionError(err error) bool {
	return errors.Is(err, access.ErrSessionLocked) || errors.Is(err, access.ErrSessionEnded)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// ago says how long ago t was, coarsely, or "never".
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.Local().Format("2006-01-02")
}

// sources says how many sources there are, in words: "no sources", "1 source", "3 sources".
func sources(n int) string {
	switch n {
	case 0:
		return "no sources"
	case 1:
		return "1 source"
	}
	return fmt.Sprintf("%d sources", n)
}
