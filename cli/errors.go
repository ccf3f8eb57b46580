package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// exitCode is the process's exit code for err; README.md documents them.
func exitCode(err error) int {
	var ue *usageError
	if err == nil {
		return ExitOK
	}
	if errors.As(err, &ue) {
		return ExitUsage
	}
	switch core.ReasonOf(err) {
	case core.ReasonForbidden, core.ReasonOwnerOnly, core.ReasonNoScriptAccess:
		return ExitForbidden
	case core.ReasonNeedsReconnect:
		return ExitNeedsReconnect
	case core.ReasonKeychain:
		return ExitKeychain
	}
	return ExitFailed
}

// message turns err into one sentence that says what to do, with the error's own words in
// brackets for the detail. No error carries a secret: secrets are core.Secret, which prints
// redacted.
func message(err error) string {
	var (
		ue    *usageError
		valid *core.ValidationError
	)
	switch {
	case errors.As(err, &ue):
		return capitalise(ue.msg) + "."
	case errors.Is(err, errNoUsers):
		return fmt.Sprintf("The workspace has no users yet: create the first administrator with '%s init NAME'.", prog)
	case errors.As(err, &valid):
		return "Nothing was saved; fix these settings and try again: " + validation(valid) + "."
	}
	advice := ownAdvice(err)
	if advice == "" {
		advice = reasonAdvice(err)
	}
	if advice == "" {
		return capitalise(err.Error()) + "."
	}
	return advice + " (" + err.Error() + ")."
}

// ownAdvice says what to do about an error of the command itself, or "".
func ownAdvice(err error) string {
	var (
		adv  *advisedError
		file *fileError
	)
	switch {
	case errors.As(err, &adv):
		return adv.advice
	case errors.As(err, &file) && errors.Is(err, errEmptySecret):
		return fmt.Sprintf("The %s is empty; put it on the first line of %s", file.what, file.from())
	case errors.As(err, &file):
		return fmt.Sprintf("Could not read the %s from %s; check the file's name and permissions", file.what, file.from())
	case errors.Is(err, errNoPaste):
		return "No address was pasted; run the command again and paste the address the browser ended on"
	}
	return ""
}

// reasonAdvice says what to do about an error of core, from its reason, or "".
func reasonAdvice(err error) string {
	var (
		locked  *access.LockedError
		already *core.AlreadyConnectedError
		scripts *core.NoScriptAccessError
		partial *core.AccessNotGrantedError
		shared  *core.SharedGrantError
	)
	switch {
	case errors.As(err, &shared):
		return fmt.Sprintf("Nothing was revoked: %s Here that is %s. Run '%s sources forget SOURCE' to delete this source alone "+
			"and leave the access at the provider, or '%s sources disconnect --revoke-shared SOURCE' to revoke all the same",
			shared.Ends, core.Counted(shared.Others, "other source"), prog, prog)
	case errors.As(err, &scripts):
		return noScriptAccessAdvice(scripts, "")
	case errors.As(err, &locked):
		return "Too many wrong passphrases: wait until " + locked.Until.Local().Format("15:04:05") + " or ask an administrator to reset the passphrase"
	case errors.As(err, &already):
		return fmt.Sprintf("This account is already connected as source %d; run '%s sources reconnect %d' to sign in again", already.SourceID, prog, already.SourceID)
	case errors.As(err, &partial):
		return partial.Access + " access was not granted: run the command again and keep it ticked on the consent screen; nothing was saved"
	}
	return advice[core.ReasonOf(err)]
}

// testAdvice says what likely caused a failed test authorization: the command line's advice
// for its reason, with the redirect URI to register where the provider does not know it.
func testAdvice(err error, redirectURI string) string {
	if err == nil {
		return ""
	}
	advice := reasonAdvice(err)
	if advice == "" {
		advice = "Check the client id, the client secret, the redirect URI and the scopes against the integration's guide"
	}
	if core.ReasonOf(err) == core.ReasonRedirectMismatch && redirectURI != "" {
		advice += ": " + redirectURI + ", exactly"
	}
	return advice
}

