package core

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

// These tests sign in against a real authorization server (authtest, ory/fosite) and keep
// tokens in a real Secret Service: run them under scripts/with-secret-service.sh.

// syncBuffer is a log sink that several goroutines may write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// connectTeam is a workspace with an admin, a writer and a reader signed in, an
// authorization server, and a log to search.
type connectTeam struct {
	app                 *App
	clk                 *clock
	home                string
	log                 *syncBuffer
	srv                 *authtest.Server
	admin, writer, read *access.Session
	writerID            int64
}

func newConnectTeam(t *testing.T) *connectTeam {
	t.Helper()
	return newConnectTeamAt(t, authtest.New(t), nil)
}

// newConnectTeamAt is newConnectTeam with the server srv, reached through client (nil for
// the app's own egress client).
func newConnectTeamAt(t *testing.T, srv *authtest.Server, client *http.Client) *connectTeam {
	t.Helper()
	keychaintest.Require(t)
	ctx := context.Background()
	tm := &connectTeam{clk: newClock(), home: filepath.Join(t.TempDir(), "ws"), log: &syncBuffer{}, srv: srv}
	logger := slog.New(slog.NewTextHandler(tm.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	tm.app, err = Open(ctx, Config{Home: tm.home, Now: tm.clk.Now, Logger: logger, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.app.Close() })
	if tm.admin, err = tm.app.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass)); err != nil {
		t.Fatal(err)
	}
	if tm.writerID, err = tm.app.AddUser(ctx, tm.admin, "wendy", access.Write, secret(writerPass), secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.app.AddUser(ctx, tm.admin, "rita", access.Read, secret(readerPass), secret(readerPass)); err != nil {
		t.Fatal(err)
	}
	if tm.writer, err = tm.app.SignIn(ctx, "wendy", secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	if tm.read, err = tm.app.SignIn(ctx, "rita", secret(readerPass)); err != nil {
		t.Fatal(err)
	}
	return tm
}

// integrationSpec sets up an integration at the test server.
type integrationSpec struct {
	id       string
	provider string // "oidc" (issuer and discovery) or "oauth2" (typed endpoints)
	atServer string // the client secret registered at the server; "" is a public client
	sent     string // the client secret in the keychain; "" for none
	disabled bool
	port     int // the fixed callback port; 0 for any
}

// addIntegration registers a client at the server and writes the integration's row and
// client secret the way the admin's integration form saves them.
func (tm *connectTeam) addIntegration(t *testing.T, spec integrationSpec) {
	t.Helper()
	ctx := context.Background()
	tm.srv.AddClient(authtest.Client{ID: spec.id, Secret: spec.atServer, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	now := tm.clk.Now()
	in := store.Integration{ID: spec.id, Provider: spec.provider, Name: "Test " + spec.id, ClientID: spec.id,
		Enabled: !spec.disabled, RedirectPort: spec.port, CreatedAt: now, UpdatedAt: now}
	if spec.provider == "oidc" {
		in.Issuer = tm.srv.Issuer()
	} else {
		in.AuthURL, in.TokenURL, in.RevokeURL, in.UserinfoURL, _ = tm.srv.Endpoints()
		in.Scopes = []string{"files.read"}
	}
	if spec.sent != "" {
		in.SecretSetAt, in.SecretSetBy = now, "root"
		if err := tm.app.keychain.Set(ctx, vault.IntegrationSecretKey(spec.id), secret(spec.sent)); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.PutIntegration(ctx, tm.app.db, in); err != nil {
		t.Fatal(err)
	}
}

// flowSteps records the flow's events.
type flowSteps struct {
	mu   sync.Mutex
	list []FlowStep
	urls []string
}

func (s *flowSteps) hook(ev FlowEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, ev.Step)
	s.urls = append(s.urls, ev.AuthURL)
}

func (s *flowSteps) get() []FlowStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

func (tm *connectTeam) hooks(t *testing.T, st *flowSteps) FlowHooks {
	h := FlowHooks{OpenURL: testkit.NewBrowser(t, tm.srv).OpenURL}
	if st != nil {
		h.Progress = st.hook
	}
	return h
}

func (tm *connectTeam) connect(t *testing.T, s *access.Session, integrationID string) Source {
	t.Helper()
	src, err := tm.app.Connect(context.Background(), s, integrationID, tm.hooks(t, nil))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	return src
}

func (tm *connectTeam) token(t *testing.T, id int64) *oauth2.Token {
	t.Helper()
	tok, err := tokens.Load(context.Background(), tm.app.keychain, id)
	if err != nil {
		t.Fatalf("token of source %d: %v", id, err)
	}
	return tok
}

func (tm *connectTeam) rows(t *testing.T) []store.Source {
	t.Helper()
	rows, err := store.Sources(context.Background(), tm.app.db, store.SourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// assertDisconnected checks the end of the workspace's one source: revoked once at the
// provider, and gone from the database and the keychain.
func (tm *connectTeam) assertDisconnected(t *testing.T) {
	t.Helper()
	if n := tm.srv.RevokeRequests(); n != 1 {
		t.Errorf("revocation requests = %d, want 1", n)
	}
	if n := len(tm.rows(t)); n != 0 {
		t.Errorf("%d sources left, want 0", n)
	}
	if keys := tm.sourceKeys(t); len(keys) != 0 {
		t.Errorf("keychain still holds %v", keys)
	}
}

// sourceKeys lists the workspace's source entries in the keychain, as the Secret Service's
// own client sees them.
func (tm *connectTeam) sourceKeys(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []byte
	var err error
	// The keyring is shared with the other packages' tests, which run at the same time: an item
	// they delete between secret-tool's listing and its reading fails the search, so try again.
	for range 5 {
		out, err = exec.CommandContext(ctx, "secret-tool", "search", "--all", "service", vault.Service).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "No such secret item") {
			break
		}
	}
	if err != nil && len(out) > 0 && !strings.Contains(string(out), "No matching") {
		t.Fatalf("secret-tool search: %v\n%s", err, out)
	}
	var keys []string
	prefix := "attribute.username = " + tm.app.WorkspaceID() + "/source/"
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, prefix) {
			keys = append(keys, strings.TrimSpace(line))
		}
	}
	return keys
}

func (tm *connectTeam) lastEntry(t *testing.T) store.Entry {
	t.Helper()
	return lastEntries(t, tm.app, 1)[0]
}

// The whole connect through core for a public and a confidential client;
// a wrong client secret fails in the provider's words and saves nothing.
func TestConnect(t *testing.T) {
	cases := []struct {
		name     string
		spec     integrationSpec
		wantCode string // the token endpoint's error; "" expects a source
	}{
		{"public client", integrationSpec{id: "public", provider: "oidc"}, ""},
		{"confidential client", integrationSpec{id: "confidential", provider: "oidc", atServer: "s3cret", sent: "s3cret"}, ""},
		{"typed endpoints", integrationSpec{id: "typed", provider: "oauth2"}, ""},
		{"wrong client secret", integrationSpec{id: "wrong", provider: "oidc", atServer: "s3cret", sent: "not-it"}, "invalid_client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := newConnectTeam(t)
			tm.addIntegration(t, c.spec)
			st := &flowSteps{}
			src, err := tm.app.Connect(context.Background(), tm.writer, c.spec.id, tm.hooks(t, st))
			got := st.get()
			if c.wantCode != "" {
				var xe *loopback.ExchangeError
				if !errors.As(err, &xe) || xe.Code != c.wantCode {
					t.Fatalf("Connect = %v, want the provider's %s", err, c.wantCode)
				}
				if msg := err.Error(); !strings.Contains(msg, "Test wrong") || !strings.Contains(msg, "client secret") {
					t.Errorf("message %q: want the integration's name and the client secret as the likely cause", msg)
				}
				if n := len(tm.rows(t)); n != 0 {
					t.Errorf("%d sources saved, want none", n)
				}
				if keys := tm.sourceKeys(t); len(keys) != 0 {
					t.Errorf("keychain holds %v, want no source token", keys)
				}
				if e := tm.lastEntry(t); e.Action != string(access.SourceConnect) || e.Outcome != store.OutcomeFailed {
					t.Errorf("entry = %+v, want a failed source.connect", e)
				}
				if got[len(got)-1] != FlowFailed {
					t.Errorf("steps = %v, want them to end with failed", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			want := []FlowStep{FlowListening, FlowBrowserOpened, FlowCallbackReceived, FlowCodeExchanged, FlowAccountIdentified}
			if !slices.Equal(got, want) {
				t.Errorf("steps = %v, want %v", got, want)
			}
			if !strings.Contains(st.urls[0], "code_challenge_method=S256") {
				t.Errorf("the listening event's link lacks a PKCE challenge")
			}
			if src.Account != authtest.DefaultUser.Email || src.Owner != "wendy" || src.Status != StatusConnected {
				t.Errorf("source = %+v, want %s owned by wendy, connected", src, authtest.DefaultUser.Email)
			}
			if len(src.Scopes) == 0 || !src.CreatedAt.Equal(tm.clk.Now()) {
				t.Errorf("scopes %v, created %v; want the granted scopes and now", src.Scopes, src.CreatedAt)
			}
			tok := tm.token(t, src.ID)
			if tok.AccessToken == "" || tok.RefreshToken == "" {
				t.Errorf("keychain token: access %t, refresh %t; want both", tok.AccessToken != "", tok.RefreshToken != "")
			}
			if e := tm.lastEntry(t); e.Action != string(access.SourceConnect) || e.Outcome != store.OutcomeOK || e.Actor != "wendy" {
				t.Errorf("entry = %+v, want wendy's source.connect ok", e)
			}
		})
	}
}

func TestConnectDisabledIntegration(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "off", provider: "oidc", disabled: true})
	opened := false
	_, err := tm.app.Connect(context.Background(), tm.writer, "off", FlowHooks{OpenURL: func(string) error { opened = true; return nil }})
	if !errors.Is(err, ErrIntegrationDisabled) {
		t.Fatalf("Connect = %v, want ErrIntegrationDisabled", err)
	}
	if opened {
		t.Error("the browser opened for a disabled integration")
	}
	choices, err := tm.app.EnabledIntegrations(context.Background(), tm.writer)
	if err != nil || len(choices) != 0 {
		t.Errorf("EnabledIntegrations = %v, %v; want none", choices, err)
	}
}

// The flow waits hooks.Timeout for the browser, 5 minutes when 0: the events' Deadline says
// until when (the GUI counts down to it), and a sign-in nobody finishes fails with
// loopback.ErrTimeout, recorded, with nothing saved.
func TestConnectDeadline(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	cases := []struct {
		name     string
		timeout  time.Duration
		deadline time.Duration // after now
		cancel   bool          // cancel once listening, rather than wait for the deadline
		want     error
	}{
		{"default", 0, 5 * time.Minute, true, loopback.ErrCanceled},
		{"short", 50 * time.Millisecond, 50 * time.Millisecond, false, loopback.ErrTimeout},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var deadline time.Time
			hooks := FlowHooks{NoBrowser: true, Timeout: c.timeout, Progress: func(ev FlowEvent) {
				if ev.Step == FlowListening {
					deadline = ev.Deadline // Connect's own goroutine emits this step
					if c.cancel {
						cancel()
					}
				}
			}}
			_, err := tm.app.Connect(ctx, tm.writer, "idp", hooks)
			if !errors.Is(err, c.want) {
				t.Fatalf("Connect = %v, want %v", err, c.want)
			}
			if want := tm.clk.Now().Add(c.deadline); !deadline.Equal(want) {
				t.Errorf("Deadline = %v, want %v", deadline, want)
			}
			if n := len(tm.rows(t)); n != 0 {
				t.Errorf("%d sources saved, want none", n)
			}
			if e := tm.lastEntry(t); e.Action != string(access.SourceConnect) || e.Outcome != store.OutcomeFailed {
				t.Errorf("entry = %+v, want a failed source.connect", e)
			}
		})
	}
}

// An id that names no source is ErrUnknownSource, and one that names no integration set up
// is ErrUnknownIntegration, never the store's own error. A missing source counts as the
// user's own, so a reader is refused before its absence is told.
func TestUnknownSourceOrIntegration(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	const missing = 4242
	noBrowser := FlowHooks{OpenURL: func(string) error { t.Error("the browser opened"); return nil }}
	refresh := func(s *access.Session) error { _, err := tm.app.Refresh(ctx, s, missing); return err }
	connect := func(id string) func(*access.Session) error {
		return func(s *access.Session) error { _, err := tm.app.Connect(ctx, s, id, noBrowser); return err }
	}
	cases := []struct {
		name string
		s    *access.Session
		call func(*access.Session) error
		want error
	}{
		{"details", tm.writer, func(s *access.Session) error { _, err := tm.app.SourceDetails(ctx, s, missing); return err }, ErrUnknownSource},
		{"reconnect", tm.writer, func(s *access.Session) error { _, err := tm.app.Reconnect(ctx, s, missing, noBrowser); return err }, ErrUnknownSource},
		{"refresh", tm.writer, refresh, ErrUnknownSource},
		{"token", tm.writer, func(s *access.Session) error { _, err := tm.app.AccessToken(ctx, s, missing); return err }, ErrUnknownSource},
		{"disconnect", tm.writer, func(s *access.Session) error { return tm.app.Disconnect(ctx, s, missing) }, ErrUnknownSource},
		{"forget", tm.writer, func(s *access.Session) error { return tm.app.Forget(ctx, s, missing) }, ErrUnknownSource},
		{"refresh as a reader", tm.read, refresh, access.ErrForbidden},
		{"connect through an unknown id", tm.writer, connect("nope"), ErrUnknownIntegration},
		{"connect through a preset not set up", tm.writer, connect("google"), ErrUnknownIntegration},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(c.s)
			if !errors.Is(err, c.want) || errors.Is(err, store.ErrNotFound) {
				t.Errorf("got %v, want %v and not store.ErrNotFound", err, c.want)
			}
		})
	}
}

