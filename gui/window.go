package gui

import (
	"slices"

	"fyne.io/fyne/v2"
)

// What the app remembers between runs, in Fyne's preferences (kept per app ID). A profile's
// name is no secret: it is on the sign-in screen for anyone to read. Nothing else of a profile
// is kept there, and never a passphrase.
const (
	prefSize    = "window.size" // width, height: one value, so that one write saves both
	prefProfile = "signin.profile"
)

var (
	// defaultSize is the window's size on the first run.
	defaultSize = fyne.NewSize(1040, 700)
	// smallestSize is the least size restored: a window saved smaller (or a damaged
	// preference) would open too small to use.
	smallestSize = fyne.NewSize(640, 480)
)

// restoreSize gives the window the size it had when it was last closed.
func (u *UI) restoreSize() {
	size := defaultSize
	if wh := u.fa.Preferences().FloatList(prefSize); len(wh) == 2 {
		size = fyne.NewSize(float32(wh[0]), float32(wh[1]))
	}
	u.win.Resize(size.Max(smallestSize))
}

// saveSize remembers the window's size for the next start, when it has changed. Fyne tells
// of no resize, and a Quit from the menu skips the close intercept, so the idle ticker calls
// it as well as closing the window does.
func (u *UI) saveSize() {
	size := u.win.Canvas().Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	wh := []float64{float64(size.Width), float64(size.Height)}
	p := u.fa.Preferences()
	if old := p.FloatList(prefSize); len(old) == 2 && old[0] == wh[0] && old[1] == wh[1] {
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
