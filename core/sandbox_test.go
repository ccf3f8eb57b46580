// These tests run the built-in sandbox provider for real: fosite on 127.0.0.1, its grants in
// the workspace's SQLite file, its signing key in the Secret Service (run them under
// scripts/with-secret-service.sh), and a browser stand-in that reads the sign-in page's
// HTML form and submits it as a person would.

package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/childproc"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/sandboxtest"
)

func init() { childModes["sandbox-serve"] = childSandboxServe }

// sandboxTeam is a workspace on the real clock (the sandbox's tokens expire by it), with an
// admin and a writer signed in, the Sandbox integration enabled on a free port, and a
// browser that signs in as jane@example.com.
type sandboxTeam struct {
	app           *App
	home          string
	log           *syncBuffer
	admin, writer *access.Session
	browser       *sandboxtest.Browser
	port          int
}

func newSandboxTeam(t *testing.T) *sandboxTeam {
	t.Helper()
	keychaintest.Require(t)
	ctx := context.Background()
	tm := &sandboxTeam{home: filepath.Join(t.TempDir(), "ws"), log: &syncBuffer{}, browser: sandboxtest.New("jane@example.com")}
	tm.app = tm.open(t)
	var err error
	if tm.admin, err = tm.app.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass)); err != nil {
		t.Fatal(err)
	}
	if _, err = tm.app.AddUser(ctx, tm.admin, "wendy", access.Write, secret(writerPass), secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	tm.writer = tm.signIn(t, tm.app)
	tm.port = freePort(t)
	tm.set(t, func(in *SandboxInput) {})
	if err := tm.app.SetEnabled(ctx, tm.admin, string(catalog.Sandbox), true); err != nil {
		t.Fatalf("enable the sandbox: %v", err)
	}
	t.Cleanup(func() { _ = tm.app.keychain.Delete(context.Background(), vault.SandboxKeyKey) })
	return tm
}

