package gui

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

// sourcesWorkspace is a workspace with Ada (admin), Wes (write) and Rhea (read), and a
// window over it that nobody has signed in to yet.
type sourcesWorkspace struct {
	*fixture
	home string
}

func newSourcesWorkspace(t testing.TB) *sourcesWorkspace {
	t.Helper()
	ctx := context.Background()
	clk := testkit.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	home := t.TempDir()
	sched := &fakeScheduler{}
	c, err := core.Open(ctx, core.Config{Home: home, Now: clk.Now, Scheduler: sched})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.CreateFirstAdmin(ctx, "Ada", core.NewSecret(goodPass), core.NewSecret(goodPass))
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]access.Privilege{"Wes": access.Write, "Rhea": access.Read} {
		if _, err := c.AddUser(ctx, s, name, p, core.NewSecret(goodPass), core.NewSecret(goodPass)); err != nil {
			t.Fatal(err)
		}
	}
	c.SignOut(ctx, s)
	ui := newTestUI(test.NewTempApp(t), c, Deps{Now: clk.Now})
	t.Cleanup(ui.Close)
	ui.Start()
	ui.Wait()
	return &sourcesWorkspace{fixture: &fixture{ui: ui, core: c, clock: clk, sched: sched}, home: home}
}

// withDB runs fn on the workspace database, opened beside the app's connection, as the
// admin's integration form and earlier connections would have written it.
func (w *sourcesWorkspace) withDB(t testing.TB, fn func(ctx context.Context, tx *sql.Tx) error) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(w.home, core.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Tx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// addIntegration writes an enabled integration with a public client. Its endpoints are
// typed in, so that loading it makes no network call.
func (w *sourcesWorkspace) addIntegration(t testing.TB, id, authURL, tokenURL, userinfoURL string) {
	t.Helper()
	now := w.clock.Now()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		return store.PutIntegration(ctx, tx, store.Integration{ID: id, Provider: "oauth2", Name: "Test " + id,
			ClientID: "desktop", Enabled: true, AuthURL: authURL, TokenURL: tokenURL, UserinfoURL: userinfoURL,
			Scopes: []string{"files.read"}, CreatedAt: now, UpdatedAt: now})
	})
}

// addFiles writes the enabled integration "files" whose endpoints no test calls.
func (w *sourcesWorkspace) addFiles(t testing.TB) {
	t.Helper()
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
}