// noScriptAccessAdvice names the command that grants script access to the refused source, as
// its owner would run it (with --home home, if one was given).
func noScriptAccessAdvice(e *core.NoScriptAccessError, home string) string {
	cmd := prog
	if home != "" {
		cmd += " --home " + shellWord(home)
	}
	return fmt.Sprintf("Programs may not get this source's token without signing in; its owner, %s, may allow it with "+
		"'%s --user %s sources allow-scripts %d', or run this command with --user %s",
		e.Owner, cmd, shellWord(e.Owner), e.SourceID, shellWord(e.Owner))
}

const providerRefused = "The provider refused the sign-in; check the integration's settings and the account, then try again"

// advice is the command line's one table from a reason to what to do; the reasons whose
// advice names something the error carries are in reasonAdvice.
var advice = map[core.Reason]string{
	core.ReasonForbidden:           "Your privilege does not allow this; ask an administrator",
	core.ReasonOwnerOnly:           "Only the owner of the source may do this, administrators included; ask its owner",
	core.ReasonWrongPassphrase:     "Wrong passphrase; check the passphrase file, or type it again",
	core.ReasonUnknownUser:         "There is no user of that name; check the spelling",
	core.ReasonUserDisabled:        "This user is disabled; ask an administrator to enable it",
	core.ReasonLastAdmin:           "The workspace must keep an active administrator; make another user admin first",
	core.ReasonNameTaken:           "Another user already has that name; choose another",
	core.ReasonBadName:             "A name needs 1 to 64 printable characters",
	core.ReasonTooShort:            fmt.Sprintf("Choose a passphrase of at least %d characters", access.MinPassphraseLen),
	core.ReasonMismatch:            "The two passphrases differ; type the same passphrase twice",
	core.ReasonAlreadySetUp:        "The workspace already has an administrator; sign in with --user NAME instead",
	core.ReasonUserHasSources:      "The user has sources; add --transfer-to NAME or --disconnect",
	core.ReasonBadTransfer:         "Sources can go only to another active user with write or admin privilege; choose another",
	core.ReasonUnknownSource:       fmt.Sprintf("There is no source with that id; '%s sources list' shows the ids", prog),
	core.ReasonUnknownIntegration:  fmt.Sprintf("There is no such integration; '%s integrations list' shows their ids", prog),
	core.ReasonIntegrationInUse:    "The integration has sources; add --disconnect to disconnect them and remove it",
	core.ReasonCredentialsMissing:  fmt.Sprintf("Save the client id (and the client secret, where the provider requires one) first, with '%s integrations set'", prog),
	core.ReasonKeychain:            "The keychain is not available; unlock or start it and try again",
	core.ReasonClientTypeMissing:   fmt.Sprintf("The integration was saved before its client type could be chosen; an administrator sets it with '%s integrations set ID --client-type public|confidential'", prog),
	core.ReasonSecretTooLarge:      "The value is larger than the 64 KiB the app keeps in the keychain; nothing was saved",
	core.ReasonSecretDamaged:       "Part of this secret is missing from the keychain or was changed outside the app; an administrator enters the client secret again, or the source's owner reconnects it",
	core.ReasonFileExists:          "The file exists already; choose another name, or add --force to overwrite it",
	core.ReasonFileKey:             "The passphrase or identity does not open this file; check --file-passphrase-file or --identity. Nothing was changed",
	core.ReasonBadFile:             "The file is not a whole workspace export; export it again. Nothing was changed",
	core.ReasonFileNewer:           "A newer version of the app wrote this file; update the app to import it. Nothing was changed",
	core.ReasonBadRecipient:        "Give age recipients (age1...) or SSH public keys, and an age identity file or an unencrypted SSH private key",
	core.ReasonNotInFile:           fmt.Sprintf("The file has no integration of that id; '%s workspace import FILE --dry-run' lists them", prog),
	core.ReasonReplaceUnsafe:       "Nothing was imported: the file would give an integration here another provider, or other addresses while sources use it; import without replacing it, or disconnect its sources first",
	core.ReasonRestoreNotAdmin:     "Only an active administrator named in the file can restore it; pass that administrator's name with --user",
	core.ReasonStateMismatch:       "The pasted address belongs to another sign-in; paste the address from the link this command printed",
	core.ReasonNotCallback:         "That is not the address the browser ended on; paste the whole address, starting with http://127.0.0.1",
	core.ReasonIssuerMismatch:      "The answer came from another server than the integration's; check the integration's issuer and try again",
	core.ReasonIssuerMissing:       "The answer did not name its server, though the provider promises to; check the integration's issuer and try again",
	core.ReasonDenied:              "Access was not allowed on the provider's page; run the command again and allow it there (if you did, the provider may not let this account use the app: ask an administrator)",
	core.ReasonScope:               providerRefused,
	core.ReasonWrongAppType:        providerRefused,
	core.ReasonProviderRefused:     providerRefused,
	core.ReasonBadClient:           "The provider refused the client id or the client secret; copy both again from its console into the integration (a public, desktop registration has no secret at all)",
	core.ReasonSingleTenant:        fmt.Sprintf("The Microsoft registration allows its own directory only (single tenant), but the integration signs in at common; an administrator runs '%s integrations set microsoft --account-types single --tenant DIRECTORY-ID' (the Directory (tenant) ID of the app's Overview page)", prog),
	core.ReasonAppNotInTenant:      fmt.Sprintf("Microsoft knows no app of this client id in the directory signed in at; an administrator checks --client-id, --account-types and --tenant against the app registration ('%s integrations show microsoft')", prog),
	core.ReasonRedirectMismatch:    "Register the redirect URI in the provider's app settings",
	core.ReasonExchangeRefused:     "Run the command again",
	core.ReasonTimeout:             "The sign-in took too long; run the command again and finish signing in before the time shown",
	core.ReasonSandboxPortTaken:    "Another program, or the sandbox of another workspace (another --home), listens on the sandbox's port; close it, or ask an administrator to choose another port (an administrator runs '" + prog + " --user ADMIN integrations sandbox --port N')",
	core.ReasonPortBusy:            "Another program uses the integration's fixed port; close it, or ask an administrator to change the port",
	core.ReasonDifferentAccount:    "Sign in with the account the source belongs to",
	core.ReasonIntegrationDisabled: "The integration is disabled; ask an administrator to enable it",
	core.ReasonNeedsReconnect:      fmt.Sprintf("The provider no longer accepts this source's sign-in; run '%s sources reconnect SOURCE'", prog),
	core.ReasonOffline:             "The provider could not be reached; check the network and try again",
	core.ReasonProviderError:       fmt.Sprintf("The provider refused the request; try again later, or run '%s sources reconnect SOURCE' if it keeps refusing", prog),
	core.ReasonRevocationPending:   fmt.Sprintf("The provider could not be told yet; run '%s sources disconnect SOURCE' again later, or '%s sources forget SOURCE', then connect the account anew", prog, prog),
	core.ReasonSessionLocked:       "The sign-in was locked after inactivity; run the command again",
	core.ReasonSessionEnded:        "The sign-in has ended; run the command again",
	core.ReasonBadKind:             "A custom integration is either OpenID Connect or OAuth 2.0; give --kind oidc or --kind oauth2",
	core.ReasonNotSetUp:            fmt.Sprintf("The integration is not completely set up; an administrator finishes it with '%s integrations set'", prog),
	core.ReasonCancelled:           "The sign-in was canceled; nothing was saved",
	core.ReasonNoAccount:           fmt.Sprintf("The provider did not say which account signed in; an administrator checks the integration's scopes and who-am-I address ('%s integrations show ID')", prog),
	core.ReasonMissingEndpoint:     fmt.Sprintf("The integration lacks an address of the provider's (sign-in, token or who-am-I); an administrator completes it with '%s integrations set'", prog),
	core.ReasonBadDiscovery:        "The provider's discovery document could not be read; an administrator checks the integration's issuer",
	core.ReasonSecretMissing:       "The keychain on this computer does not hold the secret this needs; an administrator enters the client secret again, or the source's owner reconnects it",
}

// validation lists a ValidationError's fields as the command line's option names.
func validation(v *core.ValidationError) string {
	var parts []string
	for _, f := range slices.Sorted(maps.Keys(v.Fields)) {
		flag := "--" + strings.ReplaceAll(f, "_", "-")
		if f == core.FieldSecret {
			flag = "--client-secret-file"
		}
		parts = append(parts, flag+": "+strings.TrimSuffix(v.Fields[f], "."))
	}
	return strings.Join(parts, "; ")
}

// advisedError is an error of core that only the command knows how to explain: advice says
// what to do.
type advisedError struct {
	advice string
	err    error
}

func (e *advisedError) Error() string { return e.err.Error() }
func (e *advisedError) Unwrap() error { return e.err }