func (tm *sandboxTeam) open(t *testing.T) *App {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(tm.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := Open(context.Background(), Config{Home: tm.home, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func (tm *sandboxTeam) signIn(t *testing.T, a *App) *access.Session {
	t.Helper()
	s, err := a.SignIn(context.Background(), "wendy", secret(writerPass))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// set changes the sandbox's settings as the admin's form does, on the team's port.
func (tm *sandboxTeam) set(t *testing.T, change func(in *SandboxInput)) {
	t.Helper()
	v, err := tm.app.Sandbox(context.Background(), tm.admin)
	if err != nil {
		t.Fatal(err)
	}
	in := v.Input()
	in.Port = strconv.Itoa(tm.port)
	change(&in)
	if err := tm.app.SetSandbox(context.Background(), tm.admin, in); err != nil {
		t.Fatalf("SetSandbox: %v", err)
	}
}

func (tm *sandboxTeam) connect(t *testing.T) (Source, error) {
	t.Helper()
	return tm.app.Connect(context.Background(), tm.writer, string(catalog.Sandbox), FlowHooks{OpenURL: tm.browser.Open})
}

// tokenEndpoint posts form to the sandbox's token endpoint, as a client would, and returns
// the status.
func (tm *sandboxTeam) tokenEndpoint(t *testing.T, form url.Values) int {
	t.Helper()
	form.Set("client_id", catalog.SandboxClientID)
	resp, err := http.PostForm(fmt.Sprintf("http://127.0.0.1:%d%s", tm.port, catalog.SandboxTokenPath), form)
	if err != nil {
		t.Fatalf("token endpoint: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSandboxWholeStory: enable, connect through the sign-in form, refresh with a rotated
// refresh token, restart (the source stays valid), Deny, disconnect (revoked at the
// sandbox), remove (the signing key and the grants go). No token or key reaches the
// database or the log.
func TestSandboxWholeStory(t *testing.T) {
	tm := newSandboxTeam(t)
	ctx := context.Background()
	v, err := tm.app.Integration(ctx, tm.admin, string(catalog.Sandbox))
	if err != nil || v.State != StateEnabled || !v.Provider.IsSandbox() {
		t.Fatalf("sandbox integration: %+v (%v), want enabled and marked sandbox", v, err)
	}

	src, err := tm.connect(t)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if src.Account != "jane@example.com" || src.Status != store.StatusConnected || !src.IsSandbox() {
		t.Errorf("source: %+v, want jane@example.com, connected, marked sandbox", src)
	}
	first := tokenOf(t, tm.app, src.ID)
	if left := time.Until(first.Expiry); left > 5*time.Minute+time.Second || left < 4*time.Minute {
		t.Errorf("access token lives %s, want the default 5 minutes", left)
	}

	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	second := tokenOf(t, tm.app, src.ID)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Errorf("the refresh did not rotate the refresh token or renew the access token")
	}

	// Restart: a new process serves the sandbox from the same database and keychain.
	tm.app.Close()
	tm.app = tm.open(t)
	tm.writer = tm.signIn(t, tm.app)
	if tm.admin, err = tm.app.SignIn(ctx, "root", secret(adminPass)); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Refresh after a restart: %v", err)
	}
	third := tokenOf(t, tm.app, src.ID)

	tm.browser.Set("joe@example.com", true)
	if _, err := tm.connect(t); ReasonOf(err) != ReasonDenied {
		t.Errorf("Connect with Deny: %v (reason %v), want the access-denied reason", err, ReasonOf(err))
	}

	if err := tm.app.Disconnect(ctx, tm.writer, src.ID); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if code := tm.tokenEndpoint(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {third.RefreshToken}}); code != http.StatusBadRequest {
		t.Errorf("the revoked refresh token at the token endpoint: %d, want 400", code)
	}

	assertSandboxSecretsHidden(t, tm, first, second, third)

	if err := tm.app.RemoveIntegration(ctx, tm.admin, string(catalog.Sandbox), false); err != nil {
		t.Fatalf("RemoveIntegration: %v", err)
	}
	if _, err := tm.app.keychain.Get(ctx, vault.SandboxKeyKey); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("the signing key after removal: %v, want not found", err)
	}
	var n int
	if err := tm.app.db.QueryRowContext(ctx, "SELECT count(*) FROM sandbox_grants").Scan(&n); err != nil || n != 0 {
		t.Errorf("grants after removal: %d (%v), want 0", n, err)
	}
}

func tokenOf(t *testing.T, a *App, id int64) *oauth2.Token {
	t.Helper()
	tok, err := tokens.Load(context.Background(), a.keychain, id)
	if err != nil {
		t.Fatalf("token of source %d: %v", id, err)
	}
	return tok
}

// assertSandboxSecretsHidden searches the workspace folder and the log for the tokens and the signing key.
func assertSandboxSecretsHidden(t *testing.T, tm *sandboxTeam, toks ...*oauth2.Token) {
	t.Helper()
	key, err := tm.app.keychain.Get(context.Background(), vault.SandboxKeyKey)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{strings.Split(key.Reveal(), "\n")[1]}
	for _, tok := range toks {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
	}
	assertNoSecretIn(t, secrets, tm.home)
	for _, s := range secrets {
		if bytes.Contains(tm.log.Bytes(), []byte(s)) {
			t.Errorf("the log holds a token or the signing key")
		}
	}
}

// TestSandboxFailureSwitches: the access-token lifetime set in the settings; Refuse
// refreshes makes a refresh end in Needs reconnect, Go silent in Offline.
func TestSandboxFailureSwitches(t *testing.T) {
	tm := newSandboxTeam(t)
	ctx := context.Background()
	tm.set(t, func(in *SandboxInput) { in.AccessTokenTTL = "45s" })
	src, err := tm.connect(t)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if left := time.Until(tokenOf(t, tm.app, src.ID).Expiry); left > 46*time.Second || left < 30*time.Second {
		t.Errorf("access token lives %s, want the 45s set", left)
	}

	tm.set(t, func(in *SandboxInput) { in.Silent = true })
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); !errors.Is(err, ErrOffline) {
		t.Errorf("Refresh of a silent sandbox: %v, want offline", err)
	}
	tm.set(t, func(in *SandboxInput) { in.Silent = false })
	if got, err := tm.app.Refresh(ctx, tm.writer, src.ID); err != nil || got.Status != store.StatusConnected {
		t.Errorf("Refresh once it answers again: %v, %q; want connected", err, got.Status)
	}

	tm.set(t, func(in *SandboxInput) { in.RefuseRefresh = true })
	if _, err := tm.app.Refresh(ctx, tm.writer, src.ID); !errors.Is(err, ErrNeedsReconnect) {
		t.Errorf("Refresh refused by the sandbox: %v, want needs reconnect", err)
	}

	bad := SandboxInput{Port: "80", AccessTokenTTL: "forever"}
	var verr *ValidationError
	if err := tm.app.SetSandbox(ctx, tm.admin, bad); !errors.As(err, &verr) || verr.Fields[FieldSandboxPort] == "" || verr.Fields[FieldTokenTTL] == "" {
		t.Errorf("SetSandbox(%+v): %v, want both fields named", bad, err)
	}
	if _, err := tm.app.Sandbox(ctx, tm.writer); ReasonOf(err) != ReasonForbidden {
		t.Errorf("a writer reads the sandbox's settings: %v, want forbidden", err)
	}
}

// TestSandboxSecondProcess: while another process of the workspace serves the sandbox, this
// one uses it; once that one is gone, this one serves it.
func TestSandboxSecondProcess(t *testing.T) {
	tm := newSandboxTeam(t)
	src, err := tm.connect(t)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	tm.app.Close() // this process serves nothing now
	tm.app = tm.open(t)
	tm.writer = tm.signIn(t, tm.app)

	c := childproc.Start(t, childModeEnv+"=sandbox-serve", childHomeEnv+"="+tm.home, "SANDBOX_SOURCE="+strconv.FormatInt(src.ID, 10))
	c.Expect("serving")
	if _, err := tm.app.Refresh(context.Background(), tm.writer, src.ID); err != nil {
		t.Fatalf("Refresh while the other process serves: %v", err)
	}
	if servesSandbox(tm.app) {
		t.Errorf("this process started a sandbox of its own while the other one served it")
	}
	c.GoAhead()
	if _, err := c.End(); err != nil {
		t.Fatalf("child: %v\n%s", err, c.Stderr())
	}
	if _, err := tm.app.Refresh(context.Background(), tm.writer, src.ID); err != nil {
		t.Fatalf("Refresh once the other process is gone: %v", err)
	}
	if !servesSandbox(tm.app) {
		t.Errorf("the other process is gone and this one does not serve the sandbox")
	}
}

// childSandboxServe refreshes a source as wendy, which makes this process serve the sandbox,
// says "serving" and keeps serving until told to go on.
func childSandboxServe(ctx context.Context, a *App) error {
	s, err := a.SignIn(ctx, "wendy", secret(writerPass))
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(os.Getenv("SANDBOX_SOURCE"), 10, 64)
	if _, err := a.Refresh(ctx, s, id); err != nil {
		return err
	}
	if !servesSandbox(a) {
		return errors.New("the child does not serve the sandbox")
	}
	fmt.Println("serving")
	return childproc.WaitForGoAhead()
}

// TestSandboxPortTaken: a port held by another program, or by another workspace's sandbox,
// is refused before the browser opens, with the reason that says how to change the port.
func TestSandboxPortTaken(t *testing.T) {
	tm := newSandboxTeam(t)
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(tm.port))
	if err != nil {
		t.Fatal(err)
	}
	other := &http.Server{Handler: http.NotFoundHandler()}
	go other.Serve(ln)
	defer other.Close()

	_, err = tm.connect(t)
	if ReasonOf(err) != ReasonSandboxPortTaken || !strings.Contains(err.Error(), strconv.Itoa(tm.port)) {
		t.Errorf("Connect with the port taken: %v (reason %v), want the port named and ReasonSandboxPortTaken", err, ReasonOf(err))
	}
	if n := tm.browser.Visits(); n != 0 {
		t.Errorf("the browser opened %d times, want none", n)
	}
}

// The sandbox's port and the fixed port of another integration never clash, whichever is
// saved second.
func TestSandboxPortClashesWithFixedPort(t *testing.T) {
	tm := newSandboxTeam(t)
	ctx := context.Background()
	var verr *ValidationError
	err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "dropbox", ClientID: "abc", Port: strconv.Itoa(tm.port)})
	if !errors.As(err, &verr) || !strings.Contains(verr.Fields[FieldPort], "Sandbox") {
		t.Errorf("Dropbox on the sandbox's port: %v, want the port refused, naming the sandbox", err)
	}
	if err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "sandbox", ClientID: "mine"}); !errors.As(err, &verr) || verr.Fields[FieldClientID] == "" {
		t.Errorf("the sandbox with another client id: %v, want the client id refused", err)
	}
	other := freePort(t)
	if err := tm.app.SaveIntegration(ctx, tm.admin, IntegrationInput{ID: "dropbox", ClientID: "abc", Port: strconv.Itoa(other)}); err != nil {
		t.Fatal(err)
	}
	err = tm.app.SetSandbox(ctx, tm.admin, SandboxInput{Port: strconv.Itoa(other), AccessTokenTTL: "5m"})
	if !errors.As(err, &verr) || !strings.Contains(verr.Fields[FieldSandboxPort], "Dropbox") {
		t.Errorf("the sandbox on Dropbox's port: %v, want the port refused, naming Dropbox", err)
	}
}

// servesSandbox reports whether a's process serves the sandbox.
func servesSandbox(a *App) bool {
	h := a.hosts[catalog.Sandbox].(*sandboxHost)
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.srv != nil
}
