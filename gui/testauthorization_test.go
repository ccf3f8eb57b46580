package gui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/sandboxtest"
)

// buttonInDialog is the button labelled label in the dialog on top of the window.
func buttonInDialog(t *testing.T, f *fixture, label string) *widget.Button {
	t.Helper()
	top := f.ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open to find %s in", label)
	}
	var found *widget.Button
	walkObjects(top, func(o fyne.CanvasObject) bool {
		var b *widget.Button
		switch o := o.(type) {
		case *widget.Button:
			b = o
		case *dialogButton:
			b = &o.Button
		case *button:
			b = &o.Button
		default:
			return true
		}
		if b.Text == label && o.Visible() {
			found = b
		}
		return false
	})
	if found == nil {
		t.Fatalf("the dialog has no %s button", label)
	}
	return found
}

// shownInDialog is the text of every label shown in the dialog on top of the window, the
// outcome's line included, one a line; a hidden one is left out.
func shownInDialog(t *testing.T, f *fixture) string {
	t.Helper()
	top := f.ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var texts []string
	walkObjects(top, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch l := o.(type) {
		case *widget.Label:
			texts = append(texts, l.Text)
			return false
		case *statusLine:
			texts = append(texts, l.Text)
			return false
		}
		return true
	})
	return strings.Join(texts, "\n")
}

// A test authorization the person declines at the provider says so in Connect's words and
// offers Try again, which runs the test anew: the second time, allowed, it signs in.
func TestTestAuthorizationDeclinedOffersTryAgain(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriterThen(t, func(ctx context.Context, c *core.App, s *access.Session) {
		if err := c.SetSandbox(ctx, s, core.SandboxInput{Port: fmt.Sprint(freeGUIPort(t)), AccessTokenTTL: "5m"}); err != nil {
			t.Fatal(err)
		}
		if err := c.SetEnabled(ctx, s, "sandbox", true); err != nil {
			t.Fatal(err)
		}
	}))
	t.Cleanup(func() {
		_ = vault.New(f.core.WorkspaceID(), vault.Config{}).Delete(context.Background(), vault.SandboxKeyKey)
	})
	p, form := openIntegration(t, f, "sandbox")
	b := sandboxtest.New("ada@example.com")
	b.Set("ada@example.com", true)
	p.openURL = b.Open
	test.Tap(form.test)
	f.ui.Wait()
	if shown := shownInDialog(t, f); !strings.Contains(shown, "You chose not to allow access at Sandbox") {
		t.Fatalf("after Deny the dialog says:\n%s", shown)
	}
	b.Set("ada@example.com", false)
	tapInDialog(t, f, "Try again")
	f.ui.Wait()
	if shown := shownInDialog(t, f); !strings.Contains(shown, "Signed in as ada@example.com") || b.Visits() != 2 {
		t.Errorf("after Try again (%d sign-in pages) the dialog says:\n%s", b.Visits(), shown)
	}
}
