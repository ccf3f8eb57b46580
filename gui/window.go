package gui

import (
	"os"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
)

// What the app remembers between runs, in Fyne's preferences (kept per app ID). A profile's
// name is no secret: it is on the sign-in screen for anyone to read. Nothing else of a profile
// is kept there, and never a passphrase.
const (
	prefSize    = "window.size" // width, height, scale: one value, so that one write saves all
	prefProfile = "signin.profile"
)

// DefaultSize is the window's size on the first run, in pixels at scale 1: what the app's
// start-up memory is measured at (BenchmarkStartMemory in internal/barewindow).
func DefaultSize() (width, height int) { return int(defaultPixels.Width), int(defaultPixels.Height) }

var (
	// defaultPixels is the window's size on the first run, in pixels: it fits the smallest
	// screen in common use, 800×600, leaving room for a title bar and a panel.
	defaultPixels = fyne.NewSize(800, 540)
	// smallestSize is the least size restored: a window saved smaller (or a damaged
	// preference) would open too small to use, unless the screen itself is smaller.
	smallestSize = fyne.NewSize(640, 480)
	// windowFrame is what a window manager adds around the window, in pixels: a title bar and
	// borders, which must fit on the screen too.
	windowFrame = fyne.NewSize(16, 48)
)

// restoreSize gives the window the size it had when it was last closed, or the default,
// made to fit the screen it opens on where deps.Screen tells its size.
func (u *UI) restoreSize() {
	var screen fyne.Size
	if u.deps.Screen != nil {
		screen, _ = u.deps.Screen()
	}
	u.win.Resize(openSize(u.fa.Preferences().FloatList(prefSize), userScale(u.fa), screen))
}

// openSize is the size, in Fyne's units at scale, to open the window at from the saved
// preference (width and height in Fyne's units and the scale they were drawn at) on a screen
// whose work area is screen pixels (at the density Fyne detects; zero when unknown). A size
// is kept in pixels through a change of scale (FYNE_SCALE=1.5 would otherwise open a window
// that fitted the screen 1.5 times as large); a preference of an earlier version, without
// its scale, counts as drawn at scale 1. The window, its frame included, never opens larger
// than the screen's work area, even where that is less than the least usable size: a
// window that fits can be used, one half off the screen cannot.
func openSize(saved []float64, scale float32, screen fyne.Size) fyne.Size {
	if scale <= 0 {
		scale = 1
	}
	pixels := defaultPixels
	if len(saved) == 2 || len(saved) == 3 {
		was := float32(1)
		if len(saved) == 3 && saved[2] > 0 {
			was = float32(saved[2])
		}
		pixels = fyne.NewSize(float32(saved[0])*was, float32(saved[1])*was)
	}
	size := fyne.NewSize(pixels.Width/scale, pixels.Height/scale).Max(smallestSize)
	if screen.Width > windowFrame.Width && screen.Height > windowFrame.Height {
		size = size.Min(fyne.NewSize((screen.Width-windowFrame.Width)/scale, (screen.Height-windowFrame.Height)/scale))
	}
	return size
}

// userScale is the scale the person chose for Fyne: FYNE_SCALE, else Fyne's settings. (A
// scale Fyne detects from a screen's density is not told; such a screen has the pixels to
// match.)
func userScale(fa fyne.App) float32 {
	if v, err := strconv.ParseFloat(os.Getenv("FYNE_SCALE"), 32); err == nil && v > 0 {
		return float32(v)
	}
	if s := fa.Settings().Scale(); s > 0 {
		return s
	}
	return 1
}

// saveSize remembers the window's size, and the scale it is drawn at, for the next start,
// when it has changed. Fyne tells of no resize, and a Quit from the menu skips the close
// intercept, so the idle ticker calls it as well as closing the window does.
func (u *UI) saveSize() {
	size := u.win.Canvas().Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	wh := []float64{float64(size.Width), float64(size.Height), float64(userScale(u.fa))}
	p := u.fa.Preferences()
	if slices.Equal(p.FloatList(prefSize), wh) {
		return
	}
	p.SetFloatList(prefSize, wh)
}

// rememberProfile keeps the name of the profile that signed in last, to choose it next time.
func (u *UI) rememberProfile(name string) {
	u.fa.Preferences().SetString(prefProfile, name)
}

// preselect is the profile the sign-in screen chooses: the one asked for (a locked session's),
// else the only one, else the one that signed in last if it still exists.
func (u *UI) preselect(asked string, names []string) string {
	switch {
	case asked != "":
		return asked
	case len(names) == 1:
		return names[0]
	}
	if last := u.fa.Preferences().String(prefProfile); slices.Contains(names, last) {
		return last
	}
	return ""
}
