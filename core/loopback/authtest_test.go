package loopback

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/testkit"
	"golang.org/x/oauth2"
)

// The whole flow against a real authorization server, for a public and a confidential
// client, and with a wrong client secret.
func TestConnectAgainstServer(t *testing.T) {
	cases := []struct {
		name       string
		registered string // the client secret at the server; "" is a public client
		sent       string // the client secret the app sends
		style      oauth2.AuthStyle
		wantCode   string // the ExchangeError's code; "" expects a token
	}{
		{"public client", "", "", oauth2.AuthStyleInParams, ""},
		{"confidential client, basic auth", "s3cret", "s3cret", oauth2.AuthStyleInHeader, ""},
		{"confidential client, secret in body", "s3cret", "s3cret", oauth2.AuthStyleInParams, ""},
		{"wrong client secret", "s3cret", "wrong", oauth2.AuthStyleInHeader, "invalid_client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := authtest.New(t)
			srv.AddClient(authtest.Client{ID: "desktop", Secret: c.registered, RedirectURIs: []string{"http://127.0.0.1/callback"}})
			auth, token, _, _, _ := srv.Endpoints()
			var steps []Step
			f := start(t, Config{
				OAuth2: &oauth2.Config{
					ClientID:     "desktop",
					ClientSecret: c.sent,
					Scopes:       []string{"files.read"},
					Endpoint:     oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: c.style},
				},
				Issuer:     srv.Issuer(),
				AuthParams: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline},
				HTTPClient: noKeepAlive(t),
				Progress:   func(s Step) { steps = append(steps, s) },
			})
			if len(steps) != 1 || steps[0] != StepListening {
				t.Fatalf("steps after Start = %v, want listening", steps)
			}
			if code, err := testkit.NewBrowser(t, srv).Visit(f.AuthURL()); err != nil || code != http.StatusOK {
				t.Fatalf("the browser did not reach the callback: %d, %v", code, err)
			}

			tok, err := wait(t, f)
			if c.wantCode == "" {
				if err != nil {
					t.Fatalf("Wait: %v", err)
				}
				if tok.AccessToken == "" || tok.RefreshToken == "" || !tok.Valid() {
					t.Errorf("token: access %t, refresh %t, valid %t; want all", tok.AccessToken != "", tok.RefreshToken != "", tok.Valid())
				}
			} else {
				var xe *ExchangeError
				if !errors.As(err, &xe) || xe.Code != c.wantCode {
					t.Fatalf("Wait = %v, want *ExchangeError %s", err, c.wantCode)
				}
				if !strings.Contains(err.Error(), "client id or client secret") {
					t.Errorf("message = %q, want it to name the client id or secret", err.Error())
				}
			}
			if n := srv.TokenRequests(); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
			assertClosed(t, f)
		})
	}
}

// A real server sends its own iss, which differs from the integration's issuer here, so the
// code is never exchanged.
func TestConnectIssuerMismatch(t *testing.T) {
	srv := authtest.New(t)
	f := start(t, publicClient(t, srv, "https://login.example.com"))
	// The browser lands on the failure page, so it is run here rather than as OpenURL.
	if code, err := testkit.NewBrowser(t, srv).Visit(f.AuthURL()); err != nil || code != http.StatusBadRequest {
		t.Errorf("browser step = %d, %v; want the failure page (400)", code, err)
	}
	if _, err := wait(t, f); !errors.Is(err, ErrIssuerMismatch) {
		t.Fatalf("Wait = %v, want ErrIssuerMismatch", err)
	}
	if n := srv.TokenRequests(); n != 0 {
		t.Errorf("token requests = %d, want 0", n)
	}
	assertClosed(t, f)
}

// The pasted-address path against the server: the browser's redirect never reaches the
// listener; the user pastes it.
func TestConnectByPastedURL(t *testing.T) {
	srv := authtest.New(t)
	f := start(t, publicClient(t, srv, srv.Issuer()))
	loc, err := srv.Authorize(context.Background(), f.AuthURL())
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	tok, err := f.CompleteFromURL(context.Background(), loc.String())
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("CompleteFromURL = %v, %v; want a token", tok, err)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	assertClosed(t, f)
}

// publicClient registers a public client at srv and returns a flow configuration for it that
// expects issuer in the callback.
func publicClient(t *testing.T, srv *authtest.Server, issuer string) Config {
	t.Helper()
	srv.AddClient(authtest.Client{ID: "desktop", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	auth, token, _, _, _ := srv.Endpoints()
	return Config{
		OAuth2: &oauth2.Config{
			ClientID: "desktop",
			Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInParams},
		},
		Issuer:     issuer,
		HTTPClient: noKeepAlive(t),
	}
}

// A wrong PKCE verifier at a real server is an invalid_grant whose description speaks of "the
// redirection URI" among other causes; it is not taken for an unregistered redirect URI.
func TestWrongVerifierIsNotRedirectMismatch(t *testing.T) {
	srv := authtest.New(t)
	f := start(t, publicClient(t, srv, srv.Issuer()))
	f.verifier = oauth2.GenerateVerifier() // not the one whose challenge the AuthURL carries
	if code, err := testkit.NewBrowser(t, srv).Visit(f.AuthURL()); err != nil || code != http.StatusOK {
		t.Fatalf("browser step: %d, %v", code, err)
	}
	_, err := wait(t, f)
	var xe *ExchangeError
	if !errors.As(err, &xe) || xe.Code != "invalid_grant" {
		t.Fatalf("Wait = %v, want the server's invalid_grant", err)
	}
	t.Logf("description: %q", xe.Description)
	if !strings.Contains(strings.ToLower(xe.Description), "redirect") {
		t.Logf("the server's description no longer says redirect: %q", xe.Description)
	}
	if errors.Is(err, ErrRedirectNotRegistered) || strings.Contains(err.Error(), "redirect URI is not registered") {
		t.Errorf("Wait = %v, want no redirect-URI advice for a wrong verifier", err)
	}
	if n := srv.TokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}
