package core

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
)

// RFC 9207: where the issuer's discovery document promises iss in every answer, a callback
// without it is refused before the code is exchanged, with an error that says so; where the
// document promises nothing, a callback without iss is fine.
func TestConnectRequiresPromisedIss(t *testing.T) {
	cases := []struct {
		name string
		opts []authtest.Option
		want error // nil: connected
	}{
		{"iss promised and sent", nil, nil},
		{"iss promised, none sent", []authtest.Option{authtest.WithoutIss()}, loopback.ErrIssuerMissing},
		{"iss not promised, none sent", []authtest.Option{authtest.WithoutIss(), authtest.WithIssAdvertised(false)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			tm := newConnectTeam(t)
			tm.srv = authtest.New(t, c.opts...)
			tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
			src, err := tm.app.Connect(ctx, tm.writer, "idp", tm.hooks(t, nil))
			if c.want == nil {
				if err != nil || src.Account != authtest.DefaultUser.Email {
					t.Fatalf("Connect = %+v, %v; want %s connected", src, err, authtest.DefaultUser.Email)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), "no iss") {
				t.Fatalf("Connect = %v, want %v", err, c.want)
			}
			if n := tm.srv.TokenRequests(); n != 0 {
				t.Errorf("token requests = %d, want 0: the code must not be exchanged", n)
			}
			if sources, err := store.Sources(ctx, tm.app.db, store.SourceFilter{}); err != nil || len(sources) != 0 {
				t.Errorf("sources = %v, %v; want none", sources, err)
			}
		})
	}
}

// An unregistered redirect URI, whose advice names the URI to register, is the reason only of a
// provider's code that says so, not of fosite's ordinary invalid_grant text, which speaks of
// "the redirection URI".
func TestRedirectMismatchOnlyForItsCodes(t *testing.T) {
	const fositeGrant = "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token " +
		"is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued " +
		"to another client. The PKCE code challenge did not match the code verifier."
	cases := []struct {
		name string
		err  error
		want bool // the reason is an unregistered redirect URI
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
		if got := ReasonOf(c.err) == ReasonRedirectMismatch; got != c.want {
			t.Errorf("%s: reason %d; an unregistered redirect URI %t, want %t", c.name, ReasonOf(c.err), got, c.want)
		}
	}
}

// A fixed port another program holds fails the sign-in before the browser opens: core opens
// it, and only once the listener is up (moved here from loopback, which opens none).
func TestConnectBusyPortOpensNoBrowser(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oauth2", port: busy.Addr().(*net.TCPAddr).Port})
	opened := false
	_, err = tm.app.Connect(context.Background(), tm.writer, "idp", FlowHooks{OpenURL: func(string) error { opened = true; return nil }})
	if ReasonOf(err) != ReasonPortBusy {
		t.Errorf("Connect on a busy port = %v, want ReasonPortBusy", err)
	}
	if opened {
		t.Error("the browser opened although the port was busy")
	}
}
