package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/testkit"
)

// These tests play what each provider really does (consent, revocation, limits),
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

// presetAtServer is an HTTP client that sends a preset's calls to the test server: routes
// maps "host/path" of the provider to the server's path; any other request fails.
func presetAtServer(t *testing.T, srv *authtest.Server, routes map[string]string) *http.Client {
	base, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return egress.New(egress.Config{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		path, ok := routes[r.URL.Host+r.URL.Path]
		if !ok {
			return nil, fmt.Errorf("unexpected request to %s", r.URL.Redacted())
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.URL.Path, r.Host = "http", base.Host, path, ""
		return tr.RoundTrip(r)
	})})
}

// presetBrowser plays the browser for a preset whose authorization endpoint is on host: it
// sends the authorization request to the test server instead and follows the redirect back.
func presetBrowser(t *testing.T, srv *authtest.Server, host string, wg *sync.WaitGroup) func(string) error {
	open := testkit.NewBrowser(t, srv).OpenURL
	auth, _, _, _, _ := srv.Endpoints()
	return func(start string) error {
		authURL, err := authtest.SignInAddress(start)
		if err != nil {
			return err
		}
		u, err := url.Parse(authURL)
		if err != nil || u.Host != host {
			return fmt.Errorf("authorization URL %s is not at %s", authURL, host)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = open(auth + "?" + u.RawQuery) // a failure shows in the flow's outcome
		}()
		return nil
	}
}

const driveScope = "https://www.googleapis.com/auth/drive.readonly"

// googleTeam is a connect team whose Google Drive preset signs in at the test server, which
// sends no iss (Google's issuer is not the server's) and answers like Google.
func googleTeam(t *testing.T, opts ...authtest.Option) (*connectTeam, FlowHooks) {
	t.Helper()
	srv := authtest.New(t, append(opts, authtest.WithoutIss())...)
	client := presetAtServer(t, srv, map[string]string{
		"oauth2.googleapis.com/token":              authtest.TokenPath,
		"oauth2.googleapis.com/revoke":             authtest.RevokePath,
		"openidconnect.googleapis.com/v1/userinfo": authtest.UserinfoPath,
	})
	tm := newConnectTeamAt(t, srv, client)
	srv.AddClient(authtest.Client{ID: "123456789012-desktop.apps.googleusercontent.com", Secret: "g-secret", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	ctx := context.Background()
	err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "google", ClientID: "123456789012-desktop.apps.googleusercontent.com", Secret: secret("g-secret")})
	if err == nil {
		err = tm.app.SetEnabled(ctx, tm.admin, "google", true)
	}
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return tm, FlowHooks{OpenURL: presetBrowser(t, srv, "accounts.google.com", &wg)}
}

// Google's consent screen lets a person untick Drive; the sign-in succeeds all the same.
// Connect refuses such a grant, saving nothing, and a reconnect that loses Drive is refused
// the same way, the source keeping its token.
func TestConnectRefusesWithheldDrive(t *testing.T) {
	ctx := context.Background()
	tm, hooks := googleTeam(t)

	tm.srv.WithholdScopes(driveScope)
	_, err := tm.app.Connect(ctx, tm.writer, "google", hooks)
	var ng *AccessNotGrantedError
	if !errors.As(err, &ng) || ng.Access != "Drive" || !slices.Equal(ng.Scopes, []string{driveScope}) || ReasonOf(err) != ReasonAccessNotGranted {
		t.Fatalf("Connect without Drive = %v; want an AccessNotGrantedError for Drive", err)
	}
	if rows, keys := tm.rows(t), tm.sourceKeys(t); len(rows) != 0 || len(keys) != 0 {
		t.Errorf("saved %d sources, keychain %v; want nothing", len(rows), keys)
	}

	tm.srv.WithholdScopes()
	src, err := tm.app.Connect(ctx, tm.writer, "google", hooks)
	if err != nil {
		t.Fatalf("Connect with Drive granted: %v", err)
	}
	if !slices.Contains(src.Scopes, driveScope) {
		t.Errorf("scopes = %v, want %s among them", src.Scopes, driveScope)
	}
	before := tm.token(t, src.ID)

	tm.srv.WithholdScopes(driveScope)
	_, err = tm.app.Reconnect(ctx, tm.writer, src.ID, hooks)
	if !errors.As(err, &ng) || ng.Access != "Drive" {
		t.Fatalf("Reconnect without Drive = %v; want an AccessNotGrantedError for Drive", err)
	}
	if after := tm.token(t, src.ID); after.RefreshToken != before.RefreshToken {
		t.Errorf("the refused reconnect replaced the token")
	}
	if got, err := tm.app.SourceDetails(ctx, tm.writer, src.ID); err != nil || !slices.Contains(got.Scopes, driveScope) || got.Status != StatusConnected {
		t.Errorf("after the refused reconnect: %+v, %v; want the source as it was", got, err)
	}
}

