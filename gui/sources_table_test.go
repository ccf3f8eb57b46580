package gui

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/store"
)

// addIntegrationOf writes an enabled integration of the catalog provider, named as the admin
// named it.
func (w *sourcesWorkspace) addIntegrationOf(t testing.TB, id, provider, name string) {
	t.Helper()
	now := w.clock.Now()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		return store.PutIntegration(ctx, tx, store.Integration{ID: id, Provider: provider, Name: name,
			ClientID: "desktop", Enabled: true, Issuer: "https://idp.example", AuthURL: "https://idp.example/authorize",
			TokenURL: "https://idp.example/token", Scopes: []string{"openid"}, CreatedAt: now, UpdatedAt: now})
	})
}

// setRefreshed sets when every source of the integration was last refreshed.
func (w *sourcesWorkspace) setRefreshed(t testing.TB, integrationID string, at time.Time) {
	t.Helper()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sources SET last_refresh_at = ? WHERE integration_id = ?`, at.UnixMilli(), integrationID)
		return err
	})
}

// headerTitles are the column titles the table shows.
func headerTitles(p *sourcesPane) []string {
	var titles []string
	for _, b := range p.header.buttons {
		if b.Visible() {
			titles = append(titles, b.Text)
		}
	}
	return titles
}

// rowsAsShown fills a row widget with each source shown, in order, and returns column col
// of each as the person reads it.
func rowsAsShown(w *sourcesWorkspace, p *sourcesPane, col func(*sourceRow) string) []string {
	row := newSourceRow(true)
	var got []string
	for _, src := range p.shown {
		row.show(src, w.clock.Now())
		got = append(got, col(row))
	}
	return got
}

// Sources at a glance: the table has column headers, and the owner column only for those
// who see other people's sources (readers and admins), not for writers; the filter's hint
// names only columns the person sees.
func TestSourcesTableHeadersAndOwnerColumn(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")

	w.signIn(t, "Rhea", goodPass)
	want := []string{"Integration", "Account", "Owner", "Health", "Token", "Refreshed"}
	if got := headerTitles(w.pane(t)); !slices.Equal(got, want) {
		t.Errorf("a reader's headers = %q, want %q", got, want)
	}
	if got, hint := w.pane(t).filter.PlaceHolder, "Filter by integration, account, owner or health"; got != hint {
		t.Errorf("a reader's filter hint = %q, want %q", got, hint)
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Wes", goodPass)
	want = []string{"Integration", "Account", "Health", "Token", "Refreshed"}
	if got := headerTitles(w.pane(t)); !slices.Equal(got, want) {
		t.Errorf("a writer's headers = %q, want %q", got, want)
	}
	if got, hint := w.pane(t).filter.PlaceHolder, "Filter by integration, account or health"; got != hint {
		t.Errorf("a writer's filter hint = %q, want %q", got, hint)
	}
	// The rows line up with the header: as many cells as titles, in the same layout.
	cells := test.TempWidgetRenderer(t, newSourceRow(false)).Objects()[0].(*fyne.Container)
	if len(cells.Objects) != len(want) {
		t.Errorf("a writer's row has %d cells, want %d", len(cells.Objects), len(want))
	}
}

// Sources at a glance: two sources of the same account through two OpenID Connect
// integrations are told apart by the integration's name, each with the OIDC mark.
func TestTwoOIDCIntegrationsToldApart(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "oidc-a", "oidc", "Acme staff SSO")
	w.addIntegrationOf(t, "oidc-b", "oidc", "Partner archive")
	w.addSources(t, "oidc-a", "Wes", 1, core.StatusConnected, "")
	w.addSources(t, "oidc-b", "Wes", 1, core.StatusConnected, "")

	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	got := rowsAsShown(w, p, func(r *sourceRow) string {
		return r.integration.Text + " | " + r.account.Text + " | " + r.icon.Resource.Name()
	})
	want := []string{
		"Acme staff SSO | wes-00000@example.com | " + assets.ProviderIcon("oidc").Name(),
		"Partner archive | wes-00000@example.com | " + assets.ProviderIcon("oidc").Name(),
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
}

// Sources at a glance: clicking a header sorts by that column, clicking it again turns the
// order round, and the selection stays on the same source.
func TestSourcesSortByColumnKeepsSelection(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "b-int", "box", "Box team")
	w.addIntegrationOf(t, "a-int", "dropbox", "Dropbox home")
	w.addSources(t, "b-int", "Ada", 1, core.StatusConnected, "")
	w.addSources(t, "a-int", "Wes", 1, core.StatusNeedsReconnect, "invalid_grant")
	w.addSources(t, "b-int", "Rhea", 1, core.StatusError, "the keychain did not answer")

	w.signIn(t, "Ada", goodPass)
	p := w.pane(t)
	account := func(r *sourceRow) string { return r.account.Text }
	byTitle := func(title string) func() {
		return func() {
			for _, b := range p.header.buttons {
				if b.Text == title {
					test.Tap(b)
					return
				}
			}
			t.Fatalf("no %q header", title)
		}
	}
	p.list.Select(slices.IndexFunc(p.shown, func(s core.Source) bool { return s.Owner == "Wes" }))
	selected := p.selected
	steps := []struct {
		tap  func()
		want []string
	}{
		{byTitle("Health"), []string{"rhea-00000@example.com", "wes-00000@example.com", "ada-00000@example.com"}},
		{byTitle("Account"), []string{"ada-00000@example.com", "rhea-00000@example.com", "wes-00000@example.com"}},
		{byTitle("Account"), []string{"wes-00000@example.com", "rhea-00000@example.com", "ada-00000@example.com"}},
		{byTitle("Integration"), []string{"ada-00000@example.com", "rhea-00000@example.com", "wes-00000@example.com"}},
		{byTitle("Owner"), []string{"ada-00000@example.com", "rhea-00000@example.com", "wes-00000@example.com"}},
		{byTitle("Owner"), []string{"wes-00000@example.com", "rhea-00000@example.com", "ada-00000@example.com"}},
	}
	for i, s := range steps {
		s.tap()
		if got := rowsAsShown(w, p, account); !slices.Equal(got, s.want) {
			t.Errorf("step %d: rows %q, want %q", i, got, s.want)
		}
		if src, ok := p.current(); !ok || src.ID != selected {
			t.Errorf("step %d: selected %d (%t), want source %d still selected", i, src.ID, ok, selected)
		}
	}
}

// Sources at a glance: a reload (a new source read from the database) keeps the selected
// source selected, wherever it now is in the list.
func TestSourcesSelectionKeptAcrossReload(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 2, core.StatusConnected, "")

	w.signIn(t, "Ada", goodPass)
	p := w.pane(t)
	p.list.Select(1)
	selected := p.shown[1]
	w.addSources(t, "files", "Ada", 2, core.StatusConnected, "") // sorts before Wes's
	p.reload(0)
	w.ui.Wait()
	src, ok := p.current()
	if len(p.shown) != 4 || !ok || src.ID != selected.ID || p.refresh.Disabled() {
		t.Errorf("after reload: %d rows, selected %q (%t), Refresh disabled %t; want 4 rows and %q still selected",
			len(p.shown), src.Account, ok, p.refresh.Disabled(), selected.Account)
	}
	if i := slices.IndexFunc(p.shown, func(s core.Source) bool { return s.ID == selected.ID }); i != 3 {
		t.Errorf("the selected source is row %d, want 3 (after Ada's two)", i)
	}
}

// Sources at a glance: the token column says whether a source renews by itself or expires
// unused, and by when; keep-alive renews it while the app runs, and always once the system's
// schedule runs the upkeep while the app is closed.
func TestSourcesTokenColumnSaysWhenItExpires(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "box", "box", "Box team") // Box drops a refresh token unused for 60 days
	w.addIntegrationOf(t, "dbx", "dropbox", "Dropbox home")
	w.addSources(t, "box", "Wes", 1, core.StatusConnected, "")
	w.addSources(t, "dbx", "Wes", 1, core.StatusConnected, "")
	w.setRefreshed(t, "box", w.clock.Now().Add(-55*24*time.Hour))

	renewal := func(r *sourceRow) string { return r.integration.Text + ": " + r.renewal.Text }
	w.signIn(t, "Ada", goodPass)
	for _, c := range []struct {
		keepAlive, scheduled bool
		want                 []string
	}{
		{false, false, []string{"Box team: Expires in 5 days — refresh before", "Dropbox home: Renews automatically"}},
		{true, false, []string{"Box team: Renews while the app runs (5 days left)", "Dropbox home: Renews automatically"}},
		{true, true, []string{"Box team: Renews automatically", "Dropbox home: Renews automatically"}},
	} {
		if err := w.core.SetKeepAlive(context.Background(), w.ui.session, c.keepAlive); err != nil {
			t.Fatal(err)
		}
		w.sched.installed = c.scheduled
		w.pane(t).reload(0)
		w.ui.Wait()
		if got := rowsAsShown(w, w.pane(t), renewal); !slices.Equal(got, c.want) {
			t.Errorf("keep-alive %t, scheduled %t:\n got %q\nwant %q", c.keepAlive, c.scheduled, got, c.want)
		}
	}
}

func TestRenewalText(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		rn   core.Renewal
		want string
	}{
		{core.Renewal{Kind: core.RenewsAutomatically}, "Renews automatically"},
		{core.Renewal{Kind: core.RenewalExpires, By: now.Add(59*24*time.Hour + time.Hour)}, "Expires in 59 days — refresh before"},
		{core.Renewal{Kind: core.RenewalExpires, By: now.Add(30 * time.Hour)}, "Expires in 1 day — refresh before"},
		{core.Renewal{Kind: core.RenewalExpires, By: now.Add(3 * time.Hour)}, "Expires today — refresh before"},
		{core.Renewal{Kind: core.RenewalExpired, By: now}, "Expired unused — reconnect"},
		{core.Renewal{Kind: core.RenewalReconnect}, "Reconnect to renew"},
		{core.Renewal{Kind: core.RenewsWhileOpen, By: now.Add(20*24*time.Hour + time.Hour)}, "Renews while the app runs (20 days left)"},
		{core.Renewal{Kind: core.RenewsWhileOpen, By: now.Add(3 * time.Hour)}, "Renews while the app runs (expires today)"},
	}
	for _, c := range cases {
		if got, _ := renewalText(c.rn, now); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.rn, got, c.want)
		}
	}
}

// shownRows are the table's rows on screen.
func shownRows(w fyne.Window) []*sourceRow {
	var rows []*sourceRow
	walkObjects(w.Content(), func(o fyne.CanvasObject) bool {
		if r, ok := o.(*sourceRow); ok && r.Visible() {
			rows = append(rows, r)
			return false
		}
		return o.Visible()
	})
	return rows
}

// The columns are as wide as what they show: the owner, the badge and the date always show
// whole, a long status detail gives way first, no column is wider than its content while
// another is cut, and no row runs past the window; for a writer, who has no owner column, the
// integration and the account show whole at the default size.
func TestSourcesColumnsFitTheirContent(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "sandbox", "oidc", "Sandbox (this computer)")
	w.addSources(t, "sandbox", "Wes", 2, core.StatusNeedsReconnect,
		"the provider refused the refresh token: it was revoked after the account's password changed")
	for _, tc := range []struct {
		user  string
		size  fyne.Size
		whole func(r *sourceRow) []*widget.Label
	}{
		{"Ada", fyne.NewSize(800, 540), func(r *sourceRow) []*widget.Label { return []*widget.Label{r.owner, r.refreshed} }},
		{"Ada", fyne.NewSize(640, 480), func(r *sourceRow) []*widget.Label { return []*widget.Label{r.owner, r.refreshed} }},
		{"Wes", fyne.NewSize(800, 540), func(r *sourceRow) []*widget.Label {
			return []*widget.Label{r.integration, r.account, r.renewal, r.refreshed}
		}},
	} {
		w.signIn(t, tc.user, goodPass)
		w.ui.win.Resize(tc.size)
		p := w.pane(t)
		rows := shownRows(w.ui.win)
		if len(rows) != 2 {
			t.Fatalf("%s %v: %d rows on screen, want 2", tc.user, tc.size, len(rows))
		}
		for _, r := range rows {
			checkRowFits(t, w.ui.win, tc.user, tc.size, r, tc.whole(r))
		}
		for i, b := range p.header.buttons { // the header lines up with the rows
			if bx, cx := place(t, w.ui.win, b).x, place(t, w.ui.win, rows[0].cells.Objects[i]).x; bx != cx {
				t.Errorf("%s %v: column %q starts at %.0f, its header at %.0f", tc.user, tc.size, columnTitles[p.cols[i]], cx, bx)
			}
		}
		w.ui.signOut()
		w.ui.Wait()
	}
}

// shownText is the text a label draws: its text, or less and an ellipsis when cut.
func shownText(l *widget.Label) string {
	if !l.Visible() || l.Size().Width <= 0 {
		return ""
	}
	var drawn []string
	walkObjects(l, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*canvas.Text); ok && c.Visible() {
			drawn = append(drawn, c.Text)
		}
		return true
	})
	return strings.Join(drawn, "")
}

// checkRowFits checks one row of TestSourcesColumnsFitTheirContent.
func checkRowFits(t *testing.T, win fyne.Window, user string, size fyne.Size, r *sourceRow, whole []*widget.Label) {
	t.Helper()
	cut := func(l *widget.Label) bool { return shownText(l) != l.Text }
	for _, l := range whole {
		if cut(l) {
			t.Errorf("%s %v: %q is cut: %.0f wide, needs %.0f", user, size, l.Text, l.Size().Width, textWidth(l.Text, false))
		}
	}
	if r.health.Size().Width+0.5 < r.health.MinSize().Width {
		t.Errorf("%s %v: the badge %q is cut", user, size, r.health.text)
	}
	if !cut(r.detail) {
		t.Errorf("%s %v: the long detail shows whole; want it to give way in this width", user, size)
	}
	if r.detail.Visible() {
		if d := place(t, win, r.detail); d.w <= 0 || d.x+d.w > place(t, win, r.renewal).x {
			t.Errorf("%s %v: the detail at %+v runs into the next column", user, size, d)
		}
	}
	labels := []*widget.Label{r.integration, r.account, r.renewal}
	for _, l := range labels {
		for _, o := range labels {
			if cut(l) && !cut(o) && o.Size().Width > textWidth(o.Text, false)+1 && o.Size().Width > l.Size().Width {
				t.Errorf("%s %v: %q is cut at %.0f while %q has %.0f for its %.0f", user, size, l.Text,
					l.Size().Width, o.Text, o.Size().Width, textWidth(o.Text, false))
			}
		}
	}
	if at := place(t, win, r.refreshed); at.x+at.w > size.Width+0.5 {
		t.Errorf("%s %v: the last column ends at %.0f, past the window", user, size, at.x+at.w)
	}
}

func TestIntegrationAndProvider(t *testing.T) {
	for _, c := range []struct{ integration, provider, want string }{
		{"Team Drive", "Google Drive", "Team Drive (Google Drive)"},
		{"Box", "Box", "Box"},
		{"Sandbox (this computer)", "Sandbox (this computer)", "Sandbox (this computer)"},
		{"Wiki", "", "Wiki"},
	} {
		if got := integrationAndProvider(core.Source{IntegrationName: c.integration, ProviderName: c.provider}); got != c.want {
			t.Errorf("%q of %q: got %q, want %q", c.integration, c.provider, got, c.want)
		}
	}
}

// What a command beside the window changes shows within one tick: the window asks core
// whether the database moved and reloads the sources then, and only then.
func TestWindowShowsChangesFromElsewhere(t *testing.T) {
	ctx := context.Background()
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")
	w.signIn(t, "Ada", goodPass)
	w.core.Changed(ctx) // what the window has shown so far
	if w.core.Changed(ctx) {
		t.Fatal("Changed with nothing written says true")
	}
	status := func() string { return w.pane(t).shown[0].Status }
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error { // as another process would
		return store.UpdateSourceStatus(ctx, tx, w.pane(t).shown[0].ID, core.StatusNeedsReconnect, "refused", w.clock.Now())
	})
	changed := w.core.Changed(ctx)
	w.ui.showChanges(changed)
	w.ui.Wait()
	if !changed || status() != core.StatusNeedsReconnect {
		t.Errorf("after another process's change: Changed %t, the row says %q; want true and %q", changed, status(), core.StatusNeedsReconnect)
	}
}

// At the default size and the smallest, every button of the Sources bar shows whole within
// the window, none over another or over the filter; and the messages (the reconnect notice,
// an error, a confirmation) come and go without moving a button, the filter or a row.
func TestSourcesBarFitsAndMessagesMoveNothing(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addFiles(t)
	w.addSources(t, "files", "Ada", 2, core.StatusNeedsReconnect, "refused")
	w.signIn(t, "Ada", goodPass)
	p := w.pane(t)
	win := w.ui.win
	buttons := []fyne.CanvasObject{p.connect, p.reconnect, p.refresh, p.disconnect, p.forget, p.details}
	icons := map[string]string{}
	for _, b := range buttons {
		b := b.(*button)
		if b.Icon == nil {
			t.Fatalf("%q has no icon, unlike the other buttons of the bar", b.Text)
		}
		if other, ok := icons[b.Icon.Name()]; ok {
			t.Errorf("%q has the icon of %q", b.Text, other)
		}
		icons[b.Icon.Name()] = b.Text
	}
	for _, size := range []fyne.Size{{Width: 800, Height: 540}, {Width: 640, Height: 480}} {
		win.Resize(size)
		filter := place(t, win, p.filter)
		for i, b := range buttons {
			r := place(t, win, b)
			if r.x < 0 || r.x+r.w > size.Width || r.y+r.h > filter.y || r.w < b.MinSize().Width {
				t.Errorf("%v: %q at %+v is cut, past the window or over the filter at y %.0f", size, b.(*button).Text, r, filter.y)
			}
			for _, o := range buttons[:i] {
				if r.overlaps(place(t, win, o)) {
					t.Errorf("%v: %q overlaps %q", size, b.(*button).Text, o.(*button).Text)
				}
			}
		}

		watched := append(buttons, p.filter, p.header.buttons[0], shownRows(win)[0])
		where := func() []rect {
			p.content.Refresh() // lays the pane out again, as a frame does
			var at []rect
			for _, o := range watched {
				at = append(at, place(t, win, o))
			}
			return at
		}
		p.notice.Hide()
		p.status.SetText("")
		p.showDone("", 0)
		before := where()
		p.showNotice()
		p.status.SetText("The list could not be read.")
		p.showDone("Refreshed ada-00000@example.com.", p.shown[0].ID)
		if !p.notice.Visible() || !p.done.Visible() {
			t.Fatalf("%v: notice shown %t, confirmation shown %t; want both", size, p.notice.Visible(), p.done.Visible())
		}
		if after := where(); !slices.Equal(before, after) {
			t.Errorf("%v: the messages moved the pane:\n before %v\n after  %v", size, before, after)
		}
	}
}