// The same account twice; reconnect with another account.
func TestDuplicateAndReconnect(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	first := tm.connect(t, tm.writer, "idp")

	_, err := tm.app.Connect(ctx, tm.writer, "idp", tm.hooks(t, nil))
	var dup *AlreadyConnectedError
	if !errors.Is(err, ErrAlreadyConnected) || !errors.As(err, &dup) || dup.SourceID != first.ID {
		t.Fatalf("second Connect = %v, want ErrAlreadyConnected naming source %d", err, first.ID)
	}
	if n := len(tm.rows(t)); n != 1 {
		t.Errorf("%d sources after the duplicate, want 1", n)
	}
	// Another user may connect the same account.
	if other := tm.connect(t, tm.admin, "idp"); other.ID == first.ID {
		t.Errorf("the admin's connection reused source %d", first.ID)
	}

	before := tm.token(t, first.ID)
	tm.clk.Advance(10 * time.Minute) // within the idle lock
	src, err := tm.app.Reconnect(ctx, tm.writer, first.ID, tm.hooks(t, nil))
	if err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	after := tm.token(t, first.ID)
	if after.AccessToken == before.AccessToken || src.Status != StatusConnected || !src.LastRefreshAt.Equal(tm.clk.Now()) {
		t.Errorf("after Reconnect: token replaced %t, status %s, last refresh %v; want a new token, connected, now",
			after.AccessToken != before.AccessToken, src.Status, src.LastRefreshAt)
	}

	tm.srv.SetUser(authtest.User{Subject: "user-2", Email: "bob@example.com"})
	_, err = tm.app.Reconnect(ctx, tm.writer, first.ID, tm.hooks(t, nil))
	var diff *DifferentAccountError
	if !errors.As(err, &diff) || diff.Want != authtest.DefaultUser.Email || diff.Got != "bob@example.com" {
		t.Fatalf("Reconnect as bob = %v, want ErrDifferentAccount naming both accounts", err)
	}
	if kept := tm.token(t, first.ID); kept.AccessToken != after.AccessToken {
		t.Error("a refused reconnect replaced the token")
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceReconnect) || e.Outcome != store.OutcomeFailed {
		t.Errorf("entry = %+v, want a failed source.reconnect", e)
	}
}