// microsoftTeam is a connect team whose Microsoft preset, saved as a public client on a
// pinned port, signs in at the test server, which like Microsoft has no revocation endpoint.
func microsoftTeam(t *testing.T) (*connectTeam, FlowHooks) {
	t.Helper()
	srv := authtest.New(t, authtest.WithoutIss(), authtest.WithoutRevocation())
	tm := newConnectTeamAt(t, srv, microsoftAtServer(t, srv))
	port := freePort(t)
	srv.AddClient(authtest.Client{ID: "11112222-aaaa-bbbb-cccc-333344445555", RedirectURIs: []string{fmt.Sprintf("http://localhost:%d/callback", port)}})
	ctx := context.Background()
	err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "microsoft", ClientID: "11112222-aaaa-bbbb-cccc-333344445555",
		ClientType: catalog.ClientPublic, Port: strconv.Itoa(port)})
	if err == nil {
		err = tm.app.SetEnabled(ctx, tm.admin, "microsoft", true)
	}
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return tm, FlowHooks{OpenURL: msBrowser(t, srv, &wg)}
}

// Microsoft cannot revoke a grant from the app: the source says so before the disconnect,
// with where the person removes the app's access, and the disconnect deletes the token
// without asking the provider, and records that the grant stays valid.
func TestMicrosoftDisconnectSaysTheGrantStays(t *testing.T) {
	ctx := context.Background()
	tm, hooks := microsoftTeam(t)
	src, err := tm.app.Connect(ctx, tm.writer, "microsoft", hooks)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	for _, want := range []string{"90 days", "account.microsoft.com", "Apps and services", "administrator"} {
		if !strings.Contains(src.CannotRevoke, want) {
			t.Errorf("CannotRevoke = %q; want it to mention %q", src.CannotRevoke, want)
		}
	}
	if err := tm.app.Disconnect(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if n := tm.srv.RevokeRequests(); n != 0 {
		t.Errorf("revocation requests = %d, want none", n)
	}
	if n, keys := len(tm.rows(t)), tm.sourceKeys(t); n != 0 || len(keys) != 0 {
		t.Errorf("%d sources and keychain entries %v left; want none", n, keys)
	}
	if e := tm.lastEntry(t); e.Outcome != store.OutcomeOK || !strings.Contains(e.Detail, "stays valid") {
		t.Errorf("entry = %+v, want ok, saying the grant stays valid", e)
	}

	g, gh := googleTeam(t)
	gsrc, err := g.app.Connect(ctx, g.writer, "google", gh)
	if err != nil || gsrc.CannotRevoke != "" {
		t.Errorf("a Google source: %v, CannotRevoke %q; want Google to revoke", err, gsrc.CannotRevoke)
	}
}

// A Microsoft integration saved before the client type existed would send its secret, and a
// "Mobile and desktop" registration (the server's public client) refuses every sign-in that
// carries one. It shows as needing the admin's choice; it cannot be enabled, nor connected
// through, until the admin chooses; once saved as public, connecting works.
func TestMicrosoftWithoutClientTypeWaitsForTheChoice(t *testing.T) {
	ctx := context.Background()
	tm, hooks := microsoftTeam(t)
	tm.editIntegration(t, "microsoft", func(r *store.Integration) { // as saved before schema v2
		r.ClientType, r.SecretSetAt, r.SecretSetBy = "", tm.clk.Now(), "root"
	})
	if err := tm.app.keychain.Set(ctx, vault.IntegrationSecretKey("microsoft"), secret("old-web-secret")); err != nil {
		t.Fatal(err)
	}

	v, err := tm.app.Integration(ctx, tm.admin, "microsoft")
	if err != nil || v.State != StateClientTypeMissing || v.ClientType != "" || v.State.String() != "Client type not chosen" {
		t.Fatalf("legacy integration = state %v, client type %q, %v; want the choice asked for", v.State, v.ClientType, err)
	}
	if _, err := tm.app.Connect(ctx, tm.writer, "microsoft", hooks); !errors.Is(err, ErrClientTypeMissing) || ReasonOf(err) != ReasonClientTypeMissing {
		t.Errorf("Connect through it = %v; want ErrClientTypeMissing", err)
	}
	if n := tm.srv.TokenRequests(); n != 0 {
		t.Errorf("token requests = %d; want none before the choice", n)
	}
	if err := tm.app.SetEnabled(ctx, tm.admin, "microsoft", false); err != nil {
		t.Fatal(err)
	}
	if err := tm.app.SetEnabled(ctx, tm.admin, "microsoft", true); !errors.Is(err, ErrClientTypeMissing) {
		t.Errorf("enabling it = %v; want ErrClientTypeMissing", err)
	}
	in := v.Input()
	err = tm.app.SaveIntegration(ctx, tm.admin, in)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields[FieldClientType] == "" {
		t.Errorf("saving it without a choice = %v; want the client type asked for", err)
	}

	in.ClientType = catalog.ClientPublic
	if err := tm.app.SaveIntegration(ctx, tm.admin, in); err != nil {
		t.Fatalf("saving it as public: %v", err)
	}
	if err := tm.app.SetEnabled(ctx, tm.admin, "microsoft", true); err != nil {
		t.Fatalf("enabling it once chosen: %v", err)
	}
	if _, err := tm.app.Connect(ctx, tm.writer, "microsoft", hooks); err != nil {
		t.Errorf("Connect as a public client: %v", err)
	}
}
