package gui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// Microsoft lets no app revoke its access: the disconnect confirmation says the access stays
// valid and where the person ends it, instead of promising a revocation.
func TestDisconnectOfMicrosoftSaysTheAccessStays(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegrationOf(t, "microsoft", "microsoft", "OneDrive")
	w.addSources(t, "microsoft", "Wes", 1, core.StatusConnected, "")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.list.Select(0)
	test.Tap(p.disconnect)
	text := dialogText(t, w.ui.win)
	for _, want := range []string{"will be deleted", "stays valid at Microsoft", "account.microsoft.com", "administrator"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation reads %q; want %q in it", text, want)
		}
	}
	if strings.Contains(text, "will be revoked") {
		t.Errorf("the confirmation reads %q: it promises a revocation Microsoft does not offer", text)
	}
	escape(w.ui.win)
}

// The Admin tab records a client secret's expiry with the secret, and warns 30 days ahead, in
// the list and above the form, by the app's clock.
func TestSecretExpiryInTheAdminTab(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "microsoft")
	form.clientID.SetText("11112222-aaaa-bbbb-cccc-333344445555")
	form.clientType.SetSelected(clientTypeLabels[core.ClientConfidential])
	form.secret.SetText("web-secret")
	expires := f.clock.Now().AddDate(0, 0, 45).Format(core.SecretDateLayout)
	form.secretExpires.SetText(expires)
	test.Tap(form.save)
	f.ui.Wait()
	v := f.integration(t, "microsoft")
	if v.SecretExpiresAt.Format(core.SecretDateLayout) != expires || v.SecretDue != core.SecretFine {
		t.Fatalf("saved expiry %v (due %d), want %s; status %q", v.SecretExpiresAt, v.SecretDue, expires, form.status.Text)
	}
	if p.form.secretDue != nil || strings.Contains(listLine(v, nil), "secret") {
		t.Errorf("warned 45 days ahead: list line %q", listLine(v, nil))
	}

	f.clock.Advance(20 * 24 * time.Hour) // 25 days left; the session has idled out meanwhile
	f.ui.signOut()
	f.ui.Wait()
	p, _ = openIntegration(t, f, "microsoft")
	v = f.integration(t, "microsoft")
	if got := listLine(v, nil); !strings.Contains(got, "secret expires soon") {
		t.Errorf("list line %q 25 days ahead; want the warning", got)
	}
	if l := p.form.secretDue; l == nil || !strings.Contains(l.Text, "expires on "+expires) || l.Importance != widget.WarningImportance {
		t.Errorf("the form's warning 25 days ahead = %+v; want it to name %s", l, expires)
	}

	form = p.form
	form.secretExpires.SetText("soon")
	test.Tap(form.save)
	f.ui.Wait()
	if l := form.problems[core.FieldSecretExpires]; l == nil || !l.Visible() || !strings.Contains(l.Text, "YYYY-MM-DD") {
		t.Errorf("a date that is not one: no message under the field")
	}
}

// The refusals that a provider's real behaviour brings, in words a person can act on.
func TestProviderRefusalsInWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&core.AccessNotGrantedError{Access: "Drive", Scopes: []string{"drive.readonly"}}, "Drive access was not granted: connect again and keep it ticked"},
		{core.ErrClientTypeMissing, "must choose Public or Confidential"},
	} {
		if msg := message(fmt.Errorf("sign in: %w", c.err)); !strings.Contains(msg, c.want) {
			t.Errorf("message(%v) = %q, want %q in it", c.err, msg, c.want)
		}
	}
}
