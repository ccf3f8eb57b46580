package gui

import (
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
