package gui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

// A write user connects through the dialog and the new row appears,
// selected; connecting the same account again offers Reconnect, which renews it.
func TestConnectThroughDialog(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := filesPane(t, srv)

	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the dialog is still open: it shows %q", shownInDialog(t, w.fixture))
	}
	src, ok := p.current()
	if len(p.shown) != 1 || !ok || src.Account != authtest.DefaultUser.Email || src.Status != core.StatusConnected {
		t.Fatalf("rows %+v, selected %+v (%t); want the new source, selected and connected", p.shown, src, ok)
	}

	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	f := signInShown(t, w.ui.win)
	if !strings.Contains(f.problem.Text, "already connected") || !f.extra.Visible() {
		t.Fatalf("problem %q, reconnect shown %t; want already connected and a Reconnect button", f.problem.Text, f.extra.Visible())
	}
	test.Tap(f.extra)
	w.ui.Wait()
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the reconnect dialog is still open: it shows %q", shownInDialog(t, w.fixture))
	}
	if len(p.shown) != 1 || p.selected != src.ID {
		t.Errorf("after reconnect: %d rows, selected %d; want 1 row, source %d selected", len(p.shown), p.selected, src.ID)
	}
}

// Deny at the provider is the person's choice, the commonest way a sign-in ends without a
// source: the dialog says so in words, naming the provider, keeps the provider's text one tap
// away, and Try again starts the same connect anew, which this time succeeds.
func TestDeniedSignInOffersTryAgain(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := filesPane(t, srv)
	p.openURL = func(start string) error {
		_, err := authtest.Deny(start, "")
		return err
	}

	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	f := signInShown(t, w.ui.win)
	want := "You chose not to allow access at Test files."
	if f.problem.words != want || !f.extra.Visible() || f.extra.Text != "Try again" || f.cancel.Text != "Close" {
		t.Fatalf("after Deny: problem %q, %q shown %t, %q; want %q, Try again and Close",
			f.problem.words, f.extra.Text, f.extra.Visible(), f.cancel.Text, want)
	}
	if !strings.Contains(f.problem.detail, "access_denied") {
		t.Errorf("detail %q; want the provider's own answer kept as the detail", f.problem.detail)
	}

	// The dialog shown while the browser opens again is the new sign-in's.
	var again fyne.CanvasObject
	opened := false
	browser := testkit.NewBrowser(t, srv)
	p.openURL = func(start string) error {
		again, opened = w.ui.win.Canvas().Overlays().Top(), true
		return browser.OpenURL(start)
	}
	test.Tap(f.extra)
	w.ui.Wait()
	if !opened || again == nil || again == f.top {
		t.Fatalf("Try again started no new sign-in: the browser opened %t, in a new dialog %t", opened, again != nil && again != f.top)
	}
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the new sign-in's dialog is still open: it shows %q", shownInDialog(t, w.fixture))
	}
	if src, ok := p.current(); !ok || src.Account != authtest.DefaultUser.Email {
		t.Errorf("after Try again: selected %+v (%t); want the new source", src, ok)
	}
}

// Sources at a glance: a Refresh that succeeds says so in the pane, naming the account.
func TestRefreshNowSaysSo(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := filesPane(t, srv)
	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	if _, ok := p.current(); !ok {
		if w.ui.win.Canvas().Overlays().Top() != nil {
			t.Fatalf("no source selected after connecting: the dialog shows %q", shownInDialog(t, w.fixture))
		}
		t.Fatal("no source selected after connecting, and no dialog open")
	}
	if p.done.Text == "Refreshed "+authtest.DefaultUser.Email+"." {
		t.Errorf("a confirmation %q before any refresh", p.done.Text)
	}

	test.Tap(p.refresh)
	w.ui.Wait()
	want := "Refreshed " + authtest.DefaultUser.Email + "."
	if !p.done.Visible() || p.done.Text != want || p.status.Visible() {
		t.Errorf("after Refresh now: confirmation %q (shown %t), error %q; want %q and no error",
			p.done.Text, p.done.Visible(), p.status.Text, want)
	}

	// It speaks of that source only: selecting another one takes it away.
	w.addSources(t, "files", "Wes", 1, core.StatusConnected, "")
	p.reload(0)
	w.ui.Wait()
	if !p.done.Visible() {
		t.Error("the confirmation went with a reload that kept the refreshed source selected")
	}
	p.list.Select(slices.IndexFunc(p.shown, func(s core.Source) bool { return s.Account != authtest.DefaultUser.Email }))
	if p.done.Visible() {
		t.Errorf("the confirmation %q stays with another source selected", p.done.Text)
	}
}

