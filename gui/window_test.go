package gui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/testkit"
)

// The window's size and the profile that signed in last come back at the next start; the
// passphrase is not among what is kept.
func TestWindowRemembersSizeAndProfile(t *testing.T) {
	clk := testkit.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
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
	if got := ui.win.Canvas().Size(); got != defaultPixels {
		t.Errorf("first start: window %v, want %v", got, defaultPixels)
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

// The window opens at a size that fits the screen it opened on, as far as the app can know
// it: the first run's size fits an 800×600 screen, and a saved size keeps its pixels when
// the scale changes (the window fitted its screen then), never below the least usable size.
func TestOpenSizeFitsTheScreen(t *testing.T) {
	for _, c := range []struct {
		name  string
		saved []float64
		scale float32
		want  fyne.Size
	}{
		{"first run", nil, 1, fyne.NewSize(800, 540)},
		{"first run at 1.5: the least usable size, 960×720 pixels", nil, 1.5, smallestSize},
		{"saved", []float64{1200, 900, 1}, 1, fyne.NewSize(1200, 900)},
		{"saved at 1, opened at 1.5", []float64{1200, 900, 1}, 1.5, fyne.NewSize(800, 600)},
		{"saved at 1.5, opened at 1.5", []float64{1200, 900, 1.5}, 1.5, fyne.NewSize(1200, 900)},
		{"saved at 2, opened at 1", []float64{500, 300, 2}, 1, fyne.NewSize(1000, 600)},
		{"saved by an earlier version, without its scale", []float64{1040, 700}, 1.25, fyne.NewSize(832, 560)},
		{"saved too small", []float64{300, 200, 1}, 1, smallestSize},
		{"damaged", []float64{-5, 0, -1}, 1, smallestSize},
		{"damaged: too many values", []float64{1, 2, 3, 4}, 1, fyne.NewSize(800, 540)},
		{"no scale known", nil, 0, fyne.NewSize(800, 540)},
	} {
		if got := openSize(c.saved, c.scale); got != c.want {
			t.Errorf("%s: openSize(%v, %v) = %v, want %v", c.name, c.saved, c.scale, got, c.want)
		}
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
