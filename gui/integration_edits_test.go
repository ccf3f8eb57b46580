package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// itemIndex is the list row of the integration with id.
func itemIndex(t *testing.T, p *integrationsPane, id string) int {
	t.Helper()
	for i, v := range p.items {
		if v.ID == id {
			return i
		}
	}
	t.Fatalf("%s is not in the list", id)
	return -1
}

// One Save for the page: Enabled is an edit like the fields, saved with them; Save is on only
// while something is to save, "Unsaved changes" says so beside it, and "Saved." goes at the
// next change.
func TestEnabledIsAnEditUntilSave(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, form := openIntegration(t, f, "dropbox")
	if !form.save.Disabled() || form.mark.Visible() {
		t.Fatalf("nothing edited: Save disabled %v, beside it %q; want disabled, nothing", form.save.Disabled(), form.mark.Text)
	}
	form.scopes.SetText("sharing.read")
	form.enabled.SetChecked(true)
	f.ui.Wait()
	if v := f.integration(t, "dropbox"); v.Enabled {
		t.Fatal("ticking Enabled enabled Dropbox before Save")
	}
	if form.save.Disabled() || !form.mark.Visible() || form.mark.Text != "Unsaved changes" {
		t.Errorf("after the edits: Save disabled %v, beside it %q (shown %v); want Save on, Unsaved changes", form.save.Disabled(), form.mark.Text, form.mark.Visible())
	}

	test.Tap(form.save)
	f.ui.Wait()
	v := f.integration(t, "dropbox")
	if !v.Enabled || strings.Join(v.Scopes, " ") != "sharing.read" {
		t.Fatalf("after Save: enabled %v, scopes %q; want both saved (status %q)", v.Enabled, v.Scopes, p.form.status.Text)
	}
	form = p.form
	if !form.save.Disabled() || form.mark.Text != "Saved." || !form.enabled.Checked || form.dirty() {
		t.Errorf("after Save: Save disabled %v, beside it %q, Enabled ticked %v, dirty %v; want disabled, Saved., ticked, clean",
			form.save.Disabled(), form.mark.Text, form.enabled.Checked, form.dirty())
	}
	form.scopes.SetText("files.metadata.read")
	if form.mark.Text != "Unsaved changes" || form.save.Disabled() {
		t.Errorf("an edit after saving: beside Save %q, Save disabled %v; want Unsaved changes, Save on", form.mark.Text, form.save.Disabled())
	}
	form.scopes.SetText("sharing.read")
	if form.mark.Visible() || !form.save.Disabled() {
		t.Errorf("the edit undone: beside Save %q (shown %v), Save disabled %v; want nothing, Save off", form.mark.Text, form.mark.Visible(), form.save.Disabled())
	}
}

// A Save that core refuses half-way keeps what it could not save as edits: the sandbox's
// scopes are saved, its port out of range is refused under the field, and Enabled, which
// comes after, stays an edit, the page still saying so.
func TestSaveStopsAtTheFirstRefusal(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, form := openIntegration(t, f, "sandbox")
	f.ui.Wait()
	form.scopes.SetText("openid email")
	form.sandbox.port.SetText("80")
	form.enabled.SetChecked(true)
	test.Tap(form.save)
	f.ui.Wait()

	v := f.integration(t, "sandbox")
	if strings.Join(v.Scopes, " ") != "openid email" || v.Enabled {
		t.Errorf("after a refused port: scopes %q, enabled %v; want the scopes saved, not enabled", v.Scopes, v.Enabled)
	}
	form = p.form
	port := form.sandbox.problems[core.FieldSandboxPort]
	if form.sandbox.port.Text != "80" || !port.Visible() || !strings.Contains(port.Text, "1024") {
		t.Errorf("the port holds %q, its message %q (shown %v); want 80 kept with the range", form.sandbox.port.Text, port.Text, port.Visible())
	}
	if !form.enabled.Checked || form.mark.Text != "Unsaved changes" || form.status.Text == "" {
		t.Errorf("Enabled ticked %v, beside Save %q, status %q; want the tick kept as an edit and the refusal said",
			form.enabled.Checked, form.mark.Text, form.status.Text)
	}
}

