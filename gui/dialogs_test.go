package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// escape sends Escape where the window would: to the focused widget, else to the canvas.
func escape(w fyne.Window) {
	ev := &fyne.KeyEvent{Name: fyne.KeyEscape}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// walkObjects calls visit on o and, where visit returns true, on what o holds: a
// container's objects, a widget's renderer's.
func walkObjects(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !visit(o) {
		return
	}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walkObjects(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			walkObjects(c, visit)
		}
	}
}

// shownButton is the dialog button labelled label, shown in the dialog on top of w, or nil.
func shownButton(w fyne.Window, label string) *dialogButton {
	var found *dialogButton
	walkObjects(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*dialogButton); ok && b.Visible() && b.Text == label && found == nil {
			found = b
		}
		return o.Visible() && found == nil
	})
	return found
}

// inDialog returns the objects of type T in the top dialog, in the order they are laid out.
func inDialog[T fyne.CanvasObject](t *testing.T, w fyne.Window) []T {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var found []T
	walkObjects(top, func(o fyne.CanvasObject) bool {
		v, ok := o.(T)
		if ok {
			found = append(found, v)
		}
		return !ok
	})
	return found
}

// dialogText is every label's text in the top dialog, joined by newlines.
func dialogText(t *testing.T, w fyne.Window) string {
	t.Helper()
	var texts []string
	for _, l := range inDialog[*widget.Label](t, w) {
		texts = append(texts, l.Text)
	}
	return strings.Join(texts, "\n")
}

// Every dialog closes on Escape, whether the focus is in one of its entries or nowhere, and
// a confirmation closed that way does nothing.
func TestDialogsCloseOnEscape(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	users := f.ui.home.users
	f.ui.Wait()
	for _, tc := range []struct {
		name string
		open func()
	}{
		{"add user, typing in Name", func() {
			test.Tap(users.add)
			test.Type(f.ui.win.Canvas().Focused(), "Zoe")
		}},
		{"change passphrase, focus in Current passphrase", f.ui.showChangePassphrase},
		{"add custom integration, focus in Name", func() { test.Tap(f.ui.home.integrations.add) }},
		{"reset passphrase, nothing focused", func() {
			users.list.Select(1)
			test.Tap(users.reset)
			f.ui.win.Canvas().Unfocus()
		}},
		{"delete user confirmation", func() {
			users.list.Select(1)
			test.Tap(users.remove)
		}},
	} {
		tc.open()
		if f.ui.win.Canvas().Overlays().Top() == nil {
			t.Fatalf("%s: no dialog opened", tc.name)
		}
		escape(f.ui.win)
		f.ui.Wait()
		if top := f.ui.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("%s: the dialog is still open after Escape", tc.name)
			f.ui.win.Canvas().Overlays().Remove(top)
		}
	}
	users.reload()
	f.ui.Wait()
	if len(users.users) != 2 {
		t.Errorf("after Escape in the dialogs there are %d users, want the 2 there were", len(users.users))
	}
}

// The saved-secret line wraps rather than widening the form, so a long name cannot push the
// window past its default size.
func TestSavedSecretLineDoesNotWidenTheForm(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "google")
	width := func(by string) float32 {
		v := form.view
		v.SecretSetAt, v.SecretSetBy = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), by
		return newIntegrationForm(p, v).secretRow().MinSize().Width
	}
	short, long := width("Al"), width(strings.Repeat("Maximilian ", 5))
	if long > short {
		t.Errorf("secret row min width: %v with a long name, %v with a short one; want no wider", long, short)
	}
}
