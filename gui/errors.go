package gui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// words is the GUI's one table from a reason to the sentence a person reads; the reasons
// whose sentence names something the error carries are in message.
var words = map[core.Reason]string{
	core.ReasonWrongPassphrase:    "Wrong passphrase. Check Caps Lock and try again.",
	core.ReasonUnknownUser:        "There is no profile with that name.",
	core.ReasonUserDisabled:       "This profile is disabled. Ask an administrator to enable it.",
	core.ReasonSessionLocked:      "Locked after inactivity. Sign in again to go on.",
	core.ReasonSessionEnded:       "Your session has ended. Sign in again.",
	core.ReasonForbidden:          "Your privilege does not allow this. Ask an administrator.",
	core.ReasonOwnerOnly:          "Only the source's owner may do this, administrators included. Ask its owner.",
	core.ReasonNoScriptAccess:     "Programs may not use this source without signing in. Its owner can allow it in the source's details.",
	core.ReasonLastAdmin:          "The workspace must keep at least one active administrator. Make someone else an administrator first.",
	core.ReasonNameTaken:          "Another profile already has that name. Choose another.",
	core.ReasonBadName:            "A name needs 1 to 64 printable characters.",
	core.ReasonTooShort:           fmt.Sprintf("The passphrase needs at least %d characters.", access.MinPassphraseLen),
	core.ReasonMismatch:           "The two passphrases differ. Type the same passphrase twice.",
	core.ReasonUserHasSources:     "This user has sources. Choose whether to give them to another user or to disconnect them.",
	core.ReasonBadTransfer:        "Sources can go only to another active user with Write or Admin privilege.",
	core.ReasonInvalid:            "Some fields need attention: see the messages next to them. Nothing was saved.",
	core.ReasonIntegrationInUse:   "Sources still use this integration. Removing it disconnects them: confirm to go on.",
	core.ReasonCredentialsMissing: "Save the client ID, and the client secret if the provider requires one, first.",
	core.ReasonUnknownIntegration: "This integration no longer exists. Choose another one.",
	core.ReasonClientTypeMissing: "This integration was saved before its client type could be chosen. An administrator must choose Public or " +
		"Confidential, as the app is registered at the provider, and save it first.",
	core.ReasonUnknownSource:       "There is no such source: it may have been disconnected elsewhere.",
	core.ReasonBadKind:             "A custom integration is either OpenID Connect or OAuth 2.0.",
	core.ReasonIntegrationDisabled: "This integration is disabled. Ask an administrator to enable it.",
	core.ReasonRevocationPending: "The provider could not confirm that access was revoked, so the source stays, marked \"Revocation pending\", " +
		"and is tried again later. To delete it here anyway, use Forget on this computer; then connect the account anew.",
	core.ReasonNeedsReconnect:   "The provider no longer accepts this source's sign-in. Use Reconnect to sign in again.",
	core.ReasonOffline:          "The provider cannot be reached. Check the network connection and try again.",
	core.ReasonCancelled:        "The sign-in was canceled.",
	core.ReasonTimeout:          "Nobody finished the sign-in in the browser in time. Try again; if the provider showed an error, tell an administrator what it said.",
	core.ReasonSandboxPortTaken: "Another program, or the sandbox of another workspace of this app, listens on the sandbox's port. Close it, or ask an administrator to choose another port in Admin → Integrations → Sandbox (this computer).",
	core.ReasonPortBusy:         "Another program uses the port this integration needs for the sign-in. Close it and try again, or ask an administrator to choose another port.",
	core.ReasonIssuerMismatch:   "The answer came from another sign-in server than this integration's, so it was refused. Ask an administrator to check the integration's issuer.",
	core.ReasonIssuerMissing: "The answer did not say which sign-in server sent it, though the provider promises to, so it was refused. " +
		"Ask an administrator to check the integration's issuer.",
	core.ReasonNoAccount:       "The provider did not say which account signed in. Ask an administrator to check the integration's scopes and who-am-I address.",
	core.ReasonMissingEndpoint: "The integration lacks an address of the provider's (sign-in, token or who-am-I). Ask an administrator to complete the integration.",
	core.ReasonNotSetUp:        "The integration is not completely set up. Ask an administrator to finish it.",
	core.ReasonSecretTooLarge:  "The value is larger than the 64 KiB the app keeps in the keychain. Nothing was saved.",
	core.ReasonSecretDamaged:   "Part of this secret is missing from the keychain or was changed outside the app. Ask an administrator to enter the client secret again, or reconnect the source.",
	core.ReasonFileExists:      "A file of that name exists already. Choose another name.",
	core.ReasonFileKey:         "The passphrase or identity does not open this file. Check it and try again; nothing was changed.",
	core.ReasonBadFile:         "This file is not a whole workspace export: it may be empty, truncated or changed. Export it again; nothing was changed.",
	core.ReasonFileNewer:       "A newer version of the app wrote this file. Update the app to import it; nothing was changed.",
	core.ReasonBadRecipient:    "A recipient or the identity file is not an age key or an SSH key. Check it and try again.",
	core.ReasonNotInFile:       "The file has no integration of that id.",
	core.ReasonReplaceUnsafe: "Nothing was imported: the file would give an integration here another provider, or other addresses while sources use it. " +
		"Leave it unticked, or disconnect its sources first.",
	core.ReasonRestoreNotAdmin: "Only an active administrator named in the file can restore it. Choose an administrator's name.",
	core.ReasonProviderError: "The provider refused the request. Try again later; if it keeps refusing, use Reconnect to sign in again, " +
		"or tell an administrator.",
	core.ReasonBadDiscovery:  "The provider's settings (its discovery document) could not be read. Ask an administrator to check the integration's issuer.",
	core.ReasonStateMismatch: "That address belongs to another sign-in. Paste the address the browser showed at the end of this one.",
	core.ReasonNotCallback: "That is not the address the browser ended on. Copy the whole address from the browser's address bar, " +
		"starting with http://127.0.0.1.",
	core.ReasonSecretMissing: "The keychain on this computer does not hold the secret this needs. Ask an administrator to enter it again, or reconnect the source.",
	core.ReasonAlreadySetUp:  "This workspace already has an administrator. Sign in instead.",
	core.ReasonKeychain:      "The keychain is not available. Unlock your desktop's keyring, or start it, and try again.",
	core.ReasonRedirectMismatch: "The provider does not know this app's redirect URI. Ask an administrator to register the redirect URI " +
		"shown in the integration's guide at the provider.",
	core.ReasonSingleTenant: "The Microsoft app allows accounts of its own organization only (single tenant), but the integration signs in " +
		"for any account. Ask an administrator to choose the account types as the app registration shows them, with its Directory (tenant) ID.",
	core.ReasonAppNotInTenant: "Microsoft does not know this app in the directory signed in at. Ask an administrator to check the " +
		"integration's client ID, account types and tenant against the app registration.",
	core.ReasonBadClient: "The provider refused the integration's client ID or client secret. Ask an administrator to check them; " +
		"a public (desktop) registration has no secret at all.",
	// The person's own choice at the provider's page, not a failure: no "… failed." before it.
	core.ReasonDenied:          "You chose not to allow access at " + providerName + ".",
	core.ReasonScope:           "Ask an administrator to check the integration's scopes against the app's registration at the provider.",
	core.ReasonWrongAppType:    "Ask an administrator to check the application type registered at the provider against the integration's guide.",
	core.ReasonProviderRefused: "Try again; if it keeps refusing, ask an administrator to check the integration.",
}

