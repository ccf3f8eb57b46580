package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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
	test.Tap(p.chooser.ok)
	w.ui.Wait()
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the dialog is still open: problem %q", p.flow.problem.Text)
	}
	src, ok := p.current()
	if len(p.shown) != 1 || !ok || src.Account != authtest.DefaultUser.Email || src.Status != core.StatusConnected {
		t.Fatalf("rows %+v, selected %+v (%t); want the new source, selected and connected", p.shown, src, ok)
	}

	test.Tap(p.connect)
	w.ui.Wait()
	test.Tap(p.chooser.ok)
	w.ui.Wait()
	f := p.flow
	if !strings.Contains(f.problem.Text, "already connected") || !f.extra.Visible() {
		t.Fatalf("problem %q, reconnect shown %t; want already connected and a Reconnect button", f.problem.Text, f.extra.Visible())
	}
	test.Tap(f.extra)
	w.ui.Wait()
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the reconnect dialog is still open: problem %q", p.flow.problem.Text)
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
	test.Tap(p.chooser.ok)
	w.ui.Wait()
	f := p.flow
	want := "You chose not to allow access at Test files."
	if f.problem.words != want || !f.extra.Visible() || f.extra.Text != "Try again" || f.cancel.Text != "Close" {
		t.Fatalf("after Deny: problem %q, %q shown %t, %q; want %q, Try again and Close",
			f.problem.words, f.extra.Text, f.extra.Visible(), f.cancel.Text, want)
	}
	if !strings.Contains(f.problem.detail, "access_denied") {
		t.Errorf("detail %q; want the provider's own answer kept as the detail", f.problem.detail)
	}

	p.openURL = testkit.NewBrowser(t, srv).OpenURL
	test.Tap(f.extra)
	w.ui.Wait()
	if p.flow == f {
		t.Fatal("Try again started no new sign-in")
	}
	if top := w.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the new sign-in's dialog is still open: problem %q", p.flow.problem.Text)
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
	test.Tap(p.chooser.ok)
	w.ui.Wait()
	if _, ok := p.current(); !ok {
		t.Fatalf("no source selected after connecting: problem %q", p.flow.problem.Text)
	}
	if p.done.Visible() {
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
