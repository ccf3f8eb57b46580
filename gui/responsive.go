package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// minGuideWidth is the narrowest the setup guide may be beside the form; below it the guide
// goes under the form.
const minGuideWidth = 300

// sideOrStacked lays out a main object and a companion side by side when the width allows
// both (the main one at least at its minimum width, the companion at least minGuideWidth),
// and the companion under the main one otherwise. It sits in a vertical scroll and decides
// by the scroll's width: the scroll asks for the minimum size before it lays the content
// out, so the decision must not wait for Layout, or the height would lag one resize behind.
//
// The guide's wrapped text is as tall as its width makes it, and that width is known only
// once laid out: when the height then outgrows what the scroll was told, Layout asks the
// scroll to measure again, or the end of the guide could not be scrolled to.
type sideOrStacked struct {
	width     func() float32 // the width the layout is given, known before MinSize is asked
	remeasure func()
	measuring bool // within remeasure: once is enough
}

// newSideOrStacked is a vertical scroll holding main and companion, side by side when wide,
// stacked when narrow. It never scrolls sideways.
func newSideOrStacked(main, companion fyne.CanvasObject) *container.Scroll {
	l := &sideOrStacked{}
	scroll := container.NewVScroll(container.New(l, main, companion))
	l.width = func() float32 { return scroll.Size().Width }
	l.remeasure = scroll.Refresh
	return scroll
}

// mainWidth is the main object's width side by side in width w, or 0 when they must stack.
func (l *sideOrStacked) mainWidth(objects []fyne.CanvasObject, w float32) float32 {
	pad := theme.Padding()
	main := objects[0].MinSize().Width
	if w-pad-main < minGuideWidth {
		return 0
	}
	// The form takes a little more than half; the guide, mostly text, wraps in what is left.
	return fyne.Max(main, fyne.Min((w-pad)*0.58, w-pad-minGuideWidth))
}

// Layout places the two objects for size.
func (l *sideOrStacked) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	main, companion := objects[0], objects[1]
	// Each gets its width first, then the height its text wraps to at that width.
	fit := func(o fyne.CanvasObject, pos fyne.Position, w float32) {
		o.Move(pos)
		o.Resize(fyne.NewSize(w, o.Size().Height))
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
	}
	if mw := l.mainWidth(objects, size.Width); mw > 0 {
		fit(main, fyne.NewPos(0, 0), mw)
		fit(companion, fyne.NewPos(mw+pad, 0), size.Width-mw-pad)
	} else {
		fit(main, fyne.NewPos(0, 0), size.Width)
		fit(companion, fyne.NewPos(0, main.Size().Height+pad), size.Width)
	}
	bottom := fyne.Max(main.Position().Y+main.Size().Height, companion.Position().Y+companion.Size().Height)
	if bottom > size.Height+1 && l.remeasure != nil && !l.measuring {
		l.measuring = true
		l.remeasure()
		l.measuring = false
	}
}

// MinSize is as narrow as the wider object (never wider: the window must not widen to fit
// the guide beside the form) and as tall as the arrangement the current width gives.
func (l *sideOrStacked) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	m, c := objects[0].MinSize(), objects[1].MinSize()
	w := fyne.Max(m.Width, c.Width)
	if l.width != nil && l.mainWidth(objects, l.width()) > 0 {
		return fyne.NewSize(w, fyne.Max(m.Height, c.Height))
	}
	return fyne.NewSize(w, m.Height+pad+c.Height)
}

// wrapRows lays its objects out in a row at their minimum sizes, and goes on in a new row
// where the next one would pass the width: a toolbar that fits any window, every button
// whole, where a scrolling one would hide its last. As with sideOrStacked, the height depends
// on the width, which MinSize must know before Layout: width says what it will be.
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