// Choosing another integration with unsaved edits asks: Cancel stays with the edits, Save
// saves them and goes on, Discard drops them and goes on.
func TestSwitchingWithUnsavedEditsAsks(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, form := openIntegration(t, f, "dropbox")
	form.clientID.SetText("dbx-new")

	p.list.Select(itemIndex(t, p, "google"))
	tapInDialog(t, f, "Cancel")
	if p.form.view.ID != "dropbox" || p.form.clientID.Text != "dbx-new" || p.selected != "dropbox" {
		t.Fatalf("after Cancel: form of %s holding %q, selected %s; want Dropbox with the edit", p.form.view.ID, p.form.clientID.Text, p.selected)
	}

	p.list.Select(itemIndex(t, p, "google"))
	tapInDialog(t, f, "Save")
	f.ui.Wait()
	if v := f.integration(t, "dropbox"); v.ClientID != "dbx-new" {
		t.Errorf("Save saved client id %q, want dbx-new", v.ClientID)
	}
	if p.form.view.ID != "google" {
		t.Fatalf("after Save the form shows %s, want google", p.form.view.ID)
	}

	p.form.clientID.SetText("123.apps.googleusercontent.com")
	p.list.Select(itemIndex(t, p, "microsoft"))
	tapInDialog(t, f, "Discard")
	f.ui.Wait()
	if p.form.view.ID != "microsoft" {
		t.Errorf("after Discard the form shows %s, want microsoft", p.form.view.ID)
	}
	if v := f.integration(t, "google"); v.Saved {
		t.Errorf("Discard saved Google: %+v", v)
	}

	// Adding an integration shows it in place of the form: that asks too.
	p.form.clientID.SetText("11112222-aaaa-bbbb-cccc-333344445555")
	test.Tap(p.add)
	if got := dialogText(t, f.ui.win); !strings.Contains(got, "not saved") {
		t.Fatalf("Add with unsaved edits shows %q, want the question", got)
	}
	tapInDialog(t, f, "Cancel")
	if p.form.view.ID != "microsoft" || p.form.clientID.Text != "11112222-aaaa-bbbb-cccc-333344445555" {
		t.Errorf("after Cancel: form of %s holding %q, want Microsoft with the edit", p.form.view.ID, p.form.clientID.Text)
	}
}

// rect is an object's place in the window.
type rect struct{ x, y, w, h float32 }

// place finds o under the window's content, adding up the positions on the way; an object
// not in the window is far off, so that it overlaps nothing and fits nowhere.
func place(t *testing.T, w fyne.Window, o fyne.CanvasObject) rect {
	t.Helper()
	var find func(at fyne.Position, c fyne.CanvasObject) (fyne.Position, bool)
	find = func(at fyne.Position, c fyne.CanvasObject) (fyne.Position, bool) {
		at = at.Add(c.Position())
		if c == o {
			return at, true
		}
		var children []fyne.CanvasObject
		switch c := c.(type) {
		case *fyne.Container:
			children = c.Objects
		case fyne.Widget:
			children = test.WidgetRenderer(c).Objects()
		}
		for _, child := range children {
			if child.Visible() {
				if p, ok := find(at, child); ok {
					return p, true
				}
			}
		}
		return at, false
	}
	p, ok := find(fyne.Position{}, w.Content())
	if !ok {
		t.Fatalf("%T is not shown in the window", o)
	}
	return rect{p.X, p.Y, o.Size().Width, o.Size().Height}
}

// within is the part of r that shows through the scroll s.
func (r rect) within(s rect) rect {
	top, bottom := fyne.Max(r.y, s.y), fyne.Min(r.y+r.h, s.y+s.h)
	return rect{r.x, top, r.w, fyne.Max(0, bottom-top)}
}

func (r rect) overlaps(o rect) bool {
	return r.w > 0 && r.h > 0 && o.w > 0 && o.h > 0 && r.x < o.x+o.w && o.x < r.x+r.w && r.y < o.y+o.h && o.y < r.y+r.h
}

// The form fits the window at the default size and smaller: no field runs under the guide or
// past the window, the fields stay wide enough to use, the guide goes under the form when
// narrow, and a Fetch error shows right under the issuer.
func TestIntegrationFormFitsTheWindow(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab) // on screen, Integrations first
	oidc := customID(t, p, "Corporate SSO")
	for _, size := range []fyne.Size{{Width: 1040, Height: 700}, {Width: 800, Height: 600}, {Width: 640, Height: 480}} {
		f.ui.win.Resize(size)
		for _, id := range []string{"google", "dropbox", "microsoft", oidc} {
			form := freshForm(t, p, id)
			guide := place(t, f.ui.win, form.guideScroll)
			width := f.ui.win.Canvas().Size().Width // the window's, as wide as its content needs
			fields := []fyne.CanvasObject{form.clientID, form.scopes, form.port, form.save, form.remove}
			if form.fetch != nil {
				fields = append(fields, form.fetch, form.issuer)
			}
			formView := place(t, f.ui.win, form.body)
			for _, o := range fields {
				r := place(t, f.ui.win, o)
				if o != form.save && o != form.remove {
					r = r.within(formView) // what shows of it through the form's scroll
				}
				if r.overlaps(guide) || r.x+r.w > width {
					t.Errorf("%v %s: a field at %+v runs under the guide at %+v or past the window", size, id, r, guide)
				}
				if e, ok := o.(*wheelEntry); ok && r.w < 200 {
					t.Errorf("%v %s: a field %.0f wide (%q), too narrow to use", size, id, r.w, e.PlaceHolder)
				}
			}
			// Everything can be scrolled to: each scroll's content is as tall as its text
			// wraps to at its width.
			for _, s := range []*container.Scroll{form.body, form.guideScroll} {
				inner := s.Content.(*fyne.Container).Objects[0]
				if reach, need := s.Content.Size().Height, inner.MinSize().Height; reach < need {
					t.Errorf("%v %s: a scroll reaches %.0f down, its content needs %.0f", size, id, reach, need)
				}
			}
			box := formView
			switch size.Width {
			case 1040:
				if guide.x < box.x+box.w {
					t.Errorf("%v %s: the guide at %+v is not beside the form at %+v", size, id, guide, box)
				}
			case 640:
				if guide.y < box.y+box.h {
					t.Errorf("%v %s: the guide at %+v is not under the form at %+v", size, id, guide, box)
				}
			}
		}
	}

	form := freshForm(t, p, oidc)
	form.issuer.SetText("https://127.0.0.1:1")
	form.fetch.Tapped(nil)
	f.ui.Wait()
	form.content.Refresh() // the real window lays out on its next frame
	problem := form.problems[core.FieldIssuer]
	if !problem.Visible() {
		t.Fatal("a failed Fetch shows no message next to the issuer")
	}
	issuer, msg, endpoints := place(t, f.ui.win, form.issuer), place(t, f.ui.win, problem), place(t, f.ui.win, form.discovered)
	if msg.y < issuer.y+issuer.h || msg.y > endpoints.y {
		t.Errorf("the Fetch error at %+v is not between the issuer at %+v and the endpoints at %+v", msg, issuer, endpoints)
	}
}

