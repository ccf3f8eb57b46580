package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
)

// openDetails selects the source at row i and opens its details, and returns the script
// access box they show.
func (w *sourcesWorkspace) openDetails(t *testing.T, i int) *sourcesPane {
	t.Helper()
	p := w.pane(t)
	p.list.Select(i)
	test.Tap(p.details)
	w.ui.Wait()
	if p.scripts() == nil {
		t.Fatal("the source's details show no script access box")
	}
	return p
}

// scriptAccess is whether core says programs may use source id, as an administrator reads it.
func (w *sourcesWorkspace) scriptAccess(t *testing.T, id int64) bool {
	t.Helper()
	ctx := context.Background()
	s, err := w.core.SignIn(ctx, "Ada", core.NewSecret(goodPass))
	if err != nil {
		t.Fatal(err)
	}
	defer w.core.SignOut(ctx, s)
	d, err := w.core.SourceDetails(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.ScriptAccess
}

// The owner turns script access on and off in the source's details; a reader cannot touch
// it; an administrator who is not the owner may turn it off only.
func TestScriptAccessInSourceDetails(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")

	w.signIn(t, "Wes", goodPass)
	p := w.openDetails(t, 0)
	id := p.shown[0].ID
	if p.scripts().Checked || p.scripts().Disabled() {
		t.Fatalf("owner's box: checked %t, disabled %t; want off by default, and his to change", p.scripts().Checked, p.scripts().Disabled())
	}
	test.Tap(p.scripts())
	w.ui.Wait()
	if !w.scriptAccess(t, id) || !p.scripts().Checked || p.scripts().Disabled() {
		t.Errorf("after ticking: core says %t, box checked %t, disabled %t; want on, on, enabled",
			w.scriptAccess(t, id), p.scripts().Checked, p.scripts().Disabled())
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Rhea", goodPass)
	if p = w.openDetails(t, 0); !p.scripts().Checked || !p.scripts().Disabled() {
		t.Errorf("reader's box: checked %t, disabled %t; want on and not hers to change", p.scripts().Checked, p.scripts().Disabled())
	}
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Ada", goodPass)
	p = w.openDetails(t, 0)
	if !p.scripts().Checked || p.scripts().Disabled() {
		t.Fatalf("administrator's box while on: checked %t, disabled %t; want on, and hers to turn off", p.scripts().Checked, p.scripts().Disabled())
	}
	test.Tap(p.scripts())
	w.ui.Wait()
	if w.scriptAccess(t, id) || p.scripts().Checked {
		t.Errorf("after the administrator unticked it: core says %t, box checked %t; want off", w.scriptAccess(t, id), p.scripts().Checked)
	}
	if !p.scripts().Disabled() {
		t.Error("administrator's box while off: enabled; only the owner may turn it on")
	}
}

// Keys go to what is shown: Escape closes the details also while the script access box has
// the focus, and a control of a tab left behind loses the focus, so that Space on another
// tab cannot tick or untick it unseen.
func TestKeysReachOnlyWhatIsShown(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Ada", 1, core.StatusConnected, "")
	w.signIn(t, "Ada", goodPass)
	p := w.openDetails(t, 0)
	c := w.ui.win.Canvas()
	c.Focus(p.scripts())
	pressKey(w, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Error("Escape on the focused script access box left the details open")
	}

	h := w.ui.home
	h.showTab(4) // Admin → Settings
	c.Focus(h.settings.keepAlive)
	h.showTab(0)
	if f := c.Focused(); f != nil {
		t.Errorf("after leaving Settings, %T still has the focus and takes the keys", f)
	}
}

// scripts is the script access box of the details shown on top, nil where none is.
func (p *sourcesPane) scripts() *dialogCheck {
	box, _ := onTop[*dialogCheck](p.u.win)
	return box
}

// onTop finds the first object of type T in the window's top overlay (the dialog shown
// last).
func onTop[T fyne.CanvasObject](w fyne.Window) (T, bool) {
	var found T
	ok := false
	walkObjects(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if !ok {
			found, ok = o.(T)
		}
		return !ok
	})
	return found, ok
}