// A reconnect takes what the new sign-in says: the account's label (renamed at the provider,
// same subject) and the scopes granted now.
func TestReconnectUpdatesAccountAndScopes(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2"})
	src := tm.connect(t, tm.writer, "typed")
	if !slices.Equal(src.Scopes, []string{"files.read"}) {
		t.Fatalf("scopes after Connect = %v, want [files.read]", src.Scopes)
	}
	in, err := store.IntegrationByID(ctx, tm.app.db, "typed")
	if err != nil {
		t.Fatal(err)
	}
	in.Scopes = []string{"files.read", "files.write"}
	if err := store.PutIntegration(ctx, tm.app.db, in); err != nil {
		t.Fatal(err)
	}
	renamed := authtest.DefaultUser
	renamed.Email = "jane.doe@example.com"
	tm.srv.SetUser(renamed)

	got, err := tm.app.Reconnect(ctx, tm.writer, src.ID, tm.hooks(t, nil))
	if err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	if got.Account != renamed.Email || !slices.Equal(got.Scopes, in.Scopes) || got.Status != StatusConnected {
		t.Errorf("after Reconnect: account %q, scopes %v, status %s; want %q, %v, connected",
			got.Account, got.Scopes, got.Status, renamed.Email, in.Scopes)
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceReconnect) || e.Outcome != store.OutcomeOK ||
		!strings.Contains(e.Detail, "files.write") || !strings.Contains(e.Detail, renamed.Email) {
		t.Errorf("entry = %+v, want source.reconnect ok naming the new scopes and label", e)
	}
}