// addSources gives the named user n sources through integration id, with the given status.
func (w *sourcesWorkspace) addSources(t testing.TB, id, owner string, n int, status, detail string) {
	t.Helper()
	now := w.clock.Now()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		u, err := store.UserByName(ctx, tx, owner)
		if err != nil {
			return err
		}
		for i := range n {
			_, err := store.InsertSource(ctx, tx, store.Source{IntegrationID: id, OwnerID: u.ID,
				Account: fmt.Sprintf("%s-%05d@example.com", strings.ToLower(owner), i), AccountSubject: fmt.Sprintf("%s-%d", owner, i),
				Status: status, StatusDetail: detail, LastRefreshAt: now.Add(-2 * time.Hour), CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *sourcesWorkspace) pane(t testing.TB) *sourcesPane {
	t.Helper()
	if w.ui.home == nil {
		t.Fatal("nobody is signed in")
	}
	return w.ui.home.sources
}

func TestSourcesListShowsStatusOwnersAndFilters(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 2, core.StatusNeedsReconnect, "refresh token expired")
	w.addSources(t, "files", "Ada", 1, core.StatusError, "the keychain did not take the token")

	w.signIn(t, "Ada", goodPass)
	p := w.pane(t)
	if len(p.shown) != 3 {
		t.Fatalf("the admin sees %d sources, want 3", len(p.shown))
	}
	row := newSourceRow(true)
	var lines []string
	for _, src := range p.shown {
		row.show(src, w.clock.Now())
		lines = append(lines, strings.Join([]string{row.integration.Text, row.account.Text, row.owner.Text,
			row.health.text, row.detail.Text, row.refreshed.Text}, " | "))
	}
	want := []string{
		"Test files | ada-00000@example.com | Ada | Error | the keychain did not take the token | 2 h ago",
		"Test files | wes-00000@example.com | Wes | Needs reconnect | refresh token expired | 2 h ago",
		"Test files | wes-00001@example.com | Wes | Needs reconnect | refresh token expired | 2 h ago",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("rows:\n got %s\nwant %s", got, strings.Join(want, "\n"))
	}

	test.Type(p.filter, "WES-00001")
	if len(p.shown) != 1 || p.shown[0].Account != "wes-00001@example.com" {
		t.Errorf("filtered rows = %+v, want wes-00001 only", p.shown)
	}
	p.filter.SetText("")
	if len(p.shown) != 3 {
		t.Errorf("after clearing the filter: %d rows, want 3", len(p.shown))
	}
}

func TestWriterSeesOwnSourcesAndReaderNoActions(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 2, core.StatusConnected, "")
	w.addSources(t, "files", "Ada", 1, core.StatusConnected, "")

	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	if len(p.shown) != 2 || !p.connect.Visible() || !p.reconnect.Visible() {
		t.Errorf("Wes sees %d sources, connect shown %t, reconnect shown %t; want 2, true, true",
			len(p.shown), p.connect.Visible(), p.reconnect.Visible())
	}
	if !p.reconnect.Disabled() {
		t.Error("Reconnect is enabled with nothing selected")
	}
	p.list.Select(0)
	if p.reconnect.Disabled() || p.refresh.Disabled() || p.disconnect.Disabled() {
		t.Error("the actions stay disabled with a source selected")
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Rhea", goodPass)
	p = w.pane(t)
	if len(p.shown) != 3 {
		t.Errorf("Rhea sees %d sources, want all 3", len(p.shown))
	}
	for name, b := range map[string]interface{ Visible() bool }{"Connect": p.connect, "Reconnect": p.reconnect,
		"Refresh": p.refresh, "Disconnect": p.disconnect, "Forget": p.forget} {
		if b.Visible() {
			t.Errorf("a read user sees the %s button", name)
		}
	}
}

// Cancel stops the sign-in, closes the dialog and the listener,
// and saves nothing.
func TestConnectDialogCancel(t *testing.T) {
	keychaintest.Require(t)
	w := newSourcesWorkspace(t)
	// Nothing answers at these endpoints: the person cancels before the browser returns.
	w.addIntegration(t, "files", "http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token", "http://127.0.0.1:9/me")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.tick = 10 * time.Millisecond // the countdown is shown often; the clock moves only when the test says

	test.Tap(p.connect)
	w.ui.Wait()
	if choice, ok := onTop[*dialogSelect](w.ui.win); !ok || choice.Selected != "Test files" {
		t.Fatalf("no integration chooser with Test files selected")
	}
	// The person looks at the dialog while the browser is open, copies the link and cancels.
	// The looking happens inside the browser hook, on the flow's goroutine; what it touches of
	// the window it touches through the UI's reports, where the countdown's ticks run too.
	var authURL string
	p.openURL = func(u string) error {
		authURL = u
		var f signInView
		w.ui.report(func() {
			f = signInShown(t, w.ui.win)
			// The browser gets the start address; the dialog shows the sign-in address to copy.
			if signIn, err := authtest.SignInAddress(u); err != nil || f.link.Text != signIn || f.copy.Disabled() {
				t.Errorf("link %q (copy disabled %t), want the sign-in address %q (%v) and Copy enabled", f.link.Text, f.copy.Disabled(), signIn, err)
			}
			if got := f.timeLeft.Text; got != "Time left: 5:00" {
				t.Errorf("time left = %q, want 5:00", got)
			}
		})
		w.clock.Advance(90 * time.Second)
		// The dialog's own ticks show the new time left; the bound is generous, not a goal.
		var got string
		for end := time.Now().Add(10 * time.Second); got != "Time left: 3:30" && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			w.ui.report(func() { got = f.timeLeft.Text })
		}
		if got != "Time left: 3:30" {
			t.Errorf("time left after 90 s = %q, want 3:30", got)
		}
		w.ui.report(func() {
			test.Tap(f.copy)
			if got := w.ui.fa.Clipboard().Content(); got != f.link.Text {
				t.Errorf("clipboard = %q, want the link", got)
			}
			test.Tap(f.cancel)
		})
		return nil
	}
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()

	link, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	callback, err := callbackOf(link)
	if err != nil || callback.Hostname() != "127.0.0.1" {
		t.Fatalf("redirect_uri %q, want one on 127.0.0.1", link.Query().Get("redirect_uri"))
	}
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Error("the connect dialog is still open after Cancel")
	}
	if conn, err := net.Dial("tcp", callback.Host); err == nil {
		conn.Close()
		t.Errorf("the listener on %s still accepts connections after Cancel", callback.Host)
	}
	list, err := w.core.Sources(context.Background(), w.ui.session, core.SourceFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("sources after Cancel: %d, %v; want none", len(list), err)
	}
}

