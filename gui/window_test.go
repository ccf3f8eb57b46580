package gui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
)

// The window's size and the profile that signed in last come back at the next start; the
// passphrase is not among what is kept.
func TestWindowRemembersSizeAndProfile(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	c, err := core.Open(context.Background(), core.Config{Home: t.TempDir(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	adminAndWriter(t)(c)
	fa := test.NewTempApp(t)
	start := func() *UI {
		ui := newTestUI(fa, c, Deps{Now: clk.Now})
		t.Cleanup(ui.Close)
		ui.Start()
		ui.Wait()
		return ui
	}

	ui := start()
	if got := ui.win.Canvas().Size(); got != defaultSize {
		t.Errorf("first start: window %v, want %v", got, defaultSize)
	}
	f := &fixture{ui: ui, core: c, clock: clk}
	f.signIn(t, "Wes", goodPass)
	ui.win.Resize(fyne.NewSize(800, 600))
	ui.saveSize() // as closing the window and the idle ticker do

	ui = start()
	if got := ui.win.Canvas().Size(); got != fyne.NewSize(800, 600) {
		t.Errorf("next start: window %v, want the 800×600 it had", got)
	}
	if got := ui.signIn.profile.Selected; got != "Wes" {
		t.Errorf("next start: profile %q chosen, want Wes, who signed in last", got)
	}
	if got := fa.Preferences().String(prefProfile); got != "Wes" {
		t.Errorf("kept profile = %q, want the name only", got)
	}
}

// The screens fit in a 640×480 window. A screen wider than the window makes the window grow:
// Fyne fits the window to its content's least size when a dialog opens. (The dialogs
// themselves Fyne keeps inside the window.)
func TestScreensAndDialogsFitASmallWindow(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	small := fyne.NewSize(640, 480)
	f.ui.win.Resize(small)
	if got := f.ui.win.Content().MinSize(); got.Width > small.Width || got.Height > small.Height {
		t.Errorf("sign-in screen needs %v, more than %v", got, small)
	}
	f.signIn(t, "Ada", goodPass)
	for i := range tabKeys {
		f.ui.home.showTab(i)
		f.ui.Wait()
		if got := f.ui.win.Content().MinSize(); got.Width > small.Width || got.Height > small.Height {
			t.Errorf("tab %d needs %v, more than %v", i+1, got, small)
		}
	}

}
