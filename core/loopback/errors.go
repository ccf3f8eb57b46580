package loopback

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/escape"
)

var (
	// ErrPortBusy means the fixed port is taken by another program; Start returns it before the
	// browser opens.
	ErrPortBusy = errors.New("the fixed callback port is already in use by another program")
	// ErrTimeout means no callback arrived before the flow's deadline.
	ErrTimeout = errors.New("timed out waiting for the sign-in in the browser")
	// ErrCanceled means the caller canceled the flow or closed it.
	ErrCanceled = errors.New("sign-in canceled")
	// ErrStateMismatch means a callback or pasted address lacks this flow's state; the flow keeps
	// waiting.
	ErrStateMismatch = errors.New("the address does not belong to this sign-in (state mismatch)")
	// ErrIssuerMismatch means the callback named another authorization server in iss (RFC 9207),
	// the mark of a mix-up attack; the code is never exchanged.
	ErrIssuerMismatch = errors.New("the answer came from another authorization server (issuer mismatch)")
	// ErrIssuerMissing means the callback did not name its authorization server (no iss),
	// although the provider's discovery document says it always does (RFC 9207); the code is
	// never exchanged.
	ErrIssuerMissing = errors.New("the answer did not say which authorization server sent it (no iss), " +
		"though the provider's discovery document promises it")
	// ErrRedirectNotRegistered matches a *ProviderError or *ExchangeError whose code or
	// documented text says the redirect URI is not registered at the provider.
	ErrRedirectNotRegistered = errors.New("the redirect URI is not registered at the provider")
	// ErrNotCallback means a pasted address is not this flow's callback address, or a callback
	// is malformed (no code, repeated parameters); the flow keeps waiting.
	ErrNotCallback = errors.New("not a callback address of this sign-in")
)

// errFinished is returned for a callback with the right state after the flow has ended.
var errFinished = errors.New("sign-in already finished")

// maxDescription bounds the provider's free text kept in an error message.
const maxDescription = 300

// ProviderError is an error= answer from the provider on the callback (RFC 6749 section
// 4.1.2.1).
type ProviderError struct {
	// Provider names the provider in the message (Config.Provider); "" reads "the provider".
	Provider    string
	Code        string // RFC 6749 "error", e.g. access_denied
	Description string // "error_description", the provider's own text; may be empty
	URI         string // "error_uri"; may be empty
}

// Error reads, e.g., "access was denied at Google Drive (access_denied)".
func (e *ProviderError) Error() string {
	at := e.Provider
	if at == "" {
		at = "the provider"
	}
	msg := providerText(e.Code, at)
	if redirectNotRegistered(e.Code, e.Description) {
		msg = redirectText
	}
	return msg + detail(e.Code, e.Description)
}

// Is makes errors.Is(err, ErrRedirectNotRegistered) true for a refused redirect URI.
func (e *ProviderError) Is(target error) bool {
	return target == ErrRedirectNotRegistered && redirectNotRegistered(e.Code, e.Description)
}

// providerText says what an error code of the authorization endpoint means.
func providerText(code, at string) string {
	var msg string
	switch code {
	case "access_denied":
		msg = "access was denied at " + at
	case "invalid_scope":
		msg = "the provider refused the requested scopes"
	case "unauthorized_client", "unsupported_response_type":
		msg = "the provider does not allow this app to sign in this way"
	case "invalid_request":
		msg = "the provider refused the sign-in request"
	case "login_required", "consent_required", "interaction_required", "account_selection_required":
		msg = "the provider needs the user to sign in or consent again"
	case "server_error":
		msg = "the provider had an internal error"
	case "temporarily_unavailable":
		msg = "the provider is temporarily unavailable"
	default:
		msg = "the provider refused the sign-in"
	}
	return msg
}

// ExchangeError is the token endpoint's refusal of the authorization code, converted from
// *oauth2.RetrieveError. Its message says what the provider refused; what to do about it is
// the front end's to say, from core.ReasonOf.
type ExchangeError struct {
	Status      int    // HTTP status of the token response
	Code        string // RFC 6749 "error", e.g. invalid_client
	Description string // "error_description"; may be empty
	URI         string // "error_uri"; may be empty
}

func newExchangeError(re *oauth2.RetrieveError) *ExchangeError {
	e := &ExchangeError{Code: re.ErrorCode, Description: re.ErrorDescription, URI: re.ErrorURI}
	if re.Response != nil {
		e.Status = re.Response.StatusCode
	}
	return e
}

// Error reads, e.g., "the provider refused the client id or client secret (invalid_client)".
func (e *ExchangeError) Error() string {
	var msg string
	switch {
	case redirectNotRegistered(e.Code, e.Description):
		msg = redirectText
	case e.Code == "invalid_client", e.Code == "unauthorized_client":
		msg = "the provider refused the client id or client secret"
	case e.Code == "invalid_grant":
		// Also a wrong PKCE verifier or a redirect URI that differs from the authorization
		// request's: neither is the person's doing.
		msg = "the provider refused the authorization code: it expired, was already used or did not match this sign-in"
	case e.Code == "invalid_scope":
		msg = "a requested scope is missing from the app's registration at the provider"
	case e.Code == "":
		msg = fmt.Sprintf("the provider's token endpoint answered %d %s", e.Status, http.StatusText(e.Status))
	default:
		msg = "the provider refused the token request"
	}
	return msg + detail(e.Code, e.Description)
}

// Is makes errors.Is(err, ErrRedirectNotRegistered) true for a refused redirect URI.
func (e *ExchangeError) Is(target error) bool {
	return target == ErrRedirectNotRegistered && redirectNotRegistered(e.Code, e.Description)
}

const redirectText = "the redirect URI is not registered at the provider"

// redirectNotRegistered reports whether an error answer says that the redirect URI is not
// registered, from its error code or from the code a provider documents at the head of its
// description, never from a word of free text: fosite's ordinary invalid_grant text, for one,
// speaks of "the redirection URI" whatever went wrong.
//   - redirect_uri_mismatch: Google's code, on its token endpoint and its error page; Box's too.
//   - AADSTS50011 (the redirect URI does not match a registered one) and AADSTS500113 (none
//     registered): Microsoft Entra ID, whose descriptions begin "AADSTSnnnnn: ".
//
// Dropbox shows a wrong redirect URI on its own page and documents no code for it.
func redirectNotRegistered(code, description string) bool {
	if code == "redirect_uri_mismatch" {
		return true
	}
	switch entraCode(description) {
	case "AADSTS50011", "AADSTS500113":
		return true
	}
	return false
}

// entraCode returns the Microsoft Entra code that begins description ("AADSTS50011: The
// redirect URI ..."), or "".
func entraCode(description string) string {
	head, _, ok := strings.Cut(description, ":")
	digits, isEntra := strings.CutPrefix(head, "AADSTS")
	if !ok || !isEntra || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return ""
	}
	return head
}

// detail formats " (code: description)" with the provider's text made printable and short.
func detail(code, description string) string {
	code, description = printable(code, 64), printable(description, maxDescription)
	switch {
	case code == "" && description == "":
		return ""
	case description == "":
		return " (" + code + ")"
	case code == "":
		return " (" + description + ")"
	}
	return " (" + code + ": " + description + ")"
}

// printable escapes controls and bidirectional marks (escape.Text, the rule every other text
// a provider sends follows) and cuts s to at most n characters: the text comes from the
// network and ends up in a dialog, a terminal and a log line. It is escaped before it is cut,
// so an escape cannot push the text past its bound.
func printable(s string, n int) string {
	return escape.Cut(escape.Text(strings.TrimSpace(s)), n)
}
