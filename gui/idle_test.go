package gui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/internal/keychaintest"
)

// typeSlowly focuses e and types into it a piece at a time, the clock moving every between
// pieces and the idle ticker running after each, as a person filling a form.
func (f *fixture) typeSlowly(t *testing.T, e fyne.Focusable, pieces []string, every time.Duration) {
	t.Helper()
	f.ui.win.Canvas().Focus(e)
	if f.ui.win.Canvas().Focused() != e {
		t.Fatal("the entry to type into cannot take the focus: is its tab shown?")
	}
	f.ui.CheckIdle() // notes what the entry holds
	f.ui.Wait()
	for _, s := range pieces {
		f.clock.Advance(every)
		test.Type(e, s)
		f.ui.CheckIdle()
		f.ui.Wait()
		if f.ui.home == nil {
			t.Fatalf("locked at %q while the person was typing", s)
		}
	}
}

// An admin who fills an integration form for 20 minutes without a single core call can save
// it: typing is use, and core, which decides the lock, hears of it.
func TestTwentyMinutesOfTypingThenSave(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	p, form := openIntegration(t, f, "google")
	f.ui.home.showTab(1)
	f.typeSlowly(t, form.clientID, []string{"123", ".apps", ".google", "usercontent", ".com"}, 2*time.Minute)
	f.typeSlowly(t, form.secret, []string{"gui-", "secret-", "value", "-typed", "-slowly"}, 2*time.Minute)

	test.Tap(form.save)
	f.ui.Wait()
	if f.ui.home == nil {
		t.Fatalf("Save after 20 minutes of typing went to the sign-in screen: %q", f.ui.signIn.status.Text)
	}
	v := f.integration(t, "google")
	if v.ClientID != "123.apps.googleusercontent.com" || v.SecretSetAt.IsZero() {
		t.Errorf("after saving: client id %q, secret saved at %v; status %q", v.ClientID, v.SecretSetAt, p.form.status.Text)
	}
}

// The idle lock loses nothing: after 16 silent minutes the window shows the sign-in screen,
// and signing back in as the same user brings back the form with what was typed, the focus
// in it, and a Save that works.
func TestIdleLockKeepsTheFormForTheSameUser(t *testing.T) {
	keychaintest.Require(t)
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "dropbox")
	home, session := f.ui.home, f.ui.session
	f.ui.home.showTab(1)
	f.typeSlowly(t, form.clientID, []string{"typed-", "before-", "the-lock"}, time.Minute)

	f.clock.Advance(16 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.signIn == nil || f.ui.home != nil {
		t.Fatal("after 16 silent minutes the window must show the sign-in screen")
	}
	if !strings.Contains(f.ui.signIn.status.Text, "inactivity") {
		t.Errorf("sign-in status = %q, want it to say why", f.ui.signIn.status.Text)
	}
	if err := f.core.Touch(context.Background(), session); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("core accepted the session while the window is locked: %v", err)
	}

	f.signIn(t, "Ada", goodPass)
	if f.ui.home != home || f.ui.session != session {
		t.Fatal("signing back in as the same user did not bring back the screen that was locked")
	}
	form = f.ui.home.integrations.form
	if form.clientID.Text != "typed-before-the-lock" {
		t.Errorf("client id = %q after the lock, want what was typed", form.clientID.Text)
	}
	if f.ui.win.Canvas().Focused() != form.clientID {
		t.Error("the focus did not return to the field being typed in")
	}

	// Silent again, and Save comes before the ticker: core refuses it and the window locks,
	// still keeping what was typed.
	f.clock.Advance(16 * time.Minute)
	test.Tap(form.save)
	f.ui.Wait()
	if f.ui.signIn == nil || f.ui.home != nil {
		t.Fatal("a Save that core refused as locked must show the sign-in screen")
	}
	f.signIn(t, "Ada", goodPass)
	if f.ui.home != home || form.clientID.Text != "typed-before-the-lock" {
		t.Fatalf("after a refused Save and signing in again: same screen %t, client id %q", f.ui.home == home, form.clientID.Text)
	}
	if !strings.Contains(form.status.Text, "Nothing was changed") {
		t.Errorf("form status = %q, want it to say the Save did not happen", form.status.Text)
	}
	test.Tap(form.save)
	f.ui.Wait()
	if v := f.integration(t, "dropbox"); v.ClientID != "typed-before-the-lock" {
		t.Errorf("saved client id %q after unlocking; status %q", v.ClientID, form.status.Text)
	}
}

// Another user who signs in at the lock screen gets a screen of their own: nothing of the
// locked user's shows, and the locked session ends.
func TestIdleLockThenAnotherUserStartsFresh(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	_, form := openIntegration(t, f, "dropbox")
	test.Type(form.clientID, "Ada's unsaved input")
	old := f.ui.session
	showDialogs(f)

	f.clock.Advance(16 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if n := len(f.ui.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs of the locked user still show over the sign-in screen", n)
	}
	f.signIn(t, "Wes", goodPass)
	f.ui.Wait()
	if f.ui.home == nil || f.ui.session == old || f.ui.home.adminTab != nil {
		t.Fatal("Wes did not get a fresh writer's screen")
	}
	if n := len(f.ui.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs of the locked user show on Wes's screen", n)
	}
	if err := f.core.Touch(context.Background(), old); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Ada's locked session after Wes signed in: %v, want ErrSessionEnded", err)
	}
}

// A dialog open at the lock is hidden while the window is locked and back after unlocking.
func TestIdleLockKeepsOpenDialogs(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	showDialogs(f)
	dialogs, focused := len(f.ui.win.Canvas().Overlays().List()), f.ui.win.Canvas().Focused()

	f.clock.Advance(16 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if n := len(f.ui.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs still show over the sign-in screen", n)
	}
	f.signIn(t, "Ada", goodPass)
	if n := len(f.ui.win.Canvas().Overlays().List()); n != dialogs {
		t.Errorf("%d dialogs after unlocking, want the %d open at the lock", n, dialogs)
	}
	if f.ui.win.Canvas().Focused() != focused || focused == nil {
		t.Error("the focus did not return to the dialog's field")
	}
}

// showDialogs opens the change-passphrase dialog, which every user has.
func showDialogs(f *fixture) {
	f.ui.showChangePassphrase()
	if len(f.ui.win.Canvas().Overlays().List()) == 0 {
		panic("the change-passphrase dialog did not open")
	}
}
