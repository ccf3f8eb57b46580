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

// The window opens at a size that fits the screen it opened on: the first run's size fits an
// 800×600 screen, and a saved size keeps its pixels when the scale changes, never below the
// least usable size; where the screen's work area is known, the window and its frame fit in
// it, at any scale, even below that least size.
func TestOpenSizeFitsTheScreen(t *testing.T) {
	unknown := fyne.Size{}
	for _, c := range []struct {
		name   string
		saved  []float64
		scale  float32
		screen fyne.Size
		want   fyne.Size
	}{
		{"first run", nil, 1, unknown, fyne.NewSize(800, 540)},
		{"first run at 1.5: the least usable size, 960×720 pixels", nil, 1.5, unknown, smallestSize},
		{"saved", []float64{1200, 900, 1}, 1, unknown, fyne.NewSize(1200, 900)},
		{"saved at 1, opened at 1.5", []float64{1200, 900, 1}, 1.5, unknown, fyne.NewSize(800, 600)},
		{"saved at 1.5, opened at 1.5", []float64{1200, 900, 1.5}, 1.5, unknown, fyne.NewSize(1200, 900)},
		{"saved at 2, opened at 1", []float64{500, 300, 2}, 1, unknown, fyne.NewSize(1000, 600)},
		{"saved by an earlier version, without its scale", []float64{1040, 700}, 1.25, unknown, fyne.NewSize(832, 560)},
		{"saved too small", []float64{300, 200, 1}, 1, unknown, smallestSize},
		{"damaged", []float64{-5, 0, -1}, 1, unknown, smallestSize},
		{"damaged: too many values", []float64{1, 2, 3, 4}, 1, unknown, fyne.NewSize(800, 540)},
		{"no scale known", nil, 0, unknown, fyne.NewSize(800, 540)},
		{"first run on 800×600", nil, 1, fyne.NewSize(800, 600), fyne.NewSize(784, 540)},
		{"saved larger, opened on 800×600", []float64{1200, 900, 1}, 1, fyne.NewSize(800, 600), fyne.NewSize(784, 552)},
		{"saved at 1, opened at 1.5 on 1280×800", []float64{1040, 760, 1}, 1.5, fyne.NewSize(1280, 800), fyne.NewSize(693+1/3.0, 501+1/3.0)},
		{"first run at 1.5 on 1280×768", nil, 1.5, fyne.NewSize(1280, 768), fyne.NewSize(640, 480)},
		{"first run at 1.5 on 800×600: below the least size", nil, 1.5, fyne.NewSize(800, 600), fyne.NewSize(522+2/3.0, 368)},
		{"saved, on a larger screen", []float64{1200, 900, 1}, 1, fyne.NewSize(1920, 1080), fyne.NewSize(1200, 900)},
		{"a screen too small to tell", nil, 1, fyne.NewSize(10, 10), fyne.NewSize(800, 540)},
	} {
		if got := openSize(c.saved, c.scale, c.screen); !near(got, c.want) {
			t.Errorf("%s: openSize(%v, %v, %v) = %v, want %v", c.name, c.saved, c.scale, c.screen, got, c.want)
		}
	}
}

// near compares sizes to a hundredth of a unit: a third of a pixel at scale 1.5 is no error.
func near(a, b fyne.Size) bool {
	d := func(x, y float32) bool { return x-y < 0.01 && y-x < 0.01 }
	return d(a.Width, b.Width) && d(a.Height, b.Height)
}

// New opens the window at the saved size fitted to the screen Deps.Screen tells.
func TestWindowFitsTheScreenDepsTell(t *testing.T) {
	c, err := core.Open(context.Background(), core.Config{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fa := test.NewTempApp(t)
	fa.Preferences().SetFloatList(prefSize, []float64{1200, 900, 1})
	screen := func() (fyne.Size, bool) { return fyne.NewSize(800, 600), true }
	ui := newTestUI(fa, c, Deps{Screen: screen})
	t.Cleanup(ui.Close)
	if got, want := ui.win.Canvas().Size(), fyne.NewSize(800-windowFrame.Width, 600-windowFrame.Height); got != want {
		t.Errorf("window %v on an 800×600 screen, want %v", got, want)
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