// Through core, the provider's error= ends the sign-in in words that name the
// provider, the listener closes and nothing is saved.
func TestConnectAccessDenied(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	var redirect string
	deny := func(start string) (err error) {
		// The server's discovery document promises iss (RFC 9207), on error answers too.
		redirect, err = authtest.Deny(start, tm.srv.Issuer())
		return err
	}
	_, err := tm.app.Connect(context.Background(), tm.writer, "idp", FlowHooks{OpenURL: deny})
	var pe *loopback.ProviderError
	if !errors.As(err, &pe) || pe.Code != "access_denied" {
		t.Fatalf("Connect = %v, want the provider's access_denied", err)
	}
	if want := "access was denied at Test idp (access_denied)"; pe.Error() != want {
		t.Errorf("message = %q, want %q", pe.Error(), want)
	}
	cb, perr := url.Parse(redirect)
	if perr != nil || cb.Host == "" {
		t.Fatalf("redirect_uri %q", redirect)
	}
	if c, err := net.Dial("tcp", cb.Host); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after the sign-in ended", cb.Host)
	}
	if n := len(tm.rows(t)); n != 0 || tm.srv.TokenRequests() != 0 {
		t.Errorf("%d sources, %d token requests; want none", n, tm.srv.TokenRequests())
	}
}

