package gui

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/sandboxtest"
)

// The sandbox through the window: the admin enables it and sets its port with one Save, then
// connects an account in the browser stand-in, which fills the sandbox's HTML form; the
// row is marked Sandbox. Turning on Refuse refreshes makes Refresh now end in Needs
// reconnect. The keychain is the real Secret Service.
func TestSandboxThroughTheWindow(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	t.Cleanup(func() {
		_ = vault.New(f.core.WorkspaceID(), vault.Config{}).Delete(context.Background(), vault.SandboxKeyKey)
	})
	_, form := openIntegration(t, f, "sandbox")
	if form.sandbox == nil || form.clientID.Disabled() == false || form.enabled.Disabled() {
		t.Fatalf("the sandbox's form: settings card %v, client id editable %t, Enabled disabled %t; want a card, a fixed client id, Enabled to tap",
			form.sandbox != nil, !form.clientID.Disabled(), form.enabled.Disabled())
	}
	f.ui.Wait()
	card := form.sandbox
	port := freeGUIPort(t)
	card.port.SetText(strconv.Itoa(port))
	test.Tap(form.enabled)
	test.Tap(form.save) // one Save for the port and Enabled
	f.ui.Wait()
	form = f.ui.home.integrations.form
	if form.sandbox != card || card.issuer.Text != "Issuer: http://127.0.0.1:"+strconv.Itoa(port) || form.mark.Text != "Saved." {
		t.Fatalf("after saving: the same card %t, %q, beside Save %q; want the new issuer, Saved.", form.sandbox == card, card.issuer.Text, form.mark.Text)
	}
	if v := f.integration(t, "sandbox"); !v.Enabled {
		t.Fatalf("Enabled and Save: the sandbox is not enabled (%q)", form.status.Text)
	}

	p := f.ui.home.sources
	b := sandboxtest.New("ada@example.com")
	b.Set("ada@example.com", true) // Deny first: the provider's refusal, and no source
	p.openURL = b.Open
	p.tick = time.Hour
	test.Tap(p.connect)
	f.ui.Wait()
	tapInDialog(t, f, "Connect")
	f.ui.Wait()
	denied := signInShown(t, f.ui.win)
	if _, ok := p.current(); ok || !strings.HasPrefix(denied.problem.Text, "You chose not to allow access at Sandbox") {
		t.Fatalf("after Deny: a source selected %t, the dialog says %q; want no source and the denial", ok, denied.problem.Text)
	}
	test.Tap(denied.cancel) // Close
	b.Set("ada@example.com", false)
	test.Tap(p.connect)
	f.ui.Wait()
	tapInDialog(t, f, "Connect")
	f.ui.Wait()
	src, ok := p.current()
	if !ok || src.Account != "ada@example.com" || !src.IsSandbox() || b.Visits() != 2 {
		t.Fatalf("after connecting: %+v (%t), %d sign-in pages; want ada@example.com through the sandbox", src, ok, b.Visits())
	}
	row := newSourceRow(false)
	row.show(src, f.clock.Now())
	if !strings.Contains(row.integration.Text, "Sandbox") {
		t.Errorf("the row's integration says %q, want it marked Sandbox", row.integration.Text)
	}

	form = f.ui.home.integrations.form
	f.ui.Wait()
	form.sandbox.refuse.SetChecked(true)
	test.Tap(form.save)
	f.ui.Wait()
	test.Tap(p.refresh)
	f.ui.Wait()
	if src, _ := p.current(); src.Status != core.StatusNeedsReconnect {
		t.Errorf("Refresh now with refreshes refused: %q (%q), want needs reconnect", src.Status, p.status.Text)
	}
}

func freeGUIPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