// The guide says once that Google needs no redirect URI (no line of the form repeats it),
// each scope on a line of its own; the notes read as warnings, and the sandbox's plain
// information in the ordinary colour: nothing else on its page is in the warning colour.
func TestGuideSaysThingsOnceInTheirColour(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	_, form := openIntegration(t, f, "google")
	var text []string
	walkObjects(form.content, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			text = append(text, l.Text)
		}
		return o.Visible()
	})
	all := strings.ToLower(strings.Join(text, "\n"))
	if n := strings.Count(all, "no redirect uri"); n != 1 || form.copyRedirect.Visible() {
		t.Errorf("Google's page says \"no redirect URI\" %d times, Copy shown %v; want once, no Copy:\n%s", n, form.copyRedirect.Visible(), all)
	}
	if !slices.Contains(text, "https://www.googleapis.com/auth/drive.readonly") {
		t.Errorf("the Drive scope is not on a line of its own:\n%s", all)
	}
	for _, id := range []string{"google", "dropbox", "box"} {
		_, form = selectIntegration(t, f, id)
		if len(form.notes) == 0 {
			t.Errorf("%s: no notes in the guide", id)
		}
		for _, n := range form.notes {
			if n.Importance != widget.WarningImportance {
				t.Errorf("%s: note %q has importance %v, want a warning", id, n.Text, n.Importance)
			}
		}
	}
	_, form = selectIntegration(t, f, "dropbox")
	if !form.copyRedirect.Visible() || form.copyRedirect.Disabled() || !form.redirect.TextStyle.Monospace {
		t.Errorf("Dropbox: Copy shown %v disabled %v, monospace %v; want the URI to copy", form.copyRedirect.Visible(), form.copyRedirect.Disabled(), form.redirect.TextStyle.Monospace)
	}

	_, form = selectIntegration(t, f, "sandbox")
	f.ui.Wait()
	about := 0
	walkObjects(form.content, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		switch {
		case !ok:
		case l.Importance == widget.WarningImportance && l.Visible() && !slices.Contains(form.notes, l):
			t.Errorf("the sandbox's page shows %q in the warning colour", l.Text)
		case strings.Contains(l.Text, "It connects no real storage") && l.Importance == widget.MediumImportance:
			about++
		}
		return o.Visible()
	})
	if about != 1 {
		t.Errorf("the sandbox's page says it connects no real storage %d times in the ordinary colour, want once", about)
	}
}

// Test authorization is off until it can work, and says what it waits for.
func TestTestAuthorizationSaysWhatItWaitsFor(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	oidc := customID(t, p, "Corporate SSO")
	for _, c := range []struct {
		name, id string
		edit     func(form *integrationForm)
		want     string // in the hint; "" for a test that can run
	}{
		{"custom, nothing entered", oidc, func(*integrationForm) {}, "client ID"},
		{"custom, client ID typed", oidc, func(form *integrationForm) { form.clientID.SetText("cid") }, "Save the integration"},
		{"preset never saved", "google", func(*integrationForm) {}, "client ID"},
		{"saved and whole", "dropbox", func(*integrationForm) {}, ""},
		{"saved, then edited", "dropbox", func(form *integrationForm) { form.scopes.SetText("x") }, "Save your changes"},
	} {
		form := freshForm(t, p, c.id)
		c.edit(form)
		hint := form.testHint.Text
		if !form.testHint.Visible() {
			hint = ""
		}
		switch {
		case c.want == "" && (form.test.Disabled() || hint != ""):
			t.Errorf("%s: Test disabled %v, hint %q; want it ready, no hint", c.name, form.test.Disabled(), hint)
		case c.want != "" && (!form.test.Disabled() || !strings.Contains(hint, c.want)):
			t.Errorf("%s: Test disabled %v, hint %q; want disabled, a hint with %q", c.name, form.test.Disabled(), hint, c.want)
		}
	}
}

// guideCard is the setup guide, as wrapsInScroll holds it.
func (f *integrationForm) guideCard() fyne.CanvasObject {
	return f.guideScroll.Content.(*fyne.Container).Objects[0]
}
