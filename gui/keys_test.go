package gui

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// sendShortcut delivers a shortcut as Fyne's desktop driver does (glfw window.triggersShortcut):
// the main menu's items first, then the focused widget if it takes shortcuts, else the canvas.
func sendShortcut(w fyne.Window, sc fyne.Shortcut) {
	if m := w.MainMenu(); m != nil {
		for _, menu := range m.Items {
			for _, item := range menu.Items {
				if item.Shortcut != nil && item.Shortcut.ShortcutName() == sc.ShortcutName() {
					item.Action()
					return
				}
			}
		}
	}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(sc)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
}

// Ctrl+1 … Ctrl+5 switch tabs while a text field has the focus.
func TestTabShortcutsFromAFocusedEntry(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	h := f.ui.home
	f.ui.win.Canvas().Focus(h.sources.filter)
	test.Type(h.sources.filter, "wes")
	sendShortcut(f.ui.win, &desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault})
	f.ui.Wait() // the Activity tab loads its page
	if got := h.tabs.Selected().Text; got != "Admin" || h.admin.Selected().Text != "Activity" {
		t.Fatalf("Ctrl+4 in the filter: tab %q / %q, want Admin / Activity", got, h.admin.Selected().Text)
	}
	f.ui.win.Canvas().Focus(h.activity.actor)
	sendShortcut(f.ui.win, &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault})
	if got := h.tabs.Selected().Text; got != "Sources" {
		t.Errorf("Ctrl+1 in the activity filter: tab %q, want Sources", got)
	}
	if h.sources.filter.Text != "wes" {
		t.Errorf("the filter reads %q after the shortcuts, want %q", h.sources.filter.Text, "wes")
	}
}

// Ctrl+1 … Ctrl+5 leave the tab as it is while a dialog is open over it; Escape, even from
// a field of the dialog, closes it, and then they work again.
func TestTabShortcutsWaitForAnOpenDialog(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	h := f.ui.home
	h.showTab(tabSettings)
	openExport(t, f)
	sendShortcut(f.ui.win, tabShortcut(tabActivity))
	f.ui.Wait()
	if got := h.admin.Selected().Text; got != "Settings" {
		t.Errorf("Ctrl+4 over the export dialog: tab %q, want Settings still", got)
	}
	escape(f.ui.win) // from the file's field, which has the focus
	if f.ui.dialogOpen() {
		t.Fatal("Escape in the export's file field left the dialog open")
	}
	sendShortcut(f.ui.win, tabShortcut(tabActivity))
	f.ui.Wait()
	if got := h.admin.Selected().Text; got != "Activity" {
		t.Errorf("Ctrl+4 once the dialog closed: tab %q, want Activity", got)
	}
}

// Enter presses the focused button, as Space does.
func TestEnterPressesTheFocusedButton(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	users := f.ui.home.users
	f.ui.Wait()
	f.ui.home.showTab(2)
	f.ui.win.Canvas().Focus(users.add)
	if f.ui.win.Canvas().Focused() == nil {
		t.Fatal("the Add button did not take the focus")
	}
	f.ui.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter on the focused Add button opened no dialog")
	}
}

// Enter closes an information box, whether its OK has the focus or
// nothing has.
func TestEnterClosesAnInformationBox(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	for _, unfocused := range []bool{false, true} {
		showInfo(f.ui.win, "Saved", "The activity log was saved.")
		if unfocused {
			f.ui.win.Canvas().Unfocus()
		}
		ev := &fyne.KeyEvent{Name: fyne.KeyReturn}
		if focused := f.ui.win.Canvas().Focused(); focused != nil {
			focused.TypedKey(ev)
		} else {
			f.ui.win.Canvas().OnTypedKey()(ev)
		}
		if top := f.ui.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("unfocused %t: the information box is still open after Enter", unfocused)
			f.ui.win.Canvas().Overlays().Remove(top)
		}
	}
}

// The keyboard focus shows on a primary (blue) button as on any other.
func TestFocusShowsOnAPrimaryButton(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	// A real app starts with Fyne's default theme, not the test driver's.
	fa := test.NewTempApp(t)
	fa.Settings().SetTheme(theme.DefaultTheme())
	u := newTestUI(fa, f.core, Deps{})
	t.Cleanup(u.Close)
	for _, imp := range []widget.Importance{widget.HighImportance, widget.MediumImportance} {
		b := newButton("Connect…", func() {})
		b.Importance = imp
		u.win.SetContent(b)
		before := buttonFill(t, b)
		u.win.Canvas().Focus(b)
		after := buttonFill(t, b)
		if d := colourDistance(before, after); d < 60 {
			t.Errorf("importance %d: focus changes the button from %v to %v, a distance of %d; want at least 60", imp, before, after, d)
		}
	}
}

// buttonFill is the colour of b's background.
func buttonFill(t *testing.T, b fyne.Widget) color.Color {
	t.Helper()
	if c := fill(test.WidgetRenderer(b).Objects()); c != nil {
		return c
	}
	t.Fatal("the button has no background")
	return nil
}

// colourDistance is the sum of the red, green and blue differences, 0 to 765.
func colourDistance(a, b color.Color) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) int { return max(int(x>>8)-int(y>>8), int(y>>8)-int(x>>8)) }
	return d(ar, br) + d(ag, bg) + d(ab, bb)
}

// A confirmation asks, in the future tense, naming the source's
// integration as the administrator named it, and no icon lies under its text.
func TestDisconnectAsksNamingTheIntegration(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.list.Select(0)
	for _, tc := range []struct {
		b    *button
		want []string
	}{
		{p.disconnect, []string{"Disconnect wes-00000@example.com from Test files?", "will be revoked", "will be deleted"}},
	} {
		test.Tap(tc.b)
		text := dialogText(t, w.ui.win)
		for _, want := range tc.want {
			if !strings.Contains(text, want) {
				t.Errorf("the confirmation reads %q; want %q in it", text, want)
			}
		}
		if strings.Contains(text, "is disconnected") || strings.Contains(text, "is revoked") {
			t.Errorf("the confirmation reads %q, as if it were done", text)
		}
		if img := imageOf(w.ui.win.Canvas().Overlays().Top(), theme.QuestionIcon().Name()); img {
			t.Error("the confirmation draws the question-mark icon under its text")
		}
		escape(w.ui.win)
	}
}

// imageOf reports whether an image of the resource called name is drawn in o.
func imageOf(o fyne.CanvasObject, name string) bool {
	switch o := o.(type) {
	case *canvas.Image:
		return o.Resource != nil && o.Resource.Name() == name
	case *fyne.Container:
		for _, c := range o.Objects {
			if imageOf(c, name) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			if imageOf(c, name) {
				return true
			}
		}
	}
	return false
}

// Enter closes the source details box, as it does a message box.
func TestEnterClosesSourceDetails(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")
	w.signIn(t, "Wes", goodPass)
	p := w.pane(t)
	p.list.Select(0)
	test.Tap(p.details)
	w.ui.Wait()
	if w.ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Details… opened no dialog")
	}
	pressKey(w, fyne.KeyReturn)
	if w.ui.win.Canvas().Overlays().Top() != nil {
		t.Error("the source details box is still open after Enter")
	}
}
