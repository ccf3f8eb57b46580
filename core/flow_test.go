package core

import (
	"strings"
	"testing"

	"github.com/medialake/connect/core/loopback"
)

// The test authorization's advice blames the redirect URI only for a provider's code that says
// so, not for fosite's ordinary invalid_grant text, which speaks of "the redirection URI".
func TestTestCauseRedirect(t *testing.T) {
	const fositeGrant = "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token " +
		"is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued " +
		"to another client. The PKCE code challenge did not match the code verifier."
	cases := []struct {
		name string
		err  error
		want bool // the cause says the redirect URI is not registered
	}{
		{"wrong PKCE verifier", &loopback.ExchangeError{Status: 400, Code: "invalid_grant", Description: fositeGrant}, false},
		{"redirect_uri_mismatch", &loopback.ExchangeError{Status: 400, Code: "redirect_uri_mismatch"}, true},
		{"Microsoft AADSTS50011", &loopback.ExchangeError{Status: 400, Code: "invalid_request",
			Description: "AADSTS50011: The redirect URI 'http://localhost:1/callback' specified in the request does not match " +
				"the redirect URIs configured for the application."}, true},
		{"redirect_uri_mismatch on the callback", &loopback.ProviderError{Code: "redirect_uri_mismatch"}, true},
		{"access denied naming a redirect", &loopback.ProviderError{Code: "access_denied", Description: "redirect refused"}, false},
	}
	for _, c := range cases {
		cause := testCause(c.err, "http://127.0.0.1/callback")
		if got := strings.HasPrefix(cause, "Redirect URI not registered"); got != c.want {
			t.Errorf("%s: cause %q; redirect advice %t, want %t", c.name, cause, got, c.want)
		}
	}
}