// providerName in a sentence of words stands for the provider the error names, as people
// know it (Google Drive, or a custom integration's name).
const providerName = "{provider}"

// ownChoice are the reasons that say what the person chose, which message does not introduce
// as a failure.
var ownChoice = []core.Reason{core.ReasonCancelled, core.ReasonDenied}

// message turns an error from core into a sentence a person can act on, naming the source or
// the integration it concerns as its administrator named them. The full error goes to the
// log, and to a dialog's Details; it never carries a secret (secrets are core.Secret, which
// prints redacted).
func message(err error) string {
	reason := core.ReasonOf(err)
	if w, ok := words[reason]; ok {
		w = strings.ReplaceAll(w, providerName, providerOf(err))
		var (
			se      *core.SourceError
			refusal *core.ProviderError
		)
		switch {
		case errors.As(err, &refusal) && !slices.Contains(ownChoice, reason):
			// the provider's refusal, in its own words (made printable), then what to do
			return capitalise(core.Printable(refusal.Error())) + ". " + w
		case errors.As(err, &se) && !slices.Contains(ownChoice, reason):
			return failedAt(se) + " " + w
		}
		return w
	}
	var (
		locked  *access.LockedError
		dup     *core.AlreadyConnectedError
		diff    *core.DifferentAccountError
		refused *core.ExchangeError
		partial *core.AccessNotGrantedError
		shared  *core.SharedGrantError
	)
	switch {
	case reason == core.ReasonNone:
		return ""
	case errors.As(err, &locked):
		return "Too many wrong passphrases. Sign-in for this profile reopens at " +
			locked.Until.Local().Format("15:04:05") + "."
	case errors.As(err, &dup):
		return fmt.Sprintf("%s is already connected through this integration. Reconnect it instead to renew its sign-in.", core.Printable(dup.Account))
	case errors.As(err, &diff):
		return fmt.Sprintf("You signed in as %s, but this source belongs to %s. Nothing was changed. "+
			"Sign out at the provider in your browser, then reconnect and sign in as %s.",
			core.Printable(diff.Got), core.Printable(diff.Want), core.Printable(diff.Want))
	case errors.As(err, &shared):
		return fmt.Sprintf("Nothing was revoked: %s Here, %s of this account would stop working. Use Forget on this computer "+
			"to delete this source alone, or Disconnect again to choose.", shared.Ends, core.Counted(shared.Others, "other source"))
	case errors.As(err, &partial):
		return fmt.Sprintf("%s access was not granted: connect again and keep it ticked on the consent screen. Nothing was saved.", partial.Access)
	case errors.As(err, &refused):
		return capitalise(refused.Error()) + ". Ask an administrator to check the integration."
	}
	return capitalise(core.Printable(err.Error())) + "."
}