// cancelAfterSet is a keychain that ends the use-case's ctx right after it saved a token, so
// that the source's row, written after the token, fails.
type cancelAfterSet struct {
	Keychain
	cancel context.CancelFunc
}

func (k cancelAfterSet) Set(ctx context.Context, key string, s redact.Secret) error {
	err := k.Keychain.Set(ctx, key, s)
	k.cancel()
	return err
}

// swapKeychain puts k in the place of the app's keychain, for the use-cases and for the token
// manager, through which a sign-in writes its token.
func swapKeychain(a *App, k Keychain) {
	a.keychain = k
	a.tokens = tokens.New(a.db, k, tokens.Config{Now: a.now, Logger: a.log, HTTPClient: a.httpClient})
}

// The token goes to the keychain before the row commits; when the row then fails, the
// keychain entry goes too and nothing is left behind.
func TestConnectRowFailsTokenRemoved(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	swapKeychain(tm.app, cancelAfterSet{Keychain: tm.app.keychain, cancel: cancel})
	if _, err := tm.app.Connect(ctx, tm.writer, "idp", tm.hooks(t, nil)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Connect = %v, want the row to fail with context.Canceled", err)
	}
	if n := len(tm.rows(t)); n != 0 {
		t.Errorf("%d sources saved, want none", n)
	}
	if keys := tm.sourceKeys(t); len(keys) != 0 {
		t.Errorf("keychain holds %v, want the token removed", keys)
	}
}

