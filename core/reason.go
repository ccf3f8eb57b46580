package core

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
)

// Reason is what went wrong, in the few kinds the front ends tell apart: core is the one place
// that reads the lower packages' sentinels and typed errors, and each front end keeps one
// table from a Reason to its own words.
type Reason int

// The reasons, from ReasonOf. ReasonUnknown is an error that none of them describes: a front
// end shows its text.
const (
	ReasonNone Reason = iota // no error
	ReasonUnknown

	// Profiles and sessions.
	ReasonLockedOut // too many wrong passphrases: an *access.LockedError says until when
	ReasonWrongPassphrase
	ReasonUnknownUser
	ReasonUserDisabled
	ReasonSessionLocked
	ReasonSessionEnded
	ReasonOwnerOnly // a refusal that no privilege lifts: only the owner may
	// ReasonNoScriptAccess: a program without sign-in asked for a source's token that its owner
	// did not let programs have; a *NoScriptAccessError names the source and its owner.
	ReasonNoScriptAccess
	ReasonForbidden
	ReasonLastAdmin
	ReasonNameTaken
	ReasonBadName
	ReasonTooShort
	ReasonMismatch
	ReasonAlreadySetUp
	ReasonUserHasSources
	ReasonBadTransfer

	// Integrations.
	ReasonInvalid // a *ValidationError names the fields
	ReasonIntegrationInUse
	ReasonCredentialsMissing
	ReasonClientTypeMissing
	ReasonUnknownIntegration
	ReasonBadKind
	ReasonIntegrationDisabled
	ReasonNotSetUp // the saved settings do not make a usable provider

	// Sources and the sign-in.
	ReasonUnknownSource
	ReasonAlreadyConnected // an *AlreadyConnectedError names the source
	ReasonDifferentAccount // a *DifferentAccountError names both accounts
	ReasonRevocationPending
	ReasonSharedGrant // a *SharedGrantError: revoking would end other sources of the same account
	ReasonNeedsReconnect
	ReasonCancelled
	ReasonTimeout
	ReasonPortBusy
	ReasonStateMismatch // a pasted address of another sign-in
	ReasonNotCallback   // a pasted address that is not a callback
	ReasonIssuerMismatch
	ReasonIssuerMissing
	ReasonRedirectMismatch // the redirect URI is not registered at the provider
	ReasonBadClient        // the token endpoint refused the client id or secret
	ReasonScope
	ReasonDenied
	ReasonWrongAppType     // the authorization endpoint refused this kind of app
	ReasonSingleTenant     // Microsoft: a single-tenant registration signed in at common (AADSTS50194)
	ReasonAppNotInTenant   // Microsoft: no such app in the tenant signed in at (AADSTS700016)
	ReasonProviderRefused  // another refusal on the callback: a *ProviderError
	ReasonExchangeRefused  // another refusal at the token endpoint: an *ExchangeError
	ReasonNoAccount        // the provider did not say who signed in
	ReasonAccessNotGranted // an *AccessNotGrantedError: the person withheld the access to files
	ReasonMissingEndpoint  // no who-am-I address, or a discovery document without endpoints
	ReasonBadDiscovery
	ReasonOffline
	ReasonProviderError    // the provider refused a refresh or a revocation, not with invalid_grant
	ReasonSandboxPortTaken // another program listens on the built-in sandbox's port

	// The keychain.
	ReasonKeychain
	ReasonSecretMissing
	ReasonSecretTooLarge
	ReasonSecretDamaged // a split secret with a part missing or changed

	// Export and import files.
	ReasonFileExists
	ReasonFileKey // the passphrase or identity does not open the file
	ReasonBadFile // empty, not an export, truncated or changed
	ReasonFileNewer
	ReasonBadRecipient // a recipient or an identity file that is not one
	ReasonNotInFile
	ReasonReplaceUnsafe
	ReasonRestoreNotAdmin

	reasonEnd // one past the last reason: Reasons walks up to it, so a new reason is never left out
)

// Reasons lists every reason an error can have, ReasonUnknown included and ReasonNone not,
// in the order of their declaration; a front end's test walks it to find a reason it has no
// words for.
func Reasons() []Reason {
	rs := make([]Reason, 0, reasonEnd-ReasonUnknown)
	for r := ReasonUnknown; r < reasonEnd; r++ {
		rs = append(rs, r)
	}
	return rs
}

// ProviderError is the provider's error= answer on the callback; errors.As finds it in an
// error of ReasonDenied, ReasonScope, ReasonWrongAppType or ReasonProviderRefused.
type ProviderError = loopback.ProviderError

// ExchangeError is the token endpoint's refusal of the authorization code; errors.As finds it
// in an error of ReasonBadClient or ReasonExchangeRefused.
type ExchangeError = loopback.ExchangeError

