package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// minGuideWidth is the narrowest the setup guide may be beside the form; below it the guide
// goes under the form.
const minGuideWidth = 300

// Where the divider between the form and its guide starts: the form takes a little more than
// half, the guide, mostly text, wraps in what is left.
const (
	besideOffset = 0.58
	underOffset  = 0.6
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