// Disconnect revokes at the provider, which then refuses the refresh token.
func TestDisconnectRevokes(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	src := tm.connect(t, tm.writer, "idp")
	tok := tm.token(t, src.ID)

	if err := tm.app.Disconnect(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	tm.assertDisconnected(t)
	auth, token, _, _, _ := tm.srv.Endpoints()
	cfg := &oauth2.Config{ClientID: "idp", ClientSecret: "s3cret", Endpoint: oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInHeader}}
	_, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Errorf("refresh with the revoked refresh token = %v, want the server to refuse it", err)
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceDisconnect) || e.Outcome != store.OutcomeOK {
		t.Errorf("entry = %+v, want source.disconnect ok", e)
	}
}

// Offline, the revocation waits with the token kept; Forget then deletes it here only.
func TestDisconnectOfflineThenForget(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "typed", provider: "oauth2"})
	src := tm.connect(t, tm.writer, "typed")

	tm.srv.Stop()
	err := tm.app.Disconnect(ctx, tm.writer, src.ID)
	if !errors.Is(err, ErrRevocationPending) {
		t.Fatalf("Disconnect offline = %v, want ErrRevocationPending", err)
	}
	rows := tm.rows(t)
	if len(rows) != 1 || rows[0].Status != StatusRevocationPending {
		t.Fatalf("sources = %+v, want the source kept, revocation pending", rows)
	}
	tm.token(t, src.ID) // kept

	// A new grant now would leave the old one unrevoked: Reconnect waits for the revocation. Its
	// error states the fact; what to do is the front ends' words, which would otherwise say it
	// a second time after the error's own text.
	_, err = tm.app.Reconnect(ctx, tm.writer, src.ID, tm.hooks(t, &flowSteps{}))
	if !errors.Is(err, ErrRevocationPending) || strings.Contains(err.Error(), "Forget") {
		t.Errorf("Reconnect while the revocation is pending = %v, want ErrRevocationPending and no advice", err)
	}
	if rows := tm.rows(t); len(rows) != 1 || rows[0].Status != StatusRevocationPending {
		t.Errorf("after the refused reconnect: %+v, want the source still pending", rows)
	}

	if err := tm.app.Forget(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if n := len(tm.rows(t)); n != 0 {
		t.Errorf("%d sources after Forget, want 0", n)
	}
	if keys := tm.sourceKeys(t); len(keys) != 0 {
		t.Errorf("keychain still holds %v", keys)
	}
	if e := tm.lastEntry(t); e.Action != string(access.SourceForget) || !strings.Contains(e.Detail, "provider was not told") {
		t.Errorf("entry = %+v, want source.forget saying the provider was not told", e)
	}
}

func TestRefreshNow(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	src := tm.connect(t, tm.writer, "idp")
	before := tm.token(t, src.ID)
	tm.clk.Advance(10 * time.Minute) // within the idle lock

	got, err := tm.app.Refresh(ctx, tm.writer, src.ID)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	after := tm.token(t, src.ID)
	if after.RefreshToken == before.RefreshToken {
		t.Error("the rotated refresh token did not reach the keychain")
	}
	if !got.LastRefreshAt.Equal(tm.clk.Now()) || got.Status != StatusConnected {
		t.Errorf("source = %+v, want last refresh now and connected", got)
	}
}

