package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
)

// The Maintain tests run against the real authorization server with strict rotation and the
// real Secret Service: run them under scripts/with-secret-service.sh.

func (tm *connectTeam) maintain(t *testing.T, a *App) MaintainReport {
	t.Helper()
	rep, err := a.Maintain(context.Background())
	if err != nil {
		t.Fatalf("Maintain: %v", err)
	}
	return rep
}

func (tm *connectTeam) row(t *testing.T, id int64) store.Source {
	t.Helper()
	r, err := store.SourceByID(context.Background(), tm.app.db, id)
	if err != nil {
		t.Fatalf("source %d: %v", id, err)
	}
	return r
}

// offlineSource connects a source through a custom integration of provider ("oauth2" or
// "oidc") and stops the server: Refresh then finds the provider unreachable, at the token
// endpoint or (OpenID Connect) at the discovery document, and marks the source offline.
func (tm *connectTeam) offlineSource(t *testing.T, provider string) Source {
	t.Helper()
	tm.addIntegration(t, integrationSpec{id: "idp", provider: provider})
	src := tm.connect(t, tm.writer, "idp")
	tm.srv.Stop()
	if _, err := tm.app.Refresh(context.Background(), tm.writer, src.ID); !errors.Is(err, ErrOffline) {
		t.Fatalf("Refresh with the server stopped = %v, want ErrOffline", err)
	}
	host := strings.TrimPrefix(tm.srv.URL(), "http://")
	if r := tm.row(t, src.ID); r.Status != StatusOffline || r.StatusDetail != "cannot reach "+host {
		t.Fatalf("row after Refresh: status %s (%q), want offline (cannot reach %s)", r.Status, r.StatusDetail, host)
	}
	return src
}

// A revocation that waited for the provider is done by Maintain once the provider answers:
// the source and its keychain entry are gone, and the log says the app did it.
func TestMaintainRetriesPendingRevocation(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2"})
	src := tm.connect(t, tm.writer, "typed")
	tm.srv.Stop()
	if err := tm.app.Disconnect(ctx, tm.writer, src.ID); !errors.Is(err, ErrRevocationPending) {
		t.Fatalf("Disconnect offline = %v, want ErrRevocationPending", err)
	}

	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{}) {
		t.Errorf("Maintain with the provider down = %+v, want nothing done", rep)
	}
	if r := tm.row(t, src.ID); r.Status != StatusRevocationPending {
		t.Fatalf("status = %s, want %s", r.Status, StatusRevocationPending)
	}

	tm.srv.Start()
	tm.clk.Advance(retryFirst)
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{Revoked: 1}) {
		t.Errorf("Maintain with the provider back = %+v, want Revoked 1", rep)
	}
	tm.assertDisconnected(t)
	e := tm.lastEntry(t)
	if e.Actor != UpkeepActor || e.Action != string(access.SourceDisconnect) || e.Outcome != store.OutcomeOK || !strings.Contains(e.Detail, "revoked at the provider") {
		t.Errorf("entry = %+v, want upkeep's source.disconnect ok, revoked at the provider", e)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// boxAtServer is an HTTP client that sends Box's token and revocation calls to the test
// server, so that a Box integration (a preset whose refresh tokens idle out) works there.
func boxAtServer(t *testing.T, srv *authtest.Server) *http.Client {
	base, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	paths := map[string]string{"/oauth2/token": authtest.TokenPath, "/oauth2/revoke": authtest.RevokePath}
	return egress.New(egress.Config{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		path, ok := paths[r.URL.Path]
		if r.URL.Host != "api.box.com" || !ok {
			return nil, fmt.Errorf("unexpected request to %s", r.URL.Redacted())
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.URL.Path, r.Host = "http", base.Host, path, ""
		return tr.RoundTrip(r)
	})})
}

