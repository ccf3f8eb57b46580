package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// appTheme is Fyne's theme with colours that people can read, and a focus that shows. Fyne's
// green, orange and red are bright: as text on a light background, or under its white text
// on a badge, they reach 1.5:1 to 3.7:1, below WCAG's 4.5:1 for text. Fyne's disabled grey,
// which the app also uses for hints, is 1.3:1, and its blue under white 4.47:1. Each must
// also be read on a table's header row, a form field and a menu, which are a shade darker
// (light) or lighter (dark) than the window. readable
// holds darker shades for the light variant and lighter ones for the dark; every other colour
// is Fyne's.
type appTheme struct {
	fyne.Theme
}

// colorNameFocusRing is the colour of the ring the app's buttons draw while they have the
// keyboard focus.
const colorNameFocusRing fyne.ThemeColorName = "focusRing"

// shades are a colour for the light variant and one for the dark.
type shades struct{ light, dark color.Color }

var (
	white     = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	blue      = color.NRGBA{R: 0x1a, G: 0x5f, B: 0xd6, A: 0xff}
	lightBlue = color.NRGBA{R: 0x8a, G: 0xb4, B: 0xf8, A: 0xff}
)

// readable replaces Fyne's colours that fall short of 4.5:1; nil keeps Fyne's for that variant.
// The same green, orange, red and blue serve as text on the background and as a badge or
// button under its own text, so each must clear 4.5:1 against both.
var readable = map[fyne.ThemeColorName]shades{
	theme.ColorNameSuccess:             {light: color.NRGBA{R: 0x1b, G: 0x7a, B: 0x2e, A: 0xff}},
	theme.ColorNameWarning:             {light: color.NRGBA{R: 0xa6, G: 0x53, B: 0x00, A: 0xff}},
	theme.ColorNameError:               {light: color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}, dark: color.NRGBA{R: 0xff, G: 0x6b, B: 0x60, A: 0xff}},
	theme.ColorNameForegroundOnSuccess: {light: white},
	theme.ColorNameForegroundOnWarning: {light: white},
	theme.ColorNameForegroundOnError:   {light: white},
	// Blue is text too (links, high-importance labels): in the dark a light blue under
	// dark text, as Fyne does for green, orange and red.
	theme.ColorNamePrimary:             {light: blue, dark: lightBlue},
	theme.ColorNameHyperlink:           {light: blue, dark: lightBlue},
	theme.ColorNameForegroundOnPrimary: {light: white, dark: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}},
	theme.ColorNameDisabled:            {light: color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}, dark: color.NRGBA{R: 0x96, G: 0x96, B: 0x96, A: 0xff}},
}

// Color returns the colours described above, and Fyne's for every other name.
func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	dark := t.dark(v)
	switch n {
	case theme.ColorNameFocus:
		// Fyne blends its focus colour, a faint tint of the primary colour, over the button:
		// over a primary (blue) button that changes nothing. A shade of the foreground darkens
		// (light background) or lightens (dark background) any button, the primary one too.
		if dark {
			return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x50}
		}
		return color.NRGBA{A: 0x50}
	case colorNameFocusRing:
		// The foreground stands out from every background, as text must.
		return t.Theme.Color(theme.ColorNameForeground, v)
	}
	if s, ok := readable[n]; ok {
		c := s.light
		if dark {
			c = s.dark
		}
		if c != nil {
			return c
		}
	}
	return t.Theme.Color(n, v)
}

// dark reports whether variant v has a dark background. The variant alone does not say it: a
// theme may ignore it, or be told "the user's preference"; the background does.
func (t appTheme) dark(v fyne.ThemeVariant) bool {
	r, g, b, _ := t.Theme.Color(theme.ColorNameBackground, v).RGBA()
	return r+g+b < 3*0x8000
}

// focusRing is a button's renderer with a ring drawn round the button while it has the
// keyboard focus. Fyne marks a focused button only by blending a tint into its fill, which
// is hard to see, and draws it with a private renderer: wrapping that renderer adds the ring
// without copying Fyne's button.
type focusRing struct {
	fyne.WidgetRenderer
	b    *widget.Button
	on   func() bool
	ring *canvas.Rectangle
}

func newFocusRing(inner fyne.WidgetRenderer, b *widget.Button, on func() bool) *focusRing {
	r := &focusRing{WidgetRenderer: inner, b: b, on: on, ring: canvas.NewRectangle(color.Transparent)}
	r.style()
	return r
}

// Layout lays out the button and puts the ring on its edge.
func (r *focusRing) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(0, 0))
	r.ring.Resize(size)
}

// Objects are the button's, with the ring on top. The button may change its own objects (an
// icon set later), so the list is made afresh.
func (r *focusRing) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	return append(inner[:len(inner):len(inner)], r.ring)
}

// Refresh restyles the ring, then the button.
func (r *focusRing) Refresh() {
	r.style()
	r.ring.Refresh()
	r.WidgetRenderer.Refresh()
}

func (r *focusRing) style() {
	th := r.b.Theme()
	r.ring.StrokeColor = th.Color(colorNameFocusRing, fyne.CurrentApp().Settings().ThemeVariant())
	r.ring.StrokeWidth = 2
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.ring.Hidden = !r.on() || r.b.Disabled()
}