// sentinels lists, in the order they are tried, the errors a Reason stands for. The order
// settles an error that wraps two: the more specific first (owner-only is also forbidden).
var sentinels = []struct {
	err    error
	reason Reason
}{
	{access.ErrWrongPassphrase, ReasonWrongPassphrase},
	{access.ErrUnknownUser, ReasonUnknownUser},
	{access.ErrDisabled, ReasonUserDisabled},
	{access.ErrSessionLocked, ReasonSessionLocked},
	{access.ErrSessionEnded, ReasonSessionEnded},
	{access.ErrOwnerOnly, ReasonOwnerOnly},
	{ErrNoScriptAccess, ReasonNoScriptAccess},
	{access.ErrForbidden, ReasonForbidden},
	{access.ErrLastAdmin, ReasonLastAdmin},
	{access.ErrNameTaken, ReasonNameTaken},
	{access.ErrBadName, ReasonBadName},
	{access.ErrTooShort, ReasonTooShort},
	{access.ErrMismatch, ReasonMismatch},
	{ErrAlreadySetUp, ReasonAlreadySetUp},
	{ErrUserHasSources, ReasonUserHasSources},
	{ErrBadTransfer, ReasonBadTransfer},
	{ErrIntegrationInUse, ReasonIntegrationInUse},
	{ErrCredentialsMissing, ReasonCredentialsMissing},
	{ErrClientTypeMissing, ReasonClientTypeMissing},
	{ErrUnknownIntegration, ReasonUnknownIntegration},
	{ErrUnknownSource, ReasonUnknownSource},
	{ErrBadKind, ReasonBadKind},
	{ErrAlreadyConnected, ReasonAlreadyConnected},
	{ErrDifferentAccount, ReasonDifferentAccount},
	{ErrIntegrationDisabled, ReasonIntegrationDisabled},
	{ErrRevocationPending, ReasonRevocationPending},
	{ErrSharedGrant, ReasonSharedGrant},
	{ErrNeedsReconnect, ReasonNeedsReconnect},
	{ErrSandboxPortTaken, ReasonSandboxPortTaken},
	{ErrOffline, ReasonOffline},
	{tokens.ErrProvider, ReasonProviderError},
	{loopback.ErrCanceled, ReasonCancelled},
	{context.Canceled, ReasonCancelled},
	{loopback.ErrTimeout, ReasonTimeout},
	{loopback.ErrPortBusy, ReasonPortBusy},
	{loopback.ErrStateMismatch, ReasonStateMismatch},
	{loopback.ErrNotCallback, ReasonNotCallback},
	{loopback.ErrIssuerMismatch, ReasonIssuerMismatch},
	{catalog.ErrIssuerMismatch, ReasonIssuerMismatch},
	{loopback.ErrIssuerMissing, ReasonIssuerMissing},
	{loopback.ErrRedirectNotRegistered, ReasonRedirectMismatch}, // from error codes, never free text
	{catalog.ErrNoAccount, ReasonNoAccount},
	{ErrAccessNotGranted, ReasonAccessNotGranted},
	{catalog.ErrMissingEndpoint, ReasonMissingEndpoint},
	{catalog.ErrBadDiscovery, ReasonBadDiscovery},
	{catalog.ErrInvalidSettings, ReasonNotSetUp},
	{vault.ErrUnavailable, ReasonKeychain},
	{vault.ErrNotFound, ReasonSecretMissing},
	{vault.ErrTooLarge, ReasonSecretTooLarge},
	{vault.ErrDamaged, ReasonSecretDamaged},
	{ErrFileExists, ReasonFileExists},
	{ErrFileKey, ReasonFileKey},
	{ErrFileEmpty, ReasonBadFile},
	{ErrNotExport, ReasonBadFile},
	{ErrFileDamaged, ReasonBadFile},
	{ErrFileNewer, ReasonFileNewer},
	{ErrBadRecipient, ReasonBadRecipient},
	{ErrBadIdentity, ReasonBadRecipient},
	{ErrNoFileKey, ReasonBadRecipient},
	{ErrNotInFile, ReasonNotInFile},
	{ErrReplaceUnsafe, ReasonReplaceUnsafe},
	{ErrRestoreNotAdmin, ReasonRestoreNotAdmin},
}

// ReasonOf classifies err for the front ends: ReasonNone for nil, ReasonUnknown for an error
// no reason describes.
func ReasonOf(err error) Reason {
	if err == nil {
		return ReasonNone
	}
	var locked *access.LockedError
	var invalid *ValidationError
	switch {
	case errors.As(err, &locked):
		return ReasonLockedOut
	case errors.As(err, &invalid):
		return ReasonInvalid
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.reason
		}
	}
	if r := refusal(err); r != ReasonUnknown {
		return r
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return ReasonOffline
	}
	return ReasonUnknown
}

// microsoftCodes are the AADSTS codes of Microsoft's refusals that have advice of their own;
// they are in the error_description, behind an RFC 6749 code too vague to act on.
var microsoftCodes = map[string]Reason{"AADSTS50194": ReasonSingleTenant, "AADSTS700016": ReasonAppNotInTenant}

// refusal classifies a provider's refusal by its RFC 6749 error code.
func refusal(err error) Reason {
	var pe *ProviderError
	var xe *ExchangeError
	var descr string
	switch {
	case errors.As(err, &xe):
		descr = xe.Description
	case errors.As(err, &pe):
		descr = pe.Description
	}
	for code, r := range microsoftCodes {
		if strings.Contains(descr, code+":") || strings.HasSuffix(descr, code) {
			return r
		}
	}
	switch {
	case errors.As(err, &xe):
		switch xe.Code {
		case "invalid_client", "unauthorized_client":
			return ReasonBadClient
		case "invalid_scope":
			return ReasonScope
		}
		return ReasonExchangeRefused
	case errors.As(err, &pe):
		switch pe.Code {
		case "invalid_client":
			return ReasonBadClient
		case "invalid_scope":
			return ReasonScope
		case "access_denied":
			return ReasonDenied
		case "unauthorized_client", "unsupported_response_type":
			return ReasonWrongAppType
		}
		return ReasonProviderRefused
	}
	return ReasonUnknown
}
