package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/vault"
)

// exitCode is the process's exit code for err; README.md documents them.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, access.ErrForbidden):
		return ExitForbidden
	case needsReconnect(err):
		return ExitNeedsReconnect
	case errors.Is(err, vault.ErrUnavailable):
		return ExitKeychain
	}
	return ExitFailed
}

// message turns err into one sentence that says what to do, with the error's own words in
// brackets for the detail. No error carries a secret: secrets are vault.Secret, which prints
// redacted.
func message(err error) string {
	var (
		ue     *usageError
		locked *access.LockedError
		valid  *core.ValidationError
	)
	var (
		adv  *advisedError
		file *fileError
	)
	advice := ""
	switch {
	case errors.As(err, &ue):
		return capitalise(ue.msg) + "."
	case errors.As(err, &adv):
		advice = adv.advice
	case errors.As(err, &file) && errors.Is(err, errEmptySecret):
		advice = fmt.Sprintf("The %s is empty; put it on the first line of %s", file.what, file.from())
	case errors.As(err, &file):
		advice = fmt.Sprintf("Could not read the %s from %s; check the file's name and permissions", file.what, file.from())
	case errors.Is(err, errNoUsers):
		return fmt.Sprintf("The workspace has no users yet: create the first administrator with '%s init NAME'.", prog)
	case errors.As(err, &valid):
		return "Nothing was saved; fix these settings and try again: " + validation(valid) + "."
	case errors.As(err, &locked):
		advice = "Too many wrong passphrases: wait until " + locked.Until.Local().Format("15:04:05") + " or ask an administrator to reset the passphrase"
	case errors.Is(err, access.ErrForbidden):
		advice = forbidden(err)
	case errors.Is(err, access.ErrWrongPassphrase):
		advice = "Wrong passphrase; check the passphrase file, or type it again"
	case errors.Is(err, access.ErrUnknownUser):
		advice = "There is no user of that name; check the spelling"
	case errors.Is(err, access.ErrDisabled):
		advice = "This user is disabled; ask an administrator to enable it"
	case errors.Is(err, access.ErrLastAdmin):
		advice = "The workspace must keep an active administrator; make another user admin first"
	case errors.Is(err, access.ErrNameTaken):
		advice = "Another user already has that name; choose another"
	case errors.Is(err, access.ErrBadName):
		advice = "A name needs 1 to 64 printable characters"
	case errors.Is(err, access.ErrTooShort):
		advice = fmt.Sprintf("Choose a passphrase of at least %d characters", access.MinPassphraseLen)
	case errors.Is(err, access.ErrMismatch):
		advice = "The two passphrases differ; type the same passphrase twice"
	case errors.Is(err, core.ErrAlreadySetUp):
		advice = "The workspace already has an administrator; sign in with --user NAME instead"
	case errors.Is(err, core.ErrUserHasSources):
		advice = "The user has sources; add --transfer-to NAME or --disconnect"
	case errors.Is(err, core.ErrBadTransfer):
		advice = "Sources can go only to another active user with write or admin privilege; choose another"
	case errors.Is(err, core.ErrUnknownSource):
		advice = fmt.Sprintf("There is no source with that id; '%s sources list' shows the ids", prog)
	case errors.Is(err, core.ErrUnknownIntegration):
		advice = fmt.Sprintf("There is no such integration; '%s integrations list' shows their ids", prog)
	case errors.Is(err, core.ErrIntegrationInUse):
		advice = "The integration has sources; add --disconnect to disconnect them and remove it"
	case errors.Is(err, core.ErrCredentialsMissing):
		advice = fmt.Sprintf("Save the client id (and the client secret, where the provider requires one) first, with '%s integrations set'", prog)
	case errors.Is(err, vault.ErrUnavailable):
		advice = "The keychain is not available; unlock or start it and try again"
	case errors.Is(err, vault.ErrTooLarge):
		advice = "The value is too large for this system's keychain"
	default:
		if a := flowAdvice(err); a != "" {
			advice = a
		}
	}
	if advice == "" {
		return capitalise(err.Error()) + "."
	}
	return advice + " (" + err.Error() + ")."
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

// forbidden is the advice for a refusal: whom to ask.
func forbidden(err error) string {
	if errors.Is(err, access.ErrOwnerOnly) {
		return "Only the owner of the source may do this, administrators included; ask its owner"
	}
	return "Your privilege does not allow this; ask an administrator"
}
