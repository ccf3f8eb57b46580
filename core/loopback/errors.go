package loopback

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/oauth2"
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
	var msg string
	switch e.Code {
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
	return msg + detail(e.Code, e.Description)
}

// ExchangeError is the token endpoint's refusal of the authorization code, converted from
// *oauth2.RetrieveError. Its message says what usually causes it.
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

// Error reads, e.g., "the provider refused the client id or client secret: check both in the
// integration (invalid_client)".
func (e *ExchangeError) Error() string {
	var msg string
	switch e.Code {
	case "invalid_client", "unauthorized_client":
		msg = "the provider refused the client id or client secret: check both in the integration"
	case "redirect_uri_mismatch":
		msg = "the redirect URI is not registered at the provider: register it in the provider's app settings"
	case "invalid_grant":
		if strings.Contains(strings.ToLower(e.Description), "redirect") {
			msg = "the redirect URI is not registered at the provider: register it in the provider's app settings"
		} else {
			msg = "the provider refused the authorization code: it expired or was already used; try again"
		}
	case "invalid_scope":
		msg = "a requested scope is missing from the app's registration at the provider"
	case "":
		msg = fmt.Sprintf("the provider's token endpoint answered %d %s", e.Status, http.StatusText(e.Status))
	default:
		msg = "the provider refused the token request"
	}
	return msg + detail(e.Code, e.Description)
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

// printable drops control characters and cuts s to at most n runes: the text comes from the
// network and ends up in a dialog and a log line.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			continue
		}
		b.WriteRune(r)
		n--
	}
	return strings.TrimSpace(b.String())
}