// BenchmarkSourcesList reloads the Sources tab (list the sources, sort, fill the table, draw
// the window) with 10 and with 10,000 sources; the goal is at most 1.2 times the time
// with 10,000. The table is virtualised, so the drawing costs the same; core lists from its
// cache while the database is unchanged, and a list already in the table's order is not
// sorted again, so what grows with the count is a copy and a few passes over it. The first read
// of 10,000 rows after a change still costs its tens of milliseconds, once.
func BenchmarkSourcesList(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			w := newSourcesWorkspace(b)
			w.addFiles(b)
			w.addSources(b, "files", "Wes", n, core.StatusConnected, "")
			s, err := w.core.SignIn(context.Background(), "Ada", core.NewSecret(goodPass))
			if err != nil {
				b.Fatal(err)
			}
			w.ui.signedIn(s)
			w.ui.Wait()
			p := w.pane(b)
			b.ResetTimer()
			for b.Loop() {
				p.reload(0)
				w.ui.Wait()
				w.ui.win.Canvas().Capture()
			}
			b.StopTimer()
			if len(p.shown) != n {
				b.Fatalf("%d rows shown, want %d", len(p.shown), n)
			}
		})
	}
}

func TestOwnerIsToldWhichSourcesNeedReconnect(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 2, core.StatusNeedsReconnect, "invalid_grant")

	w.signIn(t, "Wes", goodPass)
	if n := w.pane(t).notice; !n.Visible() || !strings.HasPrefix(n.Text, "2 of your sources need reconnecting") {
		t.Errorf("Wes's notice = %q (shown %t), want it to count his 2 sources", n.Text, n.Visible())
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Ada", goodPass) // sees them, but they are not hers to reconnect
	if n := w.pane(t).notice; n.Visible() {
		t.Errorf("Ada is told %q about sources she does not own", n.Text)
	}
}

// pressKey sends a key to the widget with the keyboard focus, or to the window's canvas when
// none has it, as the desktop driver does.
func pressKey(w *sourcesWorkspace, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	c := w.ui.win.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// The connect dialogs work from the keyboard: the chooser opens with Connect focused, Escape
// closes it and Enter connects; the sign-in dialog opens with Cancel focused, and Escape
// cancels the sign-in (its listener closes) whether a button has the focus or none has.
func TestConnectDialogKeys(t *testing.T) {
	keychaintest.Require(t)
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token", "http://127.0.0.1:9/me")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.tick = time.Hour

	test.Tap(p.connect)
	w.ui.Wait()
	if got := w.ui.win.Canvas().Focused(); got == nil || got != shownButton(w.ui.win, "Connect") {
		t.Fatalf("focused in the chooser = %v, want the Connect button", got)
	}
	pressKey(w, fyne.KeyEscape)
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatal("the chooser is still open after Escape")
	}

	for _, unfocused := range []bool{false, true} {
		test.Tap(p.connect)
		w.ui.Wait()
		var authURL string
		p.openURL = func(u string) error {
			authURL = u
			if got := w.ui.win.Canvas().Focused(); got == nil || got != shownButton(w.ui.win, "Cancel") {
				t.Errorf("focused in the sign-in dialog = %v, want Cancel", got)
			}
			if unfocused {
				w.ui.win.Canvas().Unfocus()
			}
			pressKey(w, fyne.KeyEscape)
			return nil
		}
		pressKey(w, fyne.KeyReturn) // Connect
		w.ui.Wait()
		if authURL == "" {
			t.Fatalf("unfocused %t: Enter in the chooser started no sign-in", unfocused)
		}
		if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("unfocused %t: the sign-in dialog is still open after Escape", unfocused)
		}
		link, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		callback, err := callbackOf(link)
		if err != nil {
			t.Fatal(err)
		}
		if conn, err := net.Dial("tcp", callback.Host); err == nil {
			conn.Close()
			t.Errorf("unfocused %t: the listener on %s still accepts connections after Escape", unfocused, callback.Host)
		}
	}
}

// Deny at the provider's page reads as the person's choice, naming the provider as people
// know it: the one the sign-in went to, else the integration, without the OAuth code.
func TestFlowMessageNamesTheProvider(t *testing.T) {
	denied := &loopback.ProviderError{Provider: "Google Drive", Code: "access_denied"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&core.SourceError{Op: "connect through", Integration: "Team drive", Err: fmt.Errorf("sign in at Google Drive: %w", denied)},
			"You chose not to allow access at Google Drive."},
		{&core.SourceError{Op: "connect through", Integration: "Team drive", Err: &loopback.ProviderError{Code: "access_denied"}},
			"You chose not to allow access at Team drive."},
		{&loopback.ProviderError{Code: "access_denied"}, "You chose not to allow access at the provider."},
	} {
		if got := message(c.err); got != c.want {
			t.Errorf("message(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// callbackOf is the callback address of a sign-in the browser was given: the start address's
// listener, or the redirect_uri of an authorization address.
func callbackOf(link *url.URL) (*url.URL, error) {
	if link.Path == "/start" {
		return &url.URL{Scheme: "http", Host: link.Host, Path: "/callback"}, nil
	}
	return url.Parse(link.Query().Get("redirect_uri"))
}