// Connect and Disconnect say that they succeeded, naming the account, and leave the keyboard
// on the table: not on a button whose source is gone.
func TestConnectAndDisconnectSaySo(t *testing.T) {
	keychaintest.Require(t)
	srv := authtest.New(t)
	w, p := filesPane(t, srv)
	focused := func() string {
		switch f := w.ui.win.Canvas().Focused().(type) {
		case nil:
			return "nothing"
		case *button:
			return f.Text
		case *widget.List:
			return "the table"
		default:
			return fmt.Sprintf("%T", f)
		}
	}
	account := authtest.DefaultUser.Email

	test.Tap(p.connect)
	w.ui.Wait()
	tapInDialog(t, w.fixture, "Connect")
	w.ui.Wait()
	if want := "Connected " + account + "."; !p.done.Visible() || p.done.Text != want {
		t.Errorf("after Connect: confirmation %q (shown %t); want %q", p.done.Text, p.done.Visible(), want)
	}
	if got := focused(); got != "the table" {
		t.Errorf("after Connect the keyboard is on %s; want the table", got)
	}

	w.ui.win.Canvas().Focus(p.disconnect)
	test.Tap(p.disconnect)
	tapInDialog(t, w.fixture, "Disconnect")
	w.ui.Wait()
	if want := "Disconnected " + account + "."; !p.done.Visible() || p.done.Text != want || len(p.shown) != 0 {
		t.Errorf("after Disconnect: confirmation %q (shown %t), %d rows; want %q and none", p.done.Text, p.done.Visible(), len(p.shown), want)
	}
	if got := focused(); got != "the table" {
		t.Errorf("after Disconnect the keyboard is on %s; want the table", got)
	}
}

// With no integration enabled, Connect… says so and leads on: an administrator has a button
// that opens Admin → Integrations; a writer, who cannot set one up, is told who can.
func TestNothingToConnectLeadsToIntegrations(t *testing.T) {
	w := newSourcesWorkspace(t)
	buttons := func() []string {
		var texts []string
		walkObjects(w.ui.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
			if b, ok := o.(*dialogButton); ok {
				texts = append(texts, b.Text)
				return false
			}
			return true
		})
		return texts
	}

	w.signIn(t, "Wes", goodPass)
	test.Tap(w.pane(t).connect)
	w.ui.Wait()
	if text := dialogText(t, w.ui.win); !strings.Contains(text, "only an administrator") || slices.Contains(buttons(), "Open Integrations") {
		t.Errorf("a writer is told %q with buttons %v; want who can set one up, and no way to Integrations", text, buttons())
	}
	escape(w.ui.win)
	w.ui.signOut()
	w.ui.Wait()

	w.signIn(t, "Ada", goodPass)
	test.Tap(w.pane(t).connect)
	w.ui.Wait()
	if got := buttons(); !slices.Equal(got, []string{"Close", "Open Integrations"}) {
		t.Fatalf("the administrator's buttons: %v; want Close and Open Integrations", got)
	}
	tapInDialog(t, w.fixture, "Open Integrations")
	h := w.ui.home
	if w.ui.win.Canvas().Overlays().Top() != nil || h.tabs.Selected() != h.adminTab || h.admin.Selected().Text != "Integrations" {
		t.Errorf("after Open Integrations: tab %q, admin tab %q, a dialog open %t; want Admin → Integrations",
			h.tabs.Selected().Text, h.admin.Selected().Text, w.ui.win.Canvas().Overlays().Top() != nil)
	}
}

// signInView is what a test touches of the sign-in dialog on top of w, found in what is
// shown: its dialog buttons are laid out as Copy link, Open browser, Details…, the caller's
// next step, and Cancel (Close once the sign-in has ended).
type signInView struct {
	top                 fyne.CanvasObject // the dialog itself
	problem             *statusLine
	link, timeLeft      *widget.Label
	copy, extra, cancel *dialogButton
}

func signInShown(t *testing.T, w fyne.Window) signInView {
	t.Helper()
	v := signInView{top: w.Canvas().Overlays().Top()}
	buttons, problems := inDialog[*dialogButton](t, w), inDialog[*statusLine](t, w)
	if len(buttons) != 5 || buttons[0].Text != "Copy link" || len(problems) != 1 {
		t.Fatalf("the dialog on top shows %d dialog buttons and %d status lines; want the sign-in dialog's 5 and 1", len(buttons), len(problems))
	}
	v.copy, v.extra, v.cancel, v.problem = buttons[0], buttons[3], buttons[4], problems[0]
	// The time left is the line above the problem; the link is beside Copy link.
	if bottom, i := heldBy(v.top, v.problem); i > 0 {
		v.timeLeft, _ = bottom.Objects[i-1].(*widget.Label)
	}
	if pair, _ := heldBy(v.top, v.copy); pair != nil {
		if row, _ := heldBy(v.top, pair); row != nil {
			for _, o := range row.Objects {
				if l, ok := o.(*widget.Label); ok {
					v.link = l
				}
			}
		}
	}
	if v.timeLeft == nil || v.link == nil {
		t.Fatalf("the sign-in dialog shows time left %v and link %v; want both", v.timeLeft, v.link)
	}
	return v
}

// heldBy is the container within top that holds o directly, and o's place in it; nil, -1
// where there is none.
func heldBy(top, o fyne.CanvasObject) (*fyne.Container, int) {
	var found *fyne.Container
	at := -1
	walkObjects(top, func(c fyne.CanvasObject) bool {
		if box, ok := c.(*fyne.Container); ok && found == nil {
			if i := slices.Index(box.Objects, o); i >= 0 {
				found, at = box, i
			}
		}
		return found == nil
	})
	return found, at
}
