package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/internal/keychaintest"
)

// formLabels are the labels of the fields the integration form shows.
func formLabels(form *integrationForm) map[string]bool {
	labels := map[string]bool{}
	walkObjects(form.body.Content, func(o fyne.CanvasObject) bool {
		if f, ok := o.(*widget.Form); ok {
			for _, item := range f.Items {
				labels[item.Text] = true
			}
			return false
		}
		return true
	})
	return labels
}

// The sandbox has no client secret, so its page asks for no secret's expiry date; a provider
// with a secret still does.
func TestSandboxFormAsksForNoSecretDate(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "sandbox")
	if labels := formLabels(form); labels["Secret expires"] || !labels["Client ID"] {
		t.Errorf("the sandbox's fields %v: want Client ID and no Secret expires", labels)
	}
	if labels := formLabels(freshForm(t, p, "google")); !labels["Secret expires"] {
		t.Errorf("Google's fields %v: want Secret expires", labels)
	}
}

// At the default size and the smallest the guide is under the form, and the form, where the
// work is, gets most of the height: its fields show whole without scrolling down to Enabled
// at the default size, down to the client secret at the smallest.
func TestIntegrationFormGetsMostOfTheHeight(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	p, _ := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab)
	for _, c := range []struct {
		size fyne.Size
		last func(*integrationForm) fyne.CanvasObject
	}{
		{fyne.NewSize(800, 540), func(form *integrationForm) fyne.CanvasObject { return form.enabled }},
		{fyne.NewSize(640, 480), func(form *integrationForm) fyne.CanvasObject { return form.secret }},
	} {
		size := c.size
		f.ui.win.Resize(size)
		form := freshForm(t, p, "google")
		view, guide := place(t, f.ui.win, form.body), place(t, f.ui.win, form.guideScroll)
		last := place(t, f.ui.win, c.last(form))
		if guide.y < view.y+view.h {
			t.Fatalf("%v: the guide at %+v is not under the form at %+v", size, guide, view)
		}
		if last.y+last.h > view.y+view.h {
			t.Errorf("%v: a field at %+v is cut off by the form's view %+v", size, last, view)
		}
		if guide.h < 40 {
			t.Errorf("%v: the guide's view is %.0f high, too little to see it is there", size, guide.h)
		}
	}
}

// Save keeps the form where it was scrolled to: the form rebuilt from what was saved does not
// jump back to its top.
func TestSaveKeepsTheFormsScroll(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab)
	f.ui.win.Resize(fyne.NewSize(800, 540))
	test.Type(form.clientID, "123.apps.googleusercontent.com")
	test.Type(form.secret, "gui-secret-value")
	before, guide := fyne.NewPos(0, 60), fyne.NewPos(0, 100)
	form.body.ScrollToOffset(before)
	form.guideScroll.ScrollToOffset(guide)
	if form.body.Offset != before || form.guideScroll.Offset != guide {
		t.Fatalf("the form scrolled to %v, the guide to %v: too little to scroll at 800×540", form.body.Offset, form.guideScroll.Offset)
	}
	test.Tap(form.save)
	f.ui.Wait()
	if p.form == form || p.form.mark.Text != "Saved." {
		t.Fatalf("after Save: the same form %t, beside Save %q (%q)", p.form == form, p.form.mark.Text, p.form.status.Text)
	}
	if got := p.form.body.Offset; got != before {
		t.Errorf("after Save the form is scrolled to %v, want %v as before", got, before)
	}
	if got := p.form.guideScroll.Offset; got != guide {
		t.Errorf("after Save the guide is scrolled to %v, want %v as before", got, guide)
	}
}

// The hint under Test authorization keeps its place when it comes and goes, at the default
// size and the smallest: the buttons and the form above them stay where they are.
func TestTestHintMovesNothing(t *testing.T) {
	f := newFixture(t, withCustomAndDropbox(t))
	p, _ := openIntegration(t, f, "google")
	f.ui.home.tabs.Select(f.ui.home.adminTab)
	for _, size := range []fyne.Size{{Width: 800, Height: 540}, {Width: 640, Height: 480}} {
		f.ui.win.Resize(size)
		form := freshForm(t, p, "dropbox") // saved and whole: no hint
		// Heights and rows: Unsaved changes beside Save moves Test sideways, as it should.
		where := func() []float32 {
			form.content.Refresh() // lays the page out again, as a frame does
			var at []float32
			for _, o := range []fyne.CanvasObject{form.body, form.save, form.test, form.remove} {
				r := place(t, f.ui.win, o)
				at = append(at, r.y, r.h)
			}
			return at
		}
		before := where()
		if form.testHint.Text != "" {
			t.Fatalf("%v: a saved, whole integration's hint reads %q", size, form.testHint.Text)
		}
		form.scopes.SetText(form.scopes.Text + " x") // the longest hint: save your changes first
		if !strings.Contains(form.testHint.Text, "Save your changes") {
			t.Fatalf("%v: an edit's hint reads %q", size, form.testHint.Text)
		}
		if after := where(); !slices.Equal(before, after) {
			t.Errorf("%v: the hint moved the page:\n before %v\n after  %v", size, before, after)
		}
	}
}
