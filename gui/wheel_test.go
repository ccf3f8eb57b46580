package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The mouse wheel over a field scrolls the form on, as over a label, on the long forms of
// Microsoft and the sandbox; the pointer's
// other uses still reach the field.
func TestWheelOverAFieldScrollsTheForm(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab)
	f.ui.win.Resize(fyne.NewSize(800, 540))
	for _, c := range []struct {
		id    string
		field func(*integrationForm) *wheelEntry
	}{
		{"microsoft", func(form *integrationForm) *wheelEntry { return form.clientID }},
		{"sandbox", func(form *integrationForm) *wheelEntry { return form.sandbox.port }},
	} {
		form := freshForm(t, p, c.id)
		f.ui.Wait()
		e := c.field(form)
		if c.id == "sandbox" { // far down: bring it into view first
			form.body.ScrollToOffset(fyne.NewPos(0, place(t, f.ui.win, e).y-place(t, f.ui.win, form.body).y-40))
		}
		r := place(t, f.ui.win, e)
		at := fyne.NewPos(r.x+r.w/2, r.y+r.h/2)
		before := form.body.Offset.Y
		test.Scroll(f.ui.win.Canvas(), at, 0, -60)
		if form.body.Offset.Y <= before {
			t.Errorf("%s: the wheel over a field left the form at offset %.0f (before %.0f); want it scrolled on", c.id, form.body.Offset.Y, before)
		}
		// A drag across the field still selects its text: the field, not the wheel's layer,
		// takes the pointer.
		e.SetText("some text to select")
		r = place(t, f.ui.win, e)
		// Fyne takes the event's position as where the drag has reached.
		test.Drag(f.ui.win.Canvas(), fyne.NewPos(r.x+8+r.w/2, r.y+r.h/2), r.w/2, 0)
		if e.SelectedText() == "" {
			t.Errorf("%s: a drag across the field selected nothing", c.id)
		}
	}
}

// The setup guide scrolls on its own: reading far down it leaves the form where it was, the
// client ID in view, whether the guide is beside the form or under it.
func TestGuideScrollsOnItsOwn(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab)
	for _, size := range []fyne.Size{{Width: 1040, Height: 700}, {Width: 800, Height: 540}} {
		f.ui.win.Resize(size)
		form := freshForm(t, p, "google")
		g := place(t, f.ui.win, form.guideScroll)
		test.Scroll(f.ui.win.Canvas(), fyne.NewPos(g.x+g.w/2, g.y+g.h/2), 0, -400)
		if form.guideScroll.Offset.Y <= 0 || form.body.Offset.Y != 0 {
			t.Errorf("%v: the wheel over the guide moved the guide to %.0f and the form to %.0f; want the guide alone moved",
				size, form.guideScroll.Offset.Y, form.body.Offset.Y)
		}
		if id := place(t, f.ui.win, form.clientID).within(place(t, f.ui.win, form.body)); id.h <= 0 {
			t.Errorf("%v: the client ID is out of view after reading the guide", size)
		}
	}
}
