package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
)

// openIntegration signs Ada in and selects the integration with id in the Admin tab.
func openIntegration(t *testing.T, f *fixture, id string) (*integrationsPane, *integrationForm) {
	t.Helper()
	f.signIn(t, "Ada", goodPass)
	if f.ui.home == nil || f.ui.home.integrations == nil {
		t.Fatal("Ada does not see the integrations pane")
	}
	return selectIntegration(t, f, id)
}

// selectIntegration selects the integration with id in the list.
func selectIntegration(t *testing.T, f *fixture, id string) (*integrationsPane, *integrationForm) {
	t.Helper()
	p := f.ui.home.integrations
	for i, v := range p.items {
		if v.ID == id {
			p.list.Select(i)
			if p.form == nil || p.form.view.ID != id {
				t.Fatalf("selecting %s did not show its form", id)
			}
			return p, p.form
		}
	}
	t.Fatalf("%s is not in the list (status %q)", id, p.status.Text)
	return nil, nil
}

func (f *fixture) integration(t *testing.T, id string) core.IntegrationView {
	t.Helper()
	ctx := context.Background()
	s, err := f.core.SignIn(ctx, "Ada", vault.NewSecret(goodPass))
	if err != nil {
		t.Fatal(err)
	}
	defer f.core.SignOut(ctx, s)
	v, err := f.core.Integration(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIntegrationsListShowsPresets(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	p, _ := openIntegration(t, f, "google")
	var lines []string
	for _, v := range p.items {
		lines = append(lines, v.Name+": "+listLine(v, p.probe))
	}
	got := strings.Join(lines, "; ")
	want := "Google Drive: Not set up; Dropbox: Not set up; Microsoft OneDrive: Not set up; Box: Not set up"
	if got != want {
		t.Errorf("list = %s, want %s", got, want)
	}
}

func TestSaveThroughTheForm(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "google")
	if form.secretInfo != nil {
		t.Fatal("an unsaved integration shows a saved secret")
	}
	test.Type(form.clientID, "123.apps.googleusercontent.com")
	test.Type(form.secret, "gui-secret-value")
	test.Tap(form.save)
	f.ui.Wait()

	v := f.integration(t, "google")
	if v.ClientID != "123.apps.googleusercontent.com" || v.SecretSetAt.IsZero() || v.SecretSetBy != "Ada" {
		t.Fatalf("after saving: client id %q, secret saved at %v by %q; status %q", v.ClientID, v.SecretSetAt, v.SecretSetBy, p.form.status.Text)
	}
	form = p.form // the form is rebuilt from the saved integration
	if form.secretInfo == nil || !strings.Contains(form.secretInfo.Text, "by Ada") {
		t.Fatalf("the form does not say who saved the secret: %v", form.secretInfo)
	}
	if form.secret.Text != "" || form.secret.Visible() {
		t.Errorf("the secret field shows %q (visible %v) after saving; the secret is never read back", form.secret.Text, form.secret.Visible())
	}
	if form.enabled.Disabled() {
		t.Error("the Enabled switch stays off-limits after the first save")
	}
	form.enabled.SetChecked(true)
	f.ui.Wait()
	if v := f.integration(t, "google"); !v.Enabled {
		t.Errorf("ticking Enabled left the integration disabled; status %q", form.status.Text)
	}
	if line := listLine(p.items[0], p.probe); line != "Enabled" {
		t.Errorf("list line = %q, want Enabled", line)
	}
}

func TestValidationMessageNextToField(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "dropbox")
	test.Type(form.clientID, "app key") // a space inside
	form.port.SetText("80")
	test.Tap(form.save)
	f.ui.Wait()

	for _, key := range []string{core.FieldClientID, core.FieldPort} {
		l := form.problems[key]
		if !l.Visible() || l.Text == "" {
			t.Errorf("no message next to %s (visible %v, %q)", key, l.Visible(), l.Text)
		}
	}
	if l := form.problems[core.FieldScopes]; l.Visible() {
		t.Errorf("a message next to the scopes, which are right: %q", l.Text)
	}
	if !strings.Contains(form.problems[core.FieldPort].Text, "1025") {
		t.Errorf("port message %q does not give the range", form.problems[core.FieldPort].Text)
	}
	if form.clientID.Text != "app key" {
		t.Errorf("client id field = %q after a refused save; what was typed must stay", form.clientID.Text)
	}
	if v := f.integration(t, "dropbox"); v.Saved {
		t.Errorf("a refused save saved %+v", v)
	}

	// Corrected, it saves and the messages go.
	form.clientID.SetText("appkey")
	form.port.SetText("53682")
	test.Tap(form.save)
	f.ui.Wait()
	if v := f.integration(t, "dropbox"); !v.Saved || v.ClientID != "appkey" || v.Port != 53682 {
		t.Errorf("after correcting: %+v; status %q", v, form.status.Text)
	}
}

func TestRedirectURIFollowsPort(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "dropbox")
	if got, want := form.redirect.Text, "http://127.0.0.1:53682/callback"; got != want {
		t.Errorf("redirect URI = %q, want %q", got, want)
	}
	if !form.portMode.Disabled() || form.portMode.Selected != fixedPort {
		t.Errorf("Dropbox compares ports: the mode must stay on %q (selected %q, disabled %v)", fixedPort, form.portMode.Selected, form.portMode.Disabled())
	}
	form.port.SetText("")
	test.Type(form.port, "41234")
	if got, want := form.redirect.Text, "http://127.0.0.1:41234/callback"; got != want {
		t.Errorf("redirect URI after typing the port = %q, want %q", got, want)
	}

	_, form = selectIntegration(t, f, "microsoft")
	if got, want := form.redirect.Text, "http://localhost/callback"; got != want {
		t.Errorf("Microsoft's redirect URI = %q, want %q", got, want)
	}
	form.portMode.SetSelected(fixedPort)
	test.Type(form.port, "50000")
	if got, want := form.redirect.Text, "http://localhost:50000/callback"; got != want {
		t.Errorf("Microsoft's redirect URI with a fixed port = %q, want %q", got, want)
	}
}