// addBoxSource registers a Box integration whose client is at the test server, gets a token
// there as the browser step would, and saves it as a source of the writer refreshed at now.
func (tm *connectTeam) addBoxSource(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	const clientID, clientSecret = "box-client", "box-client-secret"
	tm.srv.AddClient(authtest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	now := tm.clk.Now()
	err := store.PutIntegration(ctx, tm.app.db, store.Integration{ID: "box", Provider: "box", Name: "Box", ClientID: clientID,
		Enabled: true, SecretSetAt: now, SecretSetBy: "root", CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.app.keychain.Set(ctx, vault.IntegrationSecretKey("box"), secret(clientSecret)); err != nil {
		t.Fatal(err)
	}

	auth, token, _, _, _ := tm.srv.Endpoints()
	cfg := &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: "http://127.0.0.1:1/callback",
		Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	loc, err := tm.srv.Authorize(ctx, cfg.AuthCodeURL("state-of-the-box-test", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	var id int64
	err = tm.app.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err = store.InsertSource(ctx, tx, store.Source{IntegrationID: "box", OwnerID: tm.writerID, Account: "jane@box.example",
			AccountSubject: "box-jane", Status: StatusConnected, TokenVersion: 1, TokenExpiry: tok.Expiry,
			LastRefreshAt: now, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		return tokens.Save(ctx, tm.app.keychain, id, tok)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// With keep-alive on, Maintain refreshes a Box source once less than a third of Box's 60 idle
// days is left, and not before; with it off, never.
func TestMaintainKeepAlive(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("keep-alive %t", on), func(t *testing.T) {
			ctx := context.Background()
			tm := newConnectTeam(t)
			if err := tm.app.SetKeepAlive(ctx, tm.admin, on); err != nil {
				t.Fatalf("SetKeepAlive: %v", err)
			}
			id := tm.addBoxSource(t)
			// A second app on the workspace, as the GUI and a command may run at once, whose
			// calls to Box reach the test server.
			app, err := Open(ctx, Config{Home: tm.home, Now: tm.clk.Now, HTTPClient: boxAtServer(t, tm.srv)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { app.Close() })
			before, calls := tm.token(t, id), tm.srv.TokenRequests()

			tm.clk.Advance(40 * 24 * time.Hour) // 20 days left: not yet
			if rep := tm.maintain(t, app); rep != (MaintainReport{}) || tm.srv.TokenRequests() != calls {
				t.Fatalf("Maintain with 20 idle days left = %+v after %d token requests, want nothing done", rep, tm.srv.TokenRequests()-calls)
			}
			tm.clk.Advance(time.Hour) // less than 20 days left
			rep := tm.maintain(t, app)
			after := tm.token(t, id)
			if !on {
				if rep != (MaintainReport{}) || tm.srv.TokenRequests() != calls || after.RefreshToken != before.RefreshToken {
					t.Errorf("keep-alive off: report %+v, %d token requests, token replaced %t; want nothing done",
						rep, tm.srv.TokenRequests()-calls, after.RefreshToken != before.RefreshToken)
				}
				return
			}
			if rep != (MaintainReport{KeptAlive: 1}) {
				t.Errorf("report = %+v, want KeptAlive 1", rep)
			}
			if after.RefreshToken == before.RefreshToken {
				t.Error("the rotated refresh token did not reach the keychain")
			}
			if r := tm.row(t, id); !r.LastRefreshAt.Equal(tm.clk.Now()) || r.Status != StatusConnected {
				t.Errorf("row: last refresh %v, status %s; want %v, connected", r.LastRefreshAt, r.Status, tm.clk.Now())
			}
			if e := tm.lastEntry(t); e.Actor != UpkeepActor || e.Action != string(access.SourceRefresh) || !strings.HasPrefix(e.Detail, "kept alive") {
				t.Errorf("entry = %+v, want upkeep's source.refresh, kept alive", e)
			}
			// Refreshed now, it has 60 days again.
			if rep := tm.maintain(t, app); rep != (MaintainReport{}) {
				t.Errorf("Maintain right after = %+v, want nothing done", rep)
			}
		})
	}
}

// An offline source stays offline while the provider is down, is not tried again before its
// wait is over, and is connected again by the first attempt after it. Unreachable is no error
// of Maintain's, whether the token endpoint or (OpenID Connect) the discovery document fails.
func TestMaintainOfflineSource(t *testing.T) {
	for _, provider := range []string{"oauth2", "oidc"} {
		t.Run(provider, func(t *testing.T) { testMaintainOfflineSource(t, provider) })
	}
}

func testMaintainOfflineSource(t *testing.T, provider string) {
	tm := newConnectTeam(t)
	src := tm.offlineSource(t, provider)

	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{StillOffline: 1}) {
		t.Errorf("Maintain with the provider down = %+v, want StillOffline 1", rep)
	}
	tm.srv.Start()
	calls := tm.srv.TokenRequests()
	tm.clk.Advance(retryFirst - time.Second)
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{StillOffline: 1}) || tm.srv.TokenRequests() != calls {
		t.Errorf("Maintain within the wait = %+v after %d token requests, want StillOffline 1 and none", rep, tm.srv.TokenRequests()-calls)
	}
	tm.clk.Advance(time.Second)
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{BackOnline: 1}) {
		t.Errorf("Maintain after the wait = %+v, want BackOnline 1", rep)
	}
	if r := tm.row(t, src.ID); r.Status != StatusConnected || !r.LastRefreshAt.Equal(tm.clk.Now()) {
		t.Errorf("row: status %s, last refresh %v; want connected, %v", r.Status, r.LastRefreshAt, tm.clk.Now())
	}
	if e := tm.lastEntry(t); e.Actor != UpkeepActor || e.Action != string(access.SourceRefresh) || e.Detail != "back online" {
		t.Errorf("entry = %+v, want upkeep's source.refresh, back online", e)
	}
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{}) {
		t.Errorf("Maintain once connected = %+v, want nothing done", rep)
	}
}

// Each failed attempt doubles the wait before the next, up to 30 minutes. An attempt shows as
// the row's updated_at moving to the clock's time.
func TestMaintainBackoff(t *testing.T) {
	tm := newConnectTeam(t)
	src := tm.offlineSource(t, "oauth2")
	tm.maintain(t, tm.app) // the first failure: wait 1 minute
	for _, wait := range []time.Duration{1, 2, 4, 8, 16, 30, 30} {
		wait *= time.Minute
		tm.clk.Advance(wait - time.Second)
		before := tm.row(t, src.ID).UpdatedAt
		if rep := tm.maintain(t, tm.app); rep != (MaintainReport{StillOffline: 1}) {
			t.Errorf("report = %+v, want StillOffline 1", rep)
		}
		if got := tm.row(t, src.ID).UpdatedAt; !got.Equal(before) {
			t.Fatalf("tried again %v into a wait of %v", wait-time.Second, wait)
		}
		tm.clk.Advance(time.Second)
		tm.maintain(t, tm.app)
		if got := tm.row(t, src.ID).UpdatedAt; !got.Equal(tm.clk.Now()) {
			t.Fatalf("not tried at the end of a wait of %v (updated %v, now %v)", wait, got, tm.clk.Now())
		}
	}
}

// A provider that refuses the refresh token when it is reachable again: needs reconnect,
// counted and recorded in the provider's words.
func TestMaintainFindsRefusedGrant(t *testing.T) {
	tm := newConnectTeam(t)
	src := tm.offlineSource(t, "oauth2")
	tm.srv.Start()
	tm.srv.FailNextToken(http.StatusBadRequest, `{"error":"invalid_grant","error_description":"grant revoked by the user"}`,
		http.Header{"Content-Type": {"application/json"}})
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{NeedsReconnect: 1}) {
		t.Errorf("report = %+v, want NeedsReconnect 1", rep)
	}
	if r := tm.row(t, src.ID); r.Status != StatusNeedsReconnect {
		t.Errorf("status = %s, want %s", r.Status, StatusNeedsReconnect)
	}
	// The integration as its administrator named it, not its id.
	if e := tm.lastEntry(t); e.Actor != UpkeepActor || e.Subject != "jane@example.com at Test idp" || e.Outcome != store.OutcomeFailed || e.Detail != "needs reconnect: grant revoked by the user" {
		t.Errorf("entry = %+v, want upkeep's failed source.refresh in the provider's words", e)
	}
	calls := tm.srv.TokenRequests()
	tm.clk.Advance(time.Hour)
	if rep := tm.maintain(t, tm.app); rep != (MaintainReport{}) || tm.srv.TokenRequests() != calls {
		t.Errorf("Maintain later = %+v after %d token requests, want nothing done", rep, tm.srv.TokenRequests()-calls)
	}
}

// offlineKeychain fails the test on any use: listing sources must read no secret.
type offlineKeychain struct{ t testing.TB }

func (k offlineKeychain) Set(context.Context, string, redact.Secret) error {
	k.t.Error("the keychain was written")
	return errors.New("no keychain in this test")
}

func (k offlineKeychain) Get(context.Context, string) (redact.Secret, error) {
	k.t.Error("the keychain was read")
	return redact.Secret{}, errors.New("no keychain in this test")
}

func (k offlineKeychain) Delete(context.Context, string) error {
	k.t.Error("the keychain was written")
	return errors.New("no keychain in this test")
}

// offlineApp opens a workspace on clk with root as its first administrator, in which any
// network call or keychain use fails tb: for what must work from the database alone.
func offlineApp(tb testing.TB, clk *clock) (*App, *access.Session) {
	tb.Helper()
	ctx := context.Background()
	noNetwork := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tb.Errorf("network call to %s", r.URL.Redacted())
		return nil, errors.New("no network here")
	})}
	a, err := Open(ctx, Config{Home: filepath.Join(tb.TempDir(), "ws"), Now: clk.Now, Keychain: offlineKeychain{tb}, HTTPClient: noNetwork})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	admin, err := a.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass))
	if err != nil {
		tb.Fatal(err)
	}
	return a, admin
}

