package gui

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
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

// freshForm shows the integration with id in a new form, dropping what an earlier step typed.
func freshForm(t *testing.T, p *integrationsPane, id string) *integrationForm {
	t.Helper()
	for i, v := range p.items {
		if v.ID == id {
			p.form = nil
			p.show(v)
			p.list.Select(i)
			return p.form
		}
	}
	t.Fatalf("%s is not in the list", id)
	return nil
}

func (f *fixture) integration(t *testing.T, id string) core.IntegrationView {
	t.Helper()
	ctx := context.Background()
	s, err := f.core.SignIn(ctx, "Ada", core.NewSecret(goodPass))
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
	want := "Google Drive: Not set up; Dropbox: Not set up; Microsoft OneDrive: Not set up; Box: Not set up; Sandbox (this computer): Disabled"
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
	test.Tap(form.save)
	f.ui.Wait()
	if v := f.integration(t, "google"); !v.Enabled {
		t.Errorf("ticking Enabled and saving left the integration disabled; status %q", form.status.Text)
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
	if !strings.Contains(form.problems[core.FieldPort].Text, "1024") {
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
	if got, want := form.redirect.Text, "http://127.0.0.1:27419/callback"; got != want {
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

	// The typed port is not saved: leaving Dropbox asks first.
	p := f.ui.home.integrations
	p.list.Select(2)
	tapInDialog(t, f, "Discard")
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

// withCustomAndDropbox adds to adminAndWriter a custom OpenID Connect and a custom OAuth 2.0
// integration, and Dropbox saved on its fixed port 53682 (no secret: no keychain needed).
func withCustomAndDropbox(t *testing.T) func(c *core.App) {
	return adminAndWriterThen(t, func(ctx context.Context, c *core.App, s *access.Session) {
		for name, kind := range map[string]catalog.ID{"Corporate SSO": catalog.OIDC, "Plain OAuth": catalog.OAuth2} {
			if _, err := c.AddCustomIntegration(ctx, s, name, kind); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.SaveIntegration(ctx, s, core.IntegrationInput{ID: "dropbox", ClientID: "dbx", Port: "53682"}); err != nil {
			t.Fatal(err)
		}
	})
}

// adminAndWriterThen is adminAndWriter, then what then does as Ada.
func adminAndWriterThen(t *testing.T, then func(ctx context.Context, c *core.App, s *access.Session)) func(c *core.App) {
	return func(c *core.App) {
		adminAndWriter(t)(c)
		ctx := context.Background()
		s, err := c.SignIn(ctx, "Ada", core.NewSecret(goodPass))
		if err != nil {
			t.Fatal(err)
		}
		defer c.SignOut(ctx, s)
		then(ctx, c, s)
	}
}

// customID is the id of the custom integration named name.
func customID(t *testing.T, p *integrationsPane, name string) string {
	t.Helper()
	for _, v := range p.items {
		if v.Name == name {
			return v.ID
		}
	}
	t.Fatalf("no integration named %s", name)
	return ""
}

// TestEveryValidationRuleInTheForm: one refused save per rule family, typed into the form:
// the message shows next to the field at fault, none next to the others, and nothing is
// saved.
func TestEveryValidationRuleInTheForm(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	for _, c := range []struct {
		name   string
		id     string // or the name of a custom integration
		fill   func(form *integrationForm)
		field  string
		inText string // a word the message must hold
	}{
		{"space inside the client id", "google", func(form *integrationForm) {
			test.Type(form.clientID, "123 456.apps.googleusercontent.com")
			test.Type(form.secret, "s")
		}, core.FieldClientID, "spaces"},
		{"secret required", "box", func(form *integrationForm) {
			test.Type(form.clientID, "box-client")
		}, core.FieldSecret, "requires"},
		{"confidential client without its secret", "microsoft", func(form *integrationForm) {
			form.clientType.SetSelected("Confidential (Web)")
			test.Type(form.clientID, "11112222-aaaa-bbbb-cccc-333344445555")
		}, core.FieldSecret, "confidential"},
		{"http endpoint", "Plain OAuth", func(form *integrationForm) {
			test.Type(form.clientID, "cid")
			test.Type(form.authURL, "http://idp.example/authorize")
			test.Type(form.tokenURL, "https://idp.example/token")
		}, core.FieldAuthURL, "https://"},
		{"http issuer", "Corporate SSO", func(form *integrationForm) {
			test.Type(form.clientID, "cid")
			test.Type(form.issuer, "http://idp.example")
		}, core.FieldIssuer, "https://"},
		{"port out of range", "microsoft", func(form *integrationForm) {
			test.Type(form.clientID, "11112222-aaaa-bbbb-cccc-333344445555")
			form.portMode.SetSelected(fixedPort)
			test.Type(form.port, "1023")
		}, core.FieldPort, "1024 to 65535"},
		{"port of another integration", "microsoft", func(form *integrationForm) {
			test.Type(form.clientID, "11112222-aaaa-bbbb-cccc-333344445555")
			form.portMode.SetSelected(fixedPort)
			test.Type(form.port, "53682")
		}, core.FieldPort, "Dropbox"},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := c.id
			if _, err := catalog.Lookup(catalog.ID(id)); err != nil {
				id = customID(t, p, id)
			}
			form := freshForm(t, p, id) // the previous case may have typed into this one
			before := f.integration(t, id)
			c.fill(form)
			test.Tap(form.save)
			f.ui.Wait()
			for key, l := range form.problems {
				switch {
				case key == c.field && (!l.Visible() || !strings.Contains(l.Text, c.inText)):
					t.Errorf("next to %s: %q (visible %v), want a message with %q", key, l.Text, l.Visible(), c.inText)
				case key != c.field && l.Visible():
					t.Errorf("a message next to %s, which is right: %q", key, l.Text)
				}
			}
			if form.status.Text == "" {
				t.Error("the status line says nothing about the refused save")
			}
			if after := f.integration(t, id); after.Saved != before.Saved || after.ClientID != before.ClientID || after.Port != before.Port {
				t.Errorf("a refused save changed the integration: %+v → %+v", before, after)
			}
		})
	}
}

// TestMicrosoftClientTypeInTheForm: the client type is chosen in the form and shown in the
// guide; a public client takes no secret, and choosing it removes the one saved before.
func TestMicrosoftClientTypeInTheForm(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "microsoft")
	if form.clientType == nil || form.chosenType() != catalog.ClientPublic {
		t.Fatalf("an unsaved Microsoft integration offers client type %v, want Public chosen", form.clientType)
	}
	if !form.secret.Disabled() || !strings.Contains(form.appType.Text, "Mobile and desktop") {
		t.Errorf("public client: secret field disabled %v, guide %q; want disabled, Mobile and desktop", form.secret.Disabled(), form.appType.Text)
	}
	if e := form.secretExpires; !e.Disabled() || !strings.HasPrefix(e.PlaceHolder, "None") {
		t.Errorf("public client: the secret's expiry disabled %v, saying %q; want disabled, saying there is none", e.Disabled(), e.PlaceHolder)
	}
	form.clientType.SetSelected("Confidential (Web)")
	if form.secret.Disabled() || !strings.Contains(form.appType.Text, "Web") {
		t.Errorf("confidential client: secret field disabled %v, guide %q; want enabled, Web", form.secret.Disabled(), form.appType.Text)
	}
	if e := form.secretExpires; e.Disabled() || e.PlaceHolder != secretDatePlaceHolder {
		t.Errorf("confidential client: the secret's expiry disabled %v, saying %q; want enabled, asking for a date", e.Disabled(), e.PlaceHolder)
	}
	test.Type(form.clientID, "11112222-aaaa-bbbb-cccc-333344445555")
	test.Type(form.secret, "ms-web-secret")
	test.Tap(form.save)
	f.ui.Wait()
	form = p.form
	if v := f.integration(t, "microsoft"); v.ClientType != catalog.ClientConfidential || v.SecretSetAt.IsZero() {
		t.Fatalf("after saving: client type %q, secret saved at %v; status %q", v.ClientType, v.SecretSetAt, form.status.Text)
	}
	if form.chosenType() != catalog.ClientConfidential || form.secretInfo == nil {
		t.Fatalf("the rebuilt form shows client type %q, saved secret %v", form.chosenType(), form.secretInfo)
	}

	form.clientType.SetSelected("Public (Mobile and desktop)")
	if !form.secretNote.Visible() || !strings.Contains(form.secretNote.Text, "removes the saved secret") || !form.replace.Disabled() {
		t.Errorf("choosing Public over a saved secret: note %q (visible %v), Replace disabled %v", form.secretNote.Text, form.secretNote.Visible(), form.replace.Disabled())
	}
	test.Tap(form.save)
	f.ui.Wait()
	if v := f.integration(t, "microsoft"); v.ClientType != catalog.ClientPublic || !v.SecretSetAt.IsZero() {
		t.Errorf("after saving as public: client type %q, secret saved at %v; want public, none; status %q", v.ClientType, v.SecretSetAt, p.form.status.Text)
	}
	if p.form.secretInfo != nil {
		t.Error("the form still shows a saved secret")
	}
}

// tapInDialog taps the button labelled label in the dialog on top of the window.
func tapInDialog(t *testing.T, f *fixture, label string) {
	t.Helper()
	test.Tap(buttonInDialog(t, f, label))
}

// TestReplaceDisableRemoveThroughTheForm: the secret is replaced (the keychain holds the new
// one, the form never shows it), the integration disabled, the secret removed and the
// integration removed, each confirmed where the form asks.
func TestReplaceDisableRemoveThroughTheForm(t *testing.T) {
	keychaintest.Require(t)
	ctx := context.Background()
	f := newFixture(t, adminAndWriter(t))
	keychain := vault.New(f.core.WorkspaceID(), vault.Config{})
	stored := func() string {
		s, err := keychain.Get(ctx, vault.IntegrationSecretKey("google"))
		if err != nil {
			return ""
		}
		return s.Reveal()
	}
	p, form := openIntegration(t, f, "google")
	test.Type(form.clientID, "123.apps.googleusercontent.com")
	test.Type(form.secret, "first-secret")
	test.Tap(form.save)
	f.ui.Wait()
	p.form.enabled.SetChecked(true)
	test.Tap(p.form.save)
	f.ui.Wait()

	f.clock.Advance(2 * time.Minute) // well within the idle lock
	form = p.form
	test.Tap(form.replace)
	if !form.secret.Visible() || form.secret.Text != "" {
		t.Fatalf("Replace shows the secret field %v holding %q; want an empty field", form.secret.Visible(), form.secret.Text)
	}
	test.Type(form.secret, "second-secret")
	test.Tap(form.save)
	f.ui.Wait()
	v := f.integration(t, "google")
	if got := stored(); got != "second-secret" || !v.Enabled || !v.SecretSetAt.Equal(f.clock.Now()) {
		t.Errorf("after Replace: keychain %q, enabled %v, saved at %v; want second-secret, enabled, now", got, v.Enabled, v.SecretSetAt)
	}

	p.form.enabled.SetChecked(false)
	test.Tap(p.form.save)
	f.ui.Wait()
	if v := f.integration(t, "google"); v.Enabled || v.State != core.StateDisabled {
		t.Errorf("after unticking Enabled: enabled %v, state %v", v.Enabled, v.State)
	}

	test.Tap(p.form.removeSecret)
	tapInDialog(t, f, "Remove")
	f.ui.Wait()
	if v := f.integration(t, "google"); stored() != "" || v.State != core.StateSecretMissing || p.form.secretInfo != nil {
		t.Errorf("after Remove secret: keychain %q, state %v, form shows %v; want none, Secret missing, no saved secret", stored(), v.State, p.form.secretInfo)
	}

	test.Tap(p.form.remove)
	tapInDialog(t, f, "Remove")
	f.ui.Wait()
	if v := f.integration(t, "google"); v.Saved || v.State != core.StateNotSetUp {
		t.Errorf("after Remove: saved %v, state %v; want the preset not set up again; status %q", v.Saved, v.State, p.form.status.Text)
	}
}

// TestTestAuthorizationThroughTheForm runs Test authorization from the form against the
// in-process server: once it signs in, once the wrong secret is reported with its cause.
func TestTestAuthorizationThroughTheForm(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	srv.AddClient(authtest.Client{ID: "medialake", Secret: "right-secret", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	var id string
	f := newFixture(t, adminAndWriterThen(t, func(ctx context.Context, c *core.App, s *access.Session) {
		var err error
		if id, err = c.AddCustomIntegration(ctx, s, "Test IdP", catalog.OIDC); err != nil {
			t.Fatal(err)
		}
	}))
	p, form := openIntegration(t, f, id)
	p.openURL = testkit.NewBrowser(t, srv).OpenURL
	save := func(secretText string) {
		t.Helper()
		if form.secretInfo != nil {
			test.Tap(form.replace)
		}
		form.clientID.SetText("medialake")
		form.issuer.SetText(srv.Issuer())
		test.Type(form.secret, secretText)
		test.Tap(form.save)
		f.ui.Wait()
		form = p.form
		if form.secretInfo == nil {
			t.Fatalf("saving did not keep the secret; status %q", form.status.Text)
		}
	}

	save("right-secret")
	test.Tap(form.test)
	f.ui.Wait()
	shown := shownInDialog(t, f)
	for _, want := range []string{stepText(core.FlowEvent{Step: core.FlowListening}), stepText(core.FlowEvent{Step: core.FlowCallbackReceived}),
		"Signed in as jane@example.com. Nothing was saved."} {
		if !strings.Contains(shown, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, shown)
		}
	}
	// The timings wait behind Details…, in the steps' own names.
	if strings.Contains(shown, " s  listening") {
		t.Errorf("the timings show before Details… is tapped:\n%s", shown)
	}
	tapInDialog(t, f, "Details…")
	if shown := shownInDialog(t, f); !strings.Contains(shown, " s  listening") || !strings.Contains(shown, " s  account identified") {
		t.Errorf("Details… shows no timings:\n%s", shown)
	}
	tapInDialog(t, f, "Close")

	save("wrong-secret")
	test.Tap(form.test)
	f.ui.Wait()
	if out := shownInDialog(t, f); !strings.Contains(out, "invalid_client") || !strings.Contains(out, "refused the integration's client ID or client secret") {
		t.Errorf("outcome = %q, want the provider's invalid_client and the wrong-secret cause", out)
	}
}

// Messages belong to one try: a new save starts without the last one's field messages, and
// "Some fields need attention" goes once no field has a message, here after a good Fetch.
func TestFieldMessagesDoNotOutliveTheirTry(t *testing.T) {
	srv := authtest.New(t)
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	_, form := selectIntegration(t, f, customID(t, p, "Corporate SSO"))
	form.issuer.SetText("not an address")
	test.Tap(form.save)
	f.ui.Wait()
	if !form.problems[core.FieldIssuer].Visible() || form.status.Text != words[core.ReasonInvalid] {
		t.Fatalf("a bad issuer: issuer message shown %t, status %q", form.problems[core.FieldIssuer].Visible(), form.status.Text)
	}

	test.Tap(form.save) // the save's answer waits for Wait: what shows while it runs
	stale := form.problems[core.FieldIssuer].Visible()
	f.ui.Wait()
	if stale {
		t.Error("the last try's issuer message shows while the next save runs")
	}

	form.issuer.SetText(srv.Issuer())
	test.Tap(form.fetch)
	f.ui.Wait()
	if form.problems[core.FieldIssuer].Visible() || form.status.Visible() {
		t.Errorf("after a good Fetch: issuer message %q, status %q; want neither", form.problems[core.FieldIssuer].Text, form.status.Text)
	}
}

// Test authorization waits in the same sign-in dialog as Connect: while the browser is open
// it shows the time left and offers Copy link and Open browser, and Escape on its focused
// Cancel stops the test and closes its listener.
func TestTestAuthorizationWaitsLikeConnect(t *testing.T) {
	keychaintest.Require(t)
	var id string
	f := newFixture(t, adminAndWriterThen(t, func(ctx context.Context, c *core.App, s *access.Session) {
		var err error
		if id, err = c.AddCustomIntegration(ctx, s, "Test IdP", catalog.OAuth2); err != nil {
			t.Fatal(err)
		}
	}))
	p, form := openIntegration(t, f, id)
	form.clientID.SetText("medialake")
	form.authURL.SetText("http://127.0.0.1:9/authorize")
	form.tokenURL.SetText("http://127.0.0.1:9/token")
	test.Tap(form.save)
	f.ui.Wait()
	form = p.form
	var callback string
	p.openURL = func(link string) error {
		shown := shownInDialog(t, f)
		copyLink, open := buttonInDialog(t, f, "Copy link"), buttonInDialog(t, f, "Open browser")
		if !strings.Contains(shown, "Time left: ") || copyLink.Disabled() || open.Disabled() {
			t.Errorf("copy disabled %t, open disabled %t, dialog %q; want a countdown and both buttons",
				copyLink.Disabled(), open.Disabled(), shown)
		}
		if u, err := url.Parse(link); err == nil {
			if cb, err := callbackOf(u); err == nil {
				callback = cb.String()
			}
		}
		cancel := buttonInDialog(t, f, "Cancel")
		if got, ok := f.ui.win.Canvas().Focused().(*dialogButton); !ok || &got.Button != cancel {
			t.Errorf("focused = %v, want Cancel", f.ui.win.Canvas().Focused())
		}
		escape(f.ui.win)
		return nil
	}
	test.Tap(form.test)
	f.ui.Wait()
	if top := f.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Error("the test dialog is still open after Escape")
	}
	cb, err := url.Parse(callback)
	if err != nil || cb.Host == "" {
		t.Fatalf("redirect_uri %q, want the loopback callback", callback)
	}
	if conn, err := net.Dial("tcp", cb.Host); err == nil {
		conn.Close()
		t.Errorf("the listener on %s still accepts connections after Escape", cb.Host)
	}
}
