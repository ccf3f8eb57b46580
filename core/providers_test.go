package core

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
)

// These tests play what each provider really does (issue: consent, revocation, limits),
// each against the authorization server configured to act like the provider.

// revokeAtServer revokes refreshToken of client id at the server, as the account's owner
// removing the app's access at the provider (or Google's 7-day limit of an app in Testing)
// does: the grant is gone before the app's own revocation.
func revokeAtServer(t *testing.T, srv *authtest.Server, id, secretText, refreshToken string) {
	t.Helper()
	_, _, revoke, _, _ := srv.Endpoints()
	form := url.Values{"token": {refreshToken}, "token_type_hint": {"refresh_token"}, "client_id": {id}, "client_secret": {secretText}}
	resp, err := http.PostForm(revoke, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke at the server: %s", resp.Status)
	}
}

// Google answers 400 invalid_token when asked to revoke a token it already dropped; the
// disconnect is done, not "revocation pending" for ever.
func TestDisconnectOfTokenTheProviderDropped(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeamAt(t, authtest.New(t, authtest.WithDeadTokenRevocation400()), nil)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2", atServer: "s3cret", sent: "s3cret"})
	src := tm.connect(t, tm.writer, "typed")
	revokeAtServer(t, tm.srv, "typed", "s3cret", tm.token(t, src.ID).RefreshToken)
	before := tm.srv.RevokeRequests()

	if err := tm.app.Disconnect(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Disconnect of a token the provider dropped: %v; want it done", err)
	}
	if n := tm.srv.RevokeRequests() - before; n != 1 {
		t.Errorf("revocation requests = %d, want 1 (answered 400 invalid_token)", n)
	}
	if n, keys := len(tm.rows(t)), tm.sourceKeys(t); n != 0 || len(keys) != 0 {
		t.Errorf("%d sources and keychain entries %v left; want none", n, keys)
	}
	if e := tm.lastEntry(t); e.Outcome != store.OutcomeOK {
		t.Errorf("entry = %+v, want ok", e)
	}
}

// A 400 that is not about the token (the client's credentials are refused) still leaves the
// revocation pending: only "this token is not valid" means done.
func TestDisconnectRefusedClientStaysPending(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeamAt(t, authtest.New(t, authtest.WithDeadTokenRevocation400()), nil)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2", atServer: "s3cret", sent: "s3cret"})
	src := tm.connect(t, tm.writer, "typed")
	tm.srv.AddClient(authtest.Client{ID: "typed", Secret: "rotated-at-the-console", RedirectURIs: []string{"http://127.0.0.1/callback"}})

	err := tm.app.Disconnect(ctx, tm.writer, src.ID)
	if err == nil || !strings.Contains(err.Error(), "revocation") {
		t.Fatalf("Disconnect with a refused client = %v; want the revocation pending", err)
	}
	if rows := tm.rows(t); len(rows) != 1 || rows[0].Status != store.StatusRevocationPending {
		t.Errorf("rows = %+v, want the source kept as revocation pending", rows)
	}
}