// ExpiresIfUnused follows the provider's idle lifetime from the last refresh (or the
// connection), and is zero where refresh tokens do not idle out; computing it reads no secret
// and calls no one.
func TestSourceExpiresIfUnused(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	a, admin := offlineApp(t, clk)
	now := clk.Now()
	for _, in := range []store.Integration{
		{ID: "box", Provider: "box", Name: "Box", ClientID: "c", SecretSetAt: now},
		{ID: "ms", Provider: "microsoft", Name: "OneDrive", ClientID: "c"},
		{ID: "idp", Provider: "oidc", Name: "IdP", ClientID: "c", Issuer: "https://idp.example"},
	} {
		in.Enabled, in.CreatedAt, in.UpdatedAt = true, now, now
		if err := store.PutIntegration(ctx, a.db, in); err != nil {
			t.Fatal(err)
		}
	}
	connected := now.Add(-30 * 24 * time.Hour)
	refreshed := now.Add(-2 * time.Hour)
	cases := []struct {
		integration string
		lastRefresh time.Time
		want        time.Time
	}{
		{"box", refreshed, refreshed.Add(60 * 24 * time.Hour)},
		{"box", time.Time{}, connected.Add(60 * 24 * time.Hour)},
		{"ms", refreshed, refreshed.Add(90 * 24 * time.Hour)},
		{"idp", refreshed, time.Time{}},
	}
	root, err := store.UserByName(ctx, a.db, "root")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i], err = store.InsertSource(ctx, a.db, store.Source{IntegrationID: c.integration, OwnerID: root.ID,
			Account: fmt.Sprintf("acct%d@example.com", i), AccountSubject: fmt.Sprint(i), Status: StatusConnected,
			LastRefreshAt: c.lastRefresh, CreatedAt: connected, UpdatedAt: connected})
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := a.Sources(ctx, admin, SourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]time.Time{}
	for _, s := range list {
		got[s.ID] = s.ExpiresIfUnused
	}
	for i, c := range cases {
		if !got[ids[i]].Equal(c.want) {
			t.Errorf("%s, last refresh %v: Sources says ExpiresIfUnused %v, want %v", c.integration, c.lastRefresh, got[ids[i]], c.want)
		}
		one, err := a.SourceDetails(ctx, admin, ids[i])
		if err != nil || !one.ExpiresIfUnused.Equal(c.want) {
			t.Errorf("%s, last refresh %v: SourceDetails says %v (%v), want %v", c.integration, c.lastRefresh, one.ExpiresIfUnused, err, c.want)
		}
	}
}

