package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// wheelEntry is a single-line entry over which the mouse wheel scrolls the page it sits in.
// Fyne's entry scrolls its own line and keeps every wheel event, so a long form stopped
// scrolling wherever the pointer met a field; the window hands a wheel event to the last
// scrollable object under the pointer, so the entry draws a pass-through layer over itself
// that hands the event to page.
type wheelEntry struct {
	widget.Entry
	page func(*fyne.ScrollEvent)
}

// newWheelEntry is an entry whose wheel events go to page.
func newWheelEntry(page func(*fyne.ScrollEvent)) *wheelEntry {
	e := &wheelEntry{page: page}
	e.ExtendBaseWidget(e)
	return e
}

// newWheelPasswordEntry is a wheelEntry that hides what is typed.
func newWheelPasswordEntry(page func(*fyne.ScrollEvent)) *wheelEntry {
	e := newWheelEntry(page)
	e.Password = true
	return e
}

// CreateRenderer is the entry's own, with the pass-through layer on top.
func (e *wheelEntry) CreateRenderer() fyne.WidgetRenderer {
	pass := &wheelPass{to: e.page}
	pass.ExtendBaseWidget(pass)
	return &wheelRenderer{WidgetRenderer: e.Entry.CreateRenderer(), pass: pass}
}

type wheelRenderer struct {
	fyne.WidgetRenderer
	pass *wheelPass
}

func (r *wheelRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.pass.Resize(size)
}

func (r *wheelRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject{}, r.WidgetRenderer.Objects()...), r.pass)
}

// wheelPass takes wheel events and nothing else: taps, drags, the pointer's shape and the
// keyboard still reach the entry under it.
type wheelPass struct {
	widget.BaseWidget
	to func(*fyne.ScrollEvent)
}

func (p *wheelPass) Scrolled(ev *fyne.ScrollEvent) {
	if p.to != nil {
		p.to(ev)
	}
}

func (p *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}
