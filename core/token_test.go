package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
)

func TestAccessToken(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")

	calls := tm.srv.TokenRequests()
	got, err := tm.app.AccessToken(ctx, tm.writer, src.ID)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	stored := tm.token(t, src.ID)
	if got.Reveal() != stored.AccessToken || tm.srv.TokenRequests() != calls {
		t.Errorf("valid token: got another one or %d token requests; want the stored one, no request", tm.srv.TokenRequests()-calls)
	}
	e := tm.lastEntry(t)
	if e.Action != string(access.SourceToken) || e.Outcome != store.OutcomeOK || strings.Contains(e.Detail, got.Reveal()) {
		t.Errorf("entry = %+v, want source.token ok without the token", e)
	}

	// Expired: refreshed, saved, then handed out.
	tm.clk.Advance(stored.Expiry.Sub(tm.clk.Now()) + time.Minute)
	writer, err := tm.app.SignIn(ctx, "wendy", secret(writerPass)) // the idle lock closed the first session
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := tm.app.AccessToken(ctx, writer, src.ID)
	if err != nil {
		t.Fatalf("AccessToken after expiry: %v", err)
	}
	if fresh.Reveal() == got.Reveal() || fresh.Reveal() != tm.token(t, src.ID).AccessToken {
		t.Errorf("expired token: want a new one, the one now in the keychain")
	}
	if strings.Contains(string(tm.log.Bytes()), fresh.Reveal()) {
		t.Errorf("the log holds the access token")
	}

	reader, err := tm.app.SignIn(ctx, "rita", secret(readerPass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.app.AccessToken(ctx, reader, src.ID); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("reader: got %v, want ErrForbidden", err)
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceToken) || e.Outcome != store.OutcomeDenied || e.Actor != "rita" {
		t.Errorf("entry = %+v, want rita's denied source.token", e)
	}
}

// TestAccessTokenOwnerOnly: a token acts as the account at the provider, so only the source's
// owner gets one; an administrator who is not the owner is refused, and gets their own.
func TestAccessTokenOwnerOnly(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	wendys := tm.connect(t, tm.writer, "idp")
	if _, err := tm.app.AccessToken(ctx, tm.admin, wendys.ID); !errors.Is(err, access.ErrOwnerOnly) || !errors.Is(err, access.ErrForbidden) {
		t.Errorf("admin, not the owner: got %v, want ErrOwnerOnly (an ErrForbidden)", err)
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceToken) || e.Outcome != store.OutcomeDenied || e.Actor != "root" {
		t.Errorf("entry = %+v, want root's denied source.token", e)
	}
	if tok, err := tm.app.AccessToken(ctx, tm.writer, wendys.ID); err != nil || tok.Reveal() != tm.token(t, wendys.ID).AccessToken {
		t.Errorf("owner: got %v, want the source's token", err)
	}
	tm.srv.SetUser(authtest.User{Subject: "root-at-idp", Email: "root@example.com", Name: "Root"})
	roots := tm.connect(t, tm.admin, "idp")
	if tok, err := tm.app.AccessToken(ctx, tm.admin, roots.ID); err != nil || tok.Reveal() != tm.token(t, roots.ID).AccessToken {
		t.Errorf("admin, owner: got %v, want the source's token", err)
	}
}

// With the provider down, a valid token is still handed out (preparing the integration, a
// discovery call for OpenID Connect, waits until a refresh needs it); an expired one is
// ErrOffline and marks the source offline; once the provider is back, the next call refreshes
// and the source is connected again.
func TestAccessTokenProviderDown(t *testing.T) {
	for _, provider := range []string{"oauth2", "oidc"} {
		t.Run(provider, func(t *testing.T) {
			ctx := context.Background()
			tm := newConnectTeam(t)
			tm.addIntegration(t, integrationSpec{id: "idp", provider: provider})
			src := tm.connect(t, tm.writer, "idp")
			stored := tm.token(t, src.ID)
			tm.srv.Stop()

			got, err := tm.app.AccessToken(ctx, tm.writer, src.ID)
			if err != nil || got.Reveal() != stored.AccessToken {
				t.Fatalf("valid token, provider down: err %v, same token %t; want the stored token", err, got.Reveal() == stored.AccessToken)
			}

			tm.clk.Advance(stored.Expiry.Sub(tm.clk.Now()) + time.Minute)
			writer, err := tm.app.SignIn(ctx, "wendy", secret(writerPass))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tm.app.AccessToken(ctx, writer, src.ID); !errors.Is(err, ErrOffline) {
				t.Fatalf("expired token, provider down: got %v, want ErrOffline", err)
			}
			if r := tm.row(t, src.ID); r.Status != StatusOffline {
				t.Errorf("status = %s, want %s", r.Status, StatusOffline)
			}
			if e := tm.lastEntry(t); e.Action != string(access.SourceToken) || e.Outcome != store.OutcomeFailed {
				t.Errorf("entry = %+v, want a failed source.token", e)
			}

			tm.srv.Start()
			fresh, err := tm.app.AccessToken(ctx, writer, src.ID)
			if err != nil || fresh.Reveal() == stored.AccessToken {
				t.Fatalf("provider back: err %v, new token %t; want a refreshed token", err, fresh.Reveal() != stored.AccessToken)
			}
			if r := tm.row(t, src.ID); r.Status != StatusConnected {
				t.Errorf("status after the provider came back = %s, want %s", r.Status, StatusConnected)
			}
		})
	}
}