// Every signed-in user reads the settings; only an admin changes keep-alive, and each refusal
// leaves one denied entry and the setting as it was.
func TestSettings(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	want := Settings{IdleLock: 15 * time.Minute, KeepAlive: true, Schedule: tm.app.scheduler.Where(tm.app.upkeepJob())}
	for _, s := range []*access.Session{tm.admin, tm.writer, tm.read} {
		if got, err := tm.app.Settings(ctx, s); err != nil || got != want {
			t.Errorf("%s: Settings = %+v, %v; want %+v", s.Name, got, err, want)
		}
	}
	for _, s := range []*access.Session{tm.writer, tm.read} {
		n := countActivity(t, tm.app)
		if err := tm.app.SetKeepAlive(ctx, s, false); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("%s: SetKeepAlive = %v, want ErrForbidden", s.Name, err)
		}
		if got := countActivity(t, tm.app) - n; got != 1 {
			t.Errorf("%s: %d new activity entries, want 1", s.Name, got)
		}
		if e := lastEntries(t, tm.app, 1)[0]; e.Actor != s.Name || e.Action != string(access.SettingsChange) || e.Outcome != store.OutcomeDenied {
			t.Errorf("entry = %+v, want %s's denied settings.change", e, s.Name)
		}
		if got, _ := tm.app.Settings(ctx, tm.admin); !got.KeepAlive {
			t.Errorf("%s's refused SetKeepAlive turned keep-alive off", s.Name)
		}
	}
	if err := tm.app.SetKeepAlive(ctx, tm.admin, false); err != nil {
		t.Fatalf("admin SetKeepAlive: %v", err)
	}
	if got, err := tm.app.Settings(ctx, tm.read); err != nil || got.KeepAlive {
		t.Errorf("Settings after turning keep-alive off = %+v, %v; want it off", got, err)
	}
	if e := lastEntries(t, tm.app, 1)[0]; e.Actor != "root" || e.Subject != "keep-alive" || e.Detail != "turned off" {
		t.Errorf("entry = %+v, want root turning keep-alive off", e)
	}
	tm.app.SignOut(ctx, tm.read)
	if _, err := tm.app.Settings(ctx, tm.read); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Settings after sign-out = %v, want ErrSessionEnded", err)
	}
}