// details is err's own text (made printable) for a Details view beside said, err's message,
// or "" where it adds nothing: where the words already say all of it (the message of an
// error without a reason is its own text); where the words are the table's for the error's
// cause and the text only puts what was being done before it ("signin \"bob\": wrong
// passphrase"), one layer of context before one cause, not a chain or a join of causes; and for field errors, which show
// next to their fields.
func details(err error, said string) string {
	var fields *core.ValidationError
	if errors.As(err, &fields) {
		return ""
	}
	if _, worded := words[core.ReasonOf(err)]; worded {
		cause := err
		for next := errors.Unwrap(cause); next != nil; next = errors.Unwrap(cause) {
			cause = next
		}
		_, joined := cause.(interface{ Unwrap() []error })
		context, ok := strings.CutSuffix(err.Error(), ": "+cause.Error())
		if ok && !joined && !strings.Contains(context, ": ") {
			return ""
		}
	}
	detail := core.Printable(err.Error())
	bare := func(s string) string { return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), ".")) }
	if strings.Contains(bare(said), bare(detail)) {
		return ""
	}
	return detail
}

// providerOf names the provider err concerns: the name the sign-in gave it, else the
// integration's, else "the provider".
func providerOf(err error) string {
	var pe *core.ProviderError
	if errors.As(err, &pe) && pe.Provider != "" {
		return core.Printable(pe.Provider)
	}
	var se *core.SourceError
	if errors.As(err, &se) && se.Integration != "" {
		return core.Printable(se.Integration)
	}
	return "the provider"
}

// failedAt says what failed on which source, or through which integration: "Refresh
// jane@example.com at Team Drive failed."
func failedAt(se *core.SourceError) string {
	what := se.Integration
	if se.Account != "" {
		what = se.Account + " at " + se.Integration
	}
	return capitalise(se.Op) + " " + core.Printable(what) + " failed."
}

// isSessionError reports whether err means the person must sign in again.
func isSessionError(err error) bool {
	r := core.ReasonOf(err)
	return r == core.ReasonSessionLocked || r == core.ReasonSessionEnded
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
