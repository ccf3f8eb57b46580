package gui

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

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
// who see other people's sources (readers and admins), not for writers.
func TestSourcesTableHeadersAndOwnerColumn(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")

	w.signIn(t, "Rhea", goodPass)
	want := []string{"Integration", "Account", "Owner", "Health", "Token", "Last refresh"}
	if got := headerTitles(w.pane(t)); !slices.Equal(got, want) {
		t.Errorf("a reader's headers = %q, want %q", got, want)
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Wes", goodPass)
	want = []string{"Integration", "Account", "Health", "Token", "Last refresh"}
	if got := headerTitles(w.pane(t)); !slices.Equal(got, want) {
		t.Errorf("a writer's headers = %q, want %q", got, want)
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
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
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

// In a narrow window (800×600 leaves the table about 790 points) the columns that must stay
// whole, a date and a health badge, keep their width; the others share what is left.
func TestSourcesColumnsKeepDatesAndBadgesWhole(t *testing.T) {
	test.NewTempApp(t)
	cols := sourceColumns(true)
	l := newColumnsLayout(cols)
	widths := l.widths(790)
	var sum float32
	for i, c := range cols {
		sum += widths[i]
		if columnFit[c] == "" {
			continue
		}
		// A label (and a badge) pads its text on both sides.
		need := fyne.MeasureText(columnFit[c], theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
		if widths[i] < need {
			t.Errorf("%s is %.0f wide, narrower than %q (%.0f)", columnTitles[c], widths[i], columnFit[c], need)
		}
	}
	if sum > 790.5 {
		t.Errorf("the columns take %.0f, more than the 790 given", sum)
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
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
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
