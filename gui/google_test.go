package gui

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/keychaintest"
)

// addSharedGoogle gives each of owners a source of one and the same Google account.
func (w *sourcesWorkspace) addSharedGoogle(t *testing.T, subject string, owners ...string) {
	t.Helper()
	w.addIntegrationOf(t, "google", "google", "Google Drive")
	now := w.clock.Now()
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		for _, name := range owners {
			u, err := store.UserByName(ctx, tx, name)
			if err != nil {
				return err
			}
			if _, err := store.InsertSource(ctx, tx, store.Source{IntegrationID: "google", OwnerID: u.ID, Account: "team@example.com",
				AccountSubject: subject, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Google revokes the app's whole grant of an account: where another source here has the same
// account, Disconnect says what the revocation would end and offers Forget on this computer,
// which deletes this source alone.
func TestDisconnectOfASharedGoogleGrantOffersForget(t *testing.T) {
	keychaintest.Require(t)
	w := newSourcesWorkspace(t)
	w.addSharedGoogle(t, "g-1", "Wes", "Ada")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.list.Select(0)
	test.Tap(p.disconnect)
	text := dialogText(t, w.ui.win)
	for _, want := range []string{"whole access to the account", "1 other source", "Forget on this computer deletes this source alone"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation reads %q; want %q in it", text, want)
		}
	}
	if b, ok := w.ui.win.Canvas().Focused().(*dialogButton); !ok || b.Text != "Forget on this computer" {
		t.Errorf("focus on %v; want it on Forget on this computer, which ends nothing else", w.ui.win.Canvas().Focused())
	}
	tapInDialog(t, w.fixture, "Forget on this computer")
	w.ui.Wait()
	if top := w.ui.win.Canvas().Overlays().Top(); len(p.shown) != 0 || top != nil {
		t.Errorf("after Forget: %d sources shown (a dialog open: %t); want Wes's source gone", len(p.shown), top != nil)
	}
	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := store.Sources(ctx, tx, store.SourceFilter{})
		if err == nil && (len(rows) != 1 || rows[0].OwnerName != "Ada") {
			t.Errorf("sources left: %+v; want Ada's alone", rows)
		}
		return err
	})

	// A lone Google source: the confirmation still says what Google's revocation ends.
	w.addSharedGoogle(t, "g-2", "Wes")
	p.reload(0)
	w.ui.Wait()
	p.list.Select(0)
	test.Tap(p.disconnect)
	if text := dialogText(t, w.ui.win); !strings.Contains(text, "any other computer") || strings.Contains(text, "other source") {
		t.Errorf("the confirmation for Wes's own grant reads %q; want what Google ends", text)
	}
	escape(w.ui.win)
}

// A Google app in Testing: the admin chooses Testing in the form, and the Sources table then
// forecasts the 7 days of each sign-in, where it said "Renews automatically".
func TestPublishingStatusTestingInTheForm(t *testing.T) {
	keychaintest.Require(t)
	w := newSourcesWorkspace(t)
	w.addSharedGoogle(t, "g-1", "Ada")
	_, form := openIntegration(t, w.fixture, "google")
	if form.publishing == nil || form.publishing.Selected != "In production" {
		t.Fatalf("the Google form's publishing status: %+v; want In production chosen", form.publishing)
	}
	renewal := func(r *sourceRow) string { return r.renewal.Text }
	w.pane(t).reload(0)
	w.ui.Wait()
	if got := rowsAsShown(w, w.pane(t), renewal); len(got) != 1 || !strings.HasPrefix(got[0], "Renews while the app runs") {
		t.Errorf("in production: %q; want it renewed while the app runs", got)
	}
	form.clientID.SetText("1234-abc.apps.googleusercontent.com")
	form.secret.SetText("g-secret")
	form.publishing.SetSelected("Testing")
	test.Tap(form.save)
	w.ui.Wait()
	if v := w.integration(t, "google"); v.PublishingStatus != core.PublishingTesting {
		t.Fatalf("saved publishing status %q, want testing; status %q", v.PublishingStatus, form.status.Text)
	}
	w.pane(t).reload(0)
	w.ui.Wait()
	if got := rowsAsShown(w, w.pane(t), renewal); len(got) != 1 || got[0] != "Ends in 7 days (Testing app)" {
		t.Errorf("in Testing: %q; want the 7 days", got)
	}
}

// Microsoft's form asks which account types the registration allows: the answer sets the
// tenant, and only a single tenant leaves it to type, its directory's; AADSTS50194 and
// AADSTS700016 get words of their own.
func TestMicrosoftAccountTypesInTheForm(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "microsoft")
	form.clientID.SetText("11112222-aaaa-bbbb-cccc-333344445555")
	form.clientType.SetSelected(clientTypeLabels[core.ClientPublic])
	form.accountTypes.SetSelected("Any directory (multitenant)")
	if form.tenant.Text != "organizations" || !form.tenant.Disabled() {
		t.Errorf("multitenant: tenant %q (disabled %t); want organizations, set by the answer", form.tenant.Text, form.tenant.Disabled())
	}
	form.accountTypes.SetSelected("This directory only (single tenant)")
	if form.tenant.Text != "" || form.tenant.Disabled() {
		t.Errorf("single tenant: tenant %q (disabled %t); want it empty, to type", form.tenant.Text, form.tenant.Disabled())
	}
	test.Tap(form.save)
	f.ui.Wait()
	if l := form.problems[core.FieldTenant]; l == nil || !l.Visible() || !strings.Contains(l.Text, "Directory (tenant) ID") {
		t.Errorf("single tenant saved without its directory: no message under Tenant")
	}
	form.tenant.SetText("contoso.onmicrosoft.com")
	test.Tap(form.save)
	f.ui.Wait()
	if v := f.integration(t, "microsoft"); v.Tenant != "contoso.onmicrosoft.com" || v.AccountType != "single" {
		t.Errorf("saved tenant %q, account types %q; want the directory, single", v.Tenant, v.AccountType)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&core.ProviderError{Code: "invalid_request", Description: "AADSTS50194: not a multi-tenant application."}, "own organization only (single tenant)"},
		{&core.ExchangeError{Code: "unauthorized_client", Description: "AADSTS700016: not found in the directory."}, "does not know this app in the directory"},
	} {
		if got := message(c.err); !strings.Contains(got, c.want) {
			t.Errorf("message(%v) = %q; want %q in it", c.err, got, c.want)
		}
	}
}

// A Google client ID of another shape is refused under the field, saying the shape.
func TestClientIDShapeUnderTheField(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "google")
	test.Type(form.clientID, "abc123")
	test.Type(form.secret, "g-secret")
	test.Tap(form.save)
	f.ui.Wait()
	if l := form.problems[core.FieldClientID]; l == nil || !l.Visible() || !strings.Contains(l.Text, "ends in .apps.googleusercontent.com") {
		t.Errorf("client ID abc123: no message with the shape under the field")
	}
	if v := f.integration(t, "google"); v.Saved {
		t.Errorf("the refused client ID was saved")
	}
}