func TestDeleteUserDisconnectsTheirSources(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	tm.connect(t, tm.writer, "idp")
	if err := tm.app.DeleteUser(ctx, tm.admin, tm.writerID, SourcePolicy{Disconnect: true}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if n := tm.srv.RevokeRequests(); n != 1 {
		t.Errorf("revocation requests = %d, want 1", n)
	}
	if keys := tm.sourceKeys(t); len(keys) != 0 {
		t.Errorf("keychain still holds %v", keys)
	}
}

// The command line's --no-browser: the person pastes the address the browser ended on.
func TestConnectFromPastedAddress(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	authURLs := make(chan string, 1)
	var refused []error
	calls := 0
	hooks := FlowHooks{
		NoBrowser: true,
		Progress: func(ev FlowEvent) {
			switch ev.Step {
			case FlowListening:
				authURLs <- ev.AuthURL
			case FlowPasteRefused:
				refused = append(refused, ev.Err)
			case FlowBrowserOpened:
				t.Error("a browser opened with NoBrowser")
			}
		},
		PastedURL: func(ctx context.Context) (string, error) {
			calls++
			switch calls {
			case 1:
				return "http://127.0.0.1:1/elsewhere", nil
			case 2:
				loc, err := tm.srv.Authorize(ctx, <-authURLs)
				if err != nil {
					return "", err
				}
				return loc.String(), nil
			}
			<-ctx.Done()
			return "", ctx.Err()
		},
	}
	src, err := tm.app.Connect(context.Background(), tm.writer, "idp", hooks)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if src.Account != authtest.DefaultUser.Email {
		t.Errorf("account = %q, want %q", src.Account, authtest.DefaultUser.Email)
	}
	if len(refused) != 1 || !errors.Is(refused[0], loopback.ErrNotCallback) {
		t.Errorf("refused pastes = %v, want the first one as not a callback", refused)
	}
}

// A write user lists only their own sources; admins and readers list all.
func TestSourcesVisibility(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	addSources(t, tm.app, tm.writerID, 2)
	root, err := store.UserByName(ctx, tm.app.db, "root")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.InsertSource(ctx, tm.app.db, store.Source{IntegrationID: "google-drive", OwnerID: root.ID,
		Account: "boss@example.com", AccountSubject: "boss", CreatedAt: tm.clk.Now(), UpdatedAt: tm.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who  string
		s    *access.Session
		want int
	}{{"wendy", tm.writer, 2}, {"root", tm.admin, 3}, {"rita", tm.read, 3}} {
		list, err := tm.app.Sources(ctx, c.s, SourceFilter{})
		if err != nil {
			t.Fatalf("%s: Sources: %v", c.who, err)
		}
		if len(list) != c.want {
			t.Errorf("%s sees %d sources, want %d", c.who, len(list), c.want)
		}
		for _, src := range list {
			if c.who == "wendy" && src.Owner != "wendy" {
				t.Errorf("wendy sees %s's source %s", src.Owner, src.Account)
			}
		}
	}
	filtered, err := tm.app.Sources(ctx, tm.admin, SourceFilter{Text: "BOSS"})
	if err != nil || len(filtered) != 1 {
		t.Errorf("admin filtering on BOSS: %d sources, %v; want 1", len(filtered), err)
	}
}

// A read user is refused every change, and a writer every change to another's source: each
// refusal is ErrForbidden, changes nothing and leaves one denied entry.
func TestSourceChangesNeedPrivilege(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc"})
	addSources(t, tm.app, tm.writerID, 1)
	root, err := store.UserByName(ctx, tm.app.db, "root")
	if err != nil {
		t.Fatal(err)
	}
	rootSource, err := store.InsertSource(ctx, tm.app.db, store.Source{IntegrationID: "idp", OwnerID: root.ID,
		Account: "boss@example.com", AccountSubject: "boss", CreatedAt: tm.clk.Now(), UpdatedAt: tm.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	mine := tm.rows(t)[0].ID
	if mine == rootSource {
		mine = tm.rows(t)[1].ID
	}
	noBrowser := FlowHooks{OpenURL: func(string) error { t.Error("a refused use-case opened the browser"); return nil }}

	type useCase struct {
		action access.Action
		call   func(s *access.Session, id int64) error
	}
	useCases := []useCase{
		{access.SourceConnect, func(s *access.Session, _ int64) error { _, err := tm.app.Connect(ctx, s, "idp", noBrowser); return err }},
		{access.SourceReconnect, func(s *access.Session, id int64) error { _, err := tm.app.Reconnect(ctx, s, id, noBrowser); return err }},
		{access.SourceRefresh, func(s *access.Session, id int64) error { _, err := tm.app.Refresh(ctx, s, id); return err }},
		{access.SourceDisconnect, func(s *access.Session, id int64) error { return tm.app.Disconnect(ctx, s, id) }},
		{access.SourceForget, func(s *access.Session, id int64) error { return tm.app.Forget(ctx, s, id) }},
		{access.SourceList, func(s *access.Session, id int64) error { _, err := tm.app.SourceDetails(ctx, s, id); return err }},
	}
	for _, who := range []struct {
		name   string
		s      *access.Session
		target int64
	}{{"rita", tm.read, mine}, {"wendy", tm.writer, rootSource}} {
		for _, uc := range useCases {
			if who.name == "rita" && uc.action == access.SourceList {
				continue // readers see every source
			}
			if who.name == "wendy" && uc.action == access.SourceConnect {
				continue // a new connection is always the writer's own
			}
			t.Run(who.name+"/"+string(uc.action), func(t *testing.T) {
				before, n := tm.rows(t), countActivity(t, tm.app)
				if err := uc.call(who.s, who.target); !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("got %v, want ErrForbidden", err)
				}
				if after := tm.rows(t); !reflect.DeepEqual(after, before) {
					t.Errorf("sources changed: got %+v, want %+v", after, before)
				}
				if got := countActivity(t, tm.app) - n; got != 1 {
					t.Fatalf("%d new activity entries, want 1", got)
				}
				if e := tm.lastEntry(t); e.Actor != who.name || e.Action != string(uc.action) || e.Outcome != store.OutcomeDenied {
					t.Errorf("entry = %+v, want %s's denied %s", e, who.name, uc.action)
				}
			})
		}
	}
	if _, err := tm.app.SourceDetails(ctx, tm.read, rootSource); err != nil {
		t.Errorf("a reader's SourceDetails: %v", err)
	}
}

// No token, code, state, PKCE verifier or client secret reaches the database file, its WAL
// or the log.
func TestTokensNeverInDatabaseOrLog(t *testing.T) {
	ctx := context.Background()
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	callbacks := make(chan string, 4)
	br := testkit.NewBrowser(t, tm.srv)
	br.Seen = callbacks
	hooks := FlowHooks{OpenURL: br.OpenURL}
	// The PKCE verifier travels only in the code exchange: catch it there.
	var verifiers []string
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	tm.app.httpClient = egress.New(egress.Config{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil && r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			if q, err := url.ParseQuery(string(body)); err == nil && q.Get("code_verifier") != "" {
				verifiers = append(verifiers, q.Get("code_verifier"))
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		return tr.RoundTrip(r)
	})})
	src, err := tm.app.Connect(ctx, tm.writer, "idp", hooks)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if len(verifiers) != 1 {
		t.Fatalf("caught %d PKCE verifiers, want 1", len(verifiers))
	}
	needles := verifiers
	tok := tm.token(t, src.ID)
	needles = append(needles, tok.AccessToken, tok.RefreshToken)
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	tok = tm.token(t, src.ID)
	needles = append(needles, tok.AccessToken, tok.RefreshToken, "s3cret")
	close(callbacks)
	for cb := range callbacks {
		u, err := url.Parse(cb)
		if err != nil {
			t.Fatal(err)
		}
		needles = append(needles, u.Query().Get("code"), u.Query().Get("state"))
	}

	files := map[string][]byte{"log": tm.log.Bytes()}
	for _, name := range []string{DBFile, DBFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(tm.home, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		files[name] = b
	}
	if len(files[DBFile])+len(files[DBFile+"-wal"]) == 0 {
		t.Fatal("no database bytes to search")
	}
	for name, b := range files {
		for i, n := range needles {
			if len(n) < 6 {
				t.Fatalf("needle %d is too short to search for", i)
			}
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("%s holds secret %d", name, i)
			}
		}
	}
}

// BenchmarkSources lists 10 and 10,000 sources as the Sources tab does when it opens: a
// constant number of queries (no query per row), no keychain read, no network call, so the
// time per source stays the same.
func BenchmarkSources(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			clk := newClock()
			a, admin := offlineApp(b, clk)
			now := clk.Now()
			err := a.db.Tx(ctx, func(tx *sql.Tx) error {
				in := store.Integration{ID: "box", Provider: "box", Name: "Box", ClientID: "c", Enabled: true, CreatedAt: now, UpdatedAt: now}
				if err := store.PutIntegration(ctx, tx, in); err != nil {
					return err
				}
				for i := range n {
					_, err := store.InsertSource(ctx, tx, store.Source{IntegrationID: "box", OwnerID: admin.UserID,
						Account: fmt.Sprintf("acct%05d@example.com", i), AccountSubject: fmt.Sprint(i),
						LastRefreshAt: now, CreatedAt: now, UpdatedAt: now})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				list, err := a.Sources(ctx, admin, SourceFilter{})
				if err != nil || len(list) != n {
					b.Fatalf("Sources: %d sources, %v; want %d", len(list), err, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/source")
		})
	}
}
