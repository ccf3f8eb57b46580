package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// minGuideWidth is the narrowest the setup guide may be beside the form; below it the guide
// goes under the form.
const minGuideWidth = 300

// Where the divider between the form and its guide starts: beside, the form takes a little
// more than half, the guide, mostly text, wraps in what is left; under, in a short window,
// the form takes nearly three quarters, so that at the default size its fields show down to
// Enabled, and the guide shows its heading and first lines, enough to see it is there.
const (
	besideOffset = 0.58
	underOffset  = 0.72
)

// formAndGuide lays out a form and its guide, each in a scroll of its own, so that reading
// the guide never scrolls the form's fields away: side by side where the width allows both
// (the form at least at its minimum width, the guide at least minGuideWidth), the guide under
// the form otherwise. A divider between them moves, as a split's does.
type formAndGuide struct {
	split *container.Split
	form  fyne.CanvasObject // for its minimum width
}

// newFormAndGuide returns the form's scroll, the guide's and the two laid out together.
func newFormAndGuide(form, guide fyne.CanvasObject) (formScroll, guideScroll *container.Scroll, both fyne.CanvasObject) {
	formScroll, guideScroll = wrapsInScroll(form), wrapsInScroll(guide)
	split := container.NewHSplit(formScroll, guideScroll)
	split.Offset = besideOffset
	l := &formAndGuide{split: split, form: form}
	return formScroll, guideScroll, container.New(l, split)
}

// beside tells whether the guide fits beside the form in width w.
func (l *formAndGuide) beside(w float32) bool {
	return w-theme.Padding()-l.form.MinSize().Width >= minGuideWidth
}

// Layout turns the split to fit size.
func (l *formAndGuide) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if side := l.beside(size.Width); side != l.split.Horizontal {
		l.split.Horizontal = side
		l.split.Offset = underOffset
		if side {
			l.split.Offset = besideOffset
		}
		l.split.Refresh()
	}
	l.split.Move(fyne.NewPos(0, 0))
	l.split.Resize(size)
}

// MinSize is as narrow as the form (never wider: the window must not widen to fit the guide
// beside the form), and as short as the two scrolls let it be.
func (l *formAndGuide) MinSize(_ []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.form.MinSize().Width, l.split.MinSize().Height)
}

// wrapsInScroll is a vertical scroll of o, which is laid out at the scroll's width and then
// at the height its text wraps to at that width. That height is known only once laid out:
// when it outgrows what the scroll measured before, the scroll measures again, or the end of
// o could not be scrolled to.
func wrapsInScroll(o fyne.CanvasObject) *container.Scroll {
	l := &wrapsLayout{}
	s := container.NewVScroll(container.New(l, o))
	l.remeasure = s.Refresh
	return s
}

type wrapsLayout struct {
	remeasure func()
	measuring bool // within remeasure: once is enough
}

func (l *wrapsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	o := objects[0]
	o.Move(fyne.NewPos(0, 0))
	o.Resize(fyne.NewSize(size.Width, o.Size().Height)) // the width first, then the height it wraps to
	o.Resize(fyne.NewSize(size.Width, fyne.Max(size.Height, o.MinSize().Height)))
	if o.Size().Height > size.Height+1 && !l.measuring {
		l.measuring = true
		l.remeasure()
		l.measuring = false
	}
}

func (l *wrapsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size { return objects[0].MinSize() }

// wrapRows lays its objects out in a row at their minimum sizes, and goes on in a new row
// where the next one would pass the width: a toolbar that fits any window, every button
// whole, where a scrolling one would hide its last. Its height depends on the width, which
// MinSize must know before Layout: width says what it will be.
type wrapRows struct {
	width func() float32 // 0 while unknown: one row
}

// place calls at with each visible object's place for width w, and returns the height taken.
func (l *wrapRows) place(objs []fyne.CanvasObject, w float32, at func(fyne.CanvasObject, fyne.Position)) float32 {
	gap := theme.Padding()
	var x, y, rowH float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && w > 0 && x+m.Width > w {
			x, y, rowH = 0, y+rowH+gap, 0
		}
		if at != nil {
			at(o, fyne.NewPos(x, y))
		}
		x += m.Width + gap
		rowH = fyne.Max(rowH, m.Height)
	}
	return y + rowH
}

// Layout places the objects in as many rows as size.Width needs.
func (l *wrapRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.place(objs, size.Width, func(o fyne.CanvasObject, pos fyne.Position) {
		o.Move(pos)
		o.Resize(o.MinSize())
	})
}

// MinSize is as wide as the widest object and as tall as the rows at the width to come.
func (l *wrapRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		if o.Visible() {
			w = fyne.Max(w, o.MinSize().Width)
		}
	}
	var width float32
	if l.width != nil {
		width = l.width()
	}
	return fyne.NewSize(w, l.place(objs, width, nil))
}
