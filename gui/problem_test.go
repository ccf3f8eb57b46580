package gui

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

// filesPane signs Wes in to a workspace with integration "files" (named "Test files") at
// srv, and returns the Sources pane, whose browser approves at srv.
func filesPane(t *testing.T, srv *authtest.Server) (*sourcesWorkspace, *sourcesPane) {
	t.Helper()
	srv.AddClient(authtest.Client{ID: "desktop", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	w := newSourcesWorkspace(t)
	auth, token, _, userinfo, _ := srv.Endpoints()
	w.addIntegration(t, "files", auth, token, userinfo)
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.openURL = testkit.NewBrowser(t, srv).OpenURL
	p.tick = time.Hour
	return w, p
}

// connectedSource has Wes connect an account through integration "files" (named "Test files")
// at srv, through the dialog, and returns the pane with the new source selected.
func connectedSource(t *testing.T, srv *authtest.Server) (*sourcesWorkspace, *sourcesPane) {
	t.Helper()
	w, p := filesPane(t, srv)
	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	if _, ok := p.current(); !ok || w.ui.win.Canvas().Overlays().Top() != nil {
		t.Fatal("connecting through the dialog did not leave a selected source")
	}
	return w, p
}

// A refresh token the provider rejected reads as "needs reconnect", the
// row says so, and Reconnect is at hand in the message; it signs in again.
func TestRejectedRefreshOffersReconnect(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := connectedSource(t, srv)
	src, _ := p.current()
	srv.FailNextToken(http.StatusBadRequest, `{"error":"invalid_grant","error_description":"Token is not active"}`,
		http.Header{"Content-Type": {"application/json"}})
	test.Tap(p.refresh)
	w.ui.Wait()
	if w.ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("a rejected refresh showed no message")
	}
	if got := dialogText(t, w.ui.win); !strings.Contains(got, "no longer accepts") || !strings.Contains(got, "Test files") {
		t.Errorf("message %q; want it to say the provider no longer accepts the sign-in, naming Test files", got)
	}
	if row, _ := p.current(); row.Status != core.StatusNeedsReconnect {
		t.Errorf("the row's status is %q, want %q", row.Status, core.StatusNeedsReconnect)
	}
	reconnect := shownButton(w.ui.win, "Reconnect…")
	if reconnect == nil {
		t.Fatal("the message offers no Reconnect…")
	}
	if got := w.ui.win.Canvas().Focused(); got != reconnect {
		t.Errorf("focused = %v, want Reconnect", got)
	}
	test.Tap(reconnect)
	w.ui.Wait()
	if row, ok := p.current(); !ok || row.ID != src.ID || row.Status != core.StatusConnected {
		t.Errorf("after Reconnect: %+v (%t), want source %d connected again", row, ok, src.ID)
	}
}

// A provider's refusal reads in words, naming the source and its
// integration as the administrator named it; the technical text is under Details.
func TestRefusedRefreshInWordsWithDetails(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := connectedSource(t, srv)
	src, _ := p.current()
	srv.FailNextToken(http.StatusBadRequest, `{"error":"invalid_request","error_description":"refresh token is not valid"}`,
		http.Header{"Content-Type": {"application/json"}})
	test.Tap(p.refresh)
	w.ui.Wait()
	if w.ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("a refused refresh showed no message")
	}
	// The words first, then the details (hidden until Details is pressed), then the title.
	lines := strings.SplitN(dialogText(t, w.ui.win), "\n", 3)
	want := "Refresh " + src.Account + " at Test files failed. The provider refused the request."
	if got := lines[0]; !strings.HasPrefix(got, want) || strings.Contains(got, "oauth2") || strings.Contains(got, "files:") {
		t.Errorf("message %q; want it to start %q, without oauth2's text or the integration's id", got, want)
	}
	if len(lines) < 2 || !strings.Contains(lines[1], "token endpoint answered 400") {
		t.Errorf("details %q; want the provider's answer", lines[1:])
	}
	if shownButton(w.ui.win, "Reconnect…") == nil {
		t.Error("the message offers no Reconnect")
	}
}

// An unreachable discovery document reads in words naming the
// integration, not as "discover http://…: dial tcp …: connection refused"; the dial error
// stays in the log.
func TestUnreachableDiscoveryInWords(t *testing.T) {
	keychaintest.Require(t)
	w := newSourcesWorkspace(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	now := w.clock.Now()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		return store.PutIntegration(ctx, tx, store.Integration{ID: "custom-x1", Provider: "oidc", Name: "Company SSO",
			ClientID: "desktop", Enabled: true, Issuer: closed, Scopes: []string{"openid"}, CreatedAt: now, UpdatedAt: now})
	})
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.tick = time.Hour
	p.openURL = func(string) error { t.Error("the browser opened for an unreachable provider"); return nil }
	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	problem := signInShown(t, w.ui.win).problem
	got := problem.Text
	if !strings.Contains(got, "Company SSO") || !strings.Contains(got, "cannot be reached") ||
		strings.Contains(got, "dial tcp") || strings.Contains(got, "custom-x1") {
		t.Errorf("problem %q; want words naming Company SSO, without the dial error or the id", got)
	}
	test.Tap(problem) // the detail is one click away
	if got := problem.Text; !strings.Contains(got, "Details: ") || !strings.Contains(got, "connection refused") {
		t.Errorf("problem after a tap %q; want the technical detail under the words", got)
	}
}

// A failure in a status line reads in words; its technical text, escaped, is one tap away,
// and a second tap hides it again.
func TestStatusLineDetailOneTapAway(t *testing.T) {
	test.NewTempApp(t)
	l := statusLabel()
	err := fmt.Errorf("discover http://idp.example: dial tcp 10.0.0.1:443: \x1b]0;x\a: %w", core.ErrIntegrationDisabled)
	l.Fail(err)
	words := message(err)
	if l.Text != words+" (Details…)" || !l.Visible() {
		t.Fatalf("line %q (visible %v), want the words %q and a way to the details", l.Text, l.Visible(), words)
	}
	test.Tap(l)
	if !strings.Contains(l.Text, "Details: discover http://idp.example: dial tcp") || strings.ContainsAny(l.Text, "\x1b\a") {
		t.Errorf("after a tap %q; want the error's own text, escaped", l.Text)
	}
	test.Tap(l)
	if l.Text != words+" (Details…)" {
		t.Errorf("after a second tap %q; want the detail hidden again", l.Text)
	}
	l.Say(toneInfo, "Saved.")
	test.Tap(l)
	if l.Text != "Saved." {
		t.Errorf("news tapped %q; want it unchanged, it has no detail", l.Text)
	}
	l.Fail(nil)
	if l.Visible() {
		t.Errorf("Fail(nil) left the line showing %q", l.Text)
	}
}
