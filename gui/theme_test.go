package gui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(x uint32) float64 {
		v := float64(x) / 0xffff
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of a and b, from 1 to 21.
func contrast(a, b color.Color) float64 {
	x, y := luminance(a), luminance(b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}

// fixedVariant is the app's theme held to one variant, so that widgets drawn in a test app
// take that variant's colours whatever the test app's settings say.
type fixedVariant struct {
	appTheme
	v fyne.ThemeVariant
}

func (f fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.appTheme.Color(n, f.v)
}

var importanceNames = map[widget.Importance]string{widget.MediumImportance: "medium",
	widget.HighImportance: "high", widget.LowImportance: "low", widget.DangerImportance: "danger",
	widget.WarningImportance: "warning", widget.SuccessImportance: "success"}

// grounds are what a label stands on: the window, a dialog, a table's header row, a form
// field, a menu.
var grounds = []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground,
	theme.ColorNameHeaderBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground}

var variants = map[string]fyne.ThemeVariant{"light": theme.VariantLight, "dark": theme.VariantDark}

// textColour is the colour Fyne gives the first run of text among objs.
func textColour(t *testing.T, th fyne.Theme, objs []fyne.CanvasObject) color.Color {
	t.Helper()
	for _, o := range objs {
		if rt, ok := o.(*widget.RichText); ok {
			return th.Color(rt.Segments[0].(*widget.TextSegment).Style.ColorName, 0)
		}
	}
	t.Fatal("no text among the objects")
	return nil
}

// fill is the colour of the first rectangle among objs that is not transparent: a button's
// background.
func fill(objs []fyne.CanvasObject) color.Color {
	for _, o := range objs {
		if r, ok := o.(*canvas.Rectangle); ok && r.FillColor != nil {
			if _, _, _, a := r.FillColor.RGBA(); a > 0 {
				return r.FillColor
			}
		}
	}
	return nil
}

// Every colour the app puts text in must reach WCAG's 4.5:1 against what the text stands on,
// in both variants. The colours are taken from what Fyne's label and button and the app's
// badge choose for each importance, so a new importance or a theme change is checked too.
// Disabled buttons are left out: WCAG exempts inactive controls.
func TestThemeTextContrast(t *testing.T) {
	fa := test.NewTempApp(t)
	for name, v := range variants {
		th := fixedVariant{appTheme{theme.DefaultTheme()}, v}
		fa.Settings().SetTheme(th)
		check := func(what string, fg, bg color.Color) {
			if r := contrast(fg, bg); r < 4.5 {
				t.Errorf("%s, %s: contrast %.2f:1 (%v on %v), want ≥ 4.5:1", name, what, r, fg, bg)
			}
		}
		link := th.Color(theme.ColorNameHyperlink, v)
		for _, ground := range grounds {
			check("link on "+string(ground), link, th.Color(ground, v))
		}
		for imp := range importanceNames {
			l := widget.NewLabel("Keychain: reachable")
			l.Importance = imp
			text := textColour(t, th, test.TempWidgetRenderer(t, l).Objects())
			for _, ground := range grounds {
				check("label of importance "+importanceNames[imp]+" on "+string(ground), text, th.Color(ground, v))
			}

			b := newButton("Connect", nil)
			b.Importance = imp
			objs := test.TempWidgetRenderer(t, b).Objects()
			if bg := fill(objs); bg != nil { // a low-importance button has no fill
				check("button of importance "+importanceNames[imp], textColour(t, th, objs), bg)
			}

			bg, fg := badgeColours(imp)
			check("badge of importance "+importanceNames[imp], th.Color(fg, v), th.Color(bg, v))
		}
	}
}

// A focused button shows a ring round its edge, not only a change of fill, in a colour that
// stands out from what the button stands on by WCAG's 3:1 for the parts of a control; the
// ring goes when the focus does. Dialog buttons are the app's buttons too.
func TestFocusedButtonHasARing(t *testing.T) {
	fa := test.NewTempApp(t)
	for name, v := range variants {
		th := fixedVariant{appTheme{theme.DefaultTheme()}, v}
		fa.Settings().SetTheme(th)
		for _, b := range []fyne.Focusable{newButton("Connect…", nil), newDialogButton("OK", nil, nil, nil)} {
			w := test.NewTempWindow(t, b.(fyne.CanvasObject))
			w.Canvas().Focus(b)
			ring := focusRingOf(b.(fyne.Widget))
			if ring == nil || ring.Hidden || ring.StrokeWidth < 2 {
				t.Fatalf("%s, %T focused: ring %+v, want a visible ring at least 2 wide", name, b, ring)
			}
			for _, ground := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground} {
				if r := contrast(ring.StrokeColor, th.Color(ground, v)); r < 3 {
					t.Errorf("%s, %T: ring %v on %s is %.2f:1, want ≥ 3:1", name, b, ring.StrokeColor, ground, r)
				}
			}
			w.Canvas().Unfocus()
			if !focusRingOf(b.(fyne.Widget)).Hidden {
				t.Errorf("%s, %T: the ring stays after the focus has gone", name, b)
			}
		}
	}
}

// focusRingOf is the rectangle drawn with a stroke among w's objects, or nil.
func focusRingOf(w fyne.Widget) *canvas.Rectangle {
	for _, o := range test.WidgetRenderer(w).Objects() {
		if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth > 0 {
			return r
		}
	}
	return nil
}
