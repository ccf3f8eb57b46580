package gui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core/access"
)

// lockOut signs in with wrong passphrases until the profile is locked out.
func (f *fixture) lockOut(t *testing.T, name string) {
	t.Helper()
	for i := 0; i < access.FreeFailures; i++ {
		f.signIn(t, name, "wrong passphrase "+strings.Repeat("x", i))
	}
	if s := f.ui.signIn; s == nil || !s.button.Disabled() {
		t.Fatalf("%s is not locked out after %d wrong passphrases", name, access.FreeFailures)
	}
}

// tickCountdown runs one step of the sign-in screen's countdown, as its ticker does.
func (f *fixture) tickCountdown(t *testing.T) {
	t.Helper()
	s := f.ui.signIn
	if s.tick == nil {
		t.Fatal("no countdown runs")
	}
	s.tick()
}

// One profile's lock-out is that profile's: choosing another shows no countdown and lets
// that person sign in; choosing the locked one again shows its countdown again.
func TestLockOutBelongsToItsProfile(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.lockOut(t, "Wes")
	s := f.ui.signIn

	f.choose("Ada")
	if s.button.Disabled() {
		t.Fatal("Sign in stays disabled for Ada while Wes is locked out")
	}
	if s.status.Visible() {
		t.Errorf("Ada's sign-in shows %q, which is about Wes", s.status.Text)
	}

	f.choose("Wes")
	if !s.button.Disabled() || !strings.Contains(s.status.Text, "left)") {
		t.Errorf("back on Wes: button disabled %t, status %q; want his countdown", s.button.Disabled(), s.status.Text)
	}

	f.choose("Ada")
	f.signIn(t, "Ada", goodPass)
	if f.ui.home == nil {
		t.Fatalf("Ada could not sign in while Wes is locked out: %q", s.status.Text)
	}
}

// A sign-in screen opened while a profile is locked out (the lock screen, another start)
// shows that profile's countdown at once.
func TestLockOutShownWhenTheProfileIsChosen(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.lockOut(t, "Wes")
	f.ui.showSignIn("", "Wes")
	f.ui.Wait()
	s := f.ui.signIn
	if !s.button.Disabled() || !strings.Contains(s.status.Text, "reopens at") {
		t.Errorf("new sign-in screen on locked Wes: button disabled %t, status %q; want the countdown", s.button.Disabled(), s.status.Text)
	}
}

// The countdown ends at its time: it says so in a neutral colour, and Sign in works again.
func TestLockOutCountdownEnds(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.lockOut(t, "Wes")
	s := f.ui.signIn
	f.clock.Advance(access.FirstDelay - 10*time.Second)
	f.tickCountdown(t)
	if !strings.Contains(s.status.Text, "(10s left)") || s.status.Importance != widget.DangerImportance {
		t.Errorf("10 s before the end: status %q (importance %v), want 10s left in red", s.status.Text, s.status.Importance)
	}
	f.clock.Advance(2 * time.Minute) // the ticker may run late: the message must not stay behind
	f.tickCountdown(t)
	if s.status.Text != "You can try again now." || s.status.Importance == widget.DangerImportance {
		t.Errorf("after the wait: status %q (importance %v), want a neutral 'try again'", s.status.Text, s.status.Importance)
	}
	if s.button.Disabled() {
		t.Error("Sign in stays disabled after the lock-out ended")
	}
	f.signIn(t, "Wes", goodPass)
	if f.ui.home == nil {
		t.Fatalf("Wes could not sign in after the wait: %q", s.status.Text)
	}
}

// Neutral news is not shown in the error colour; errors are.
func TestNoticesAreNotErrors(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", "not the passphrase at all")
	s := f.ui.signIn
	if s.status.Importance != widget.DangerImportance {
		t.Errorf("a wrong passphrase shows %q with importance %v, want the error colour", s.status.Text, s.status.Importance)
	}
	f.signIn(t, "Ada", goodPass)
	f.ui.signOut()
	f.ui.Wait()
	s = f.ui.signIn
	if s.status.Text != "Signed out." || s.status.Importance == widget.DangerImportance {
		t.Errorf("after signing out: %q with importance %v, want a neutral notice", s.status.Text, s.status.Importance)
	}
}

// The sign-in form stays where it is while its messages come and go: a wrong passphrase's
// error and its clearing move neither the profile, the passphrase nor the button, so a click
// aimed at a field lands on it.
func TestSignInMessagesMoveNoField(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	win := f.ui.win
	for _, size := range []fyne.Size{{Width: 800, Height: 540}, {Width: 640, Height: 480}} {
		win.Resize(size)
		s := f.ui.signIn
		where := func() []rect {
			win.Content().Refresh() // lays the screen out again, as a frame does
			return []rect{place(t, win, s.profile), place(t, win, s.pass), place(t, win, s.button)}
		}
		s.status.SetText("")
		quiet := where()
		f.signIn(t, "Wes", "wrong passphrase")
		if !s.status.Visible() || s.status.Text == "" {
			t.Fatalf("%v: no error after a wrong passphrase", size)
		}
		if got := where(); !slices.Equal(got, quiet) {
			t.Errorf("%v: the error moved the form: %v, before %v", size, got, quiet)
		}
		s.status.SetText("")
		if got := where(); !slices.Equal(got, quiet) {
			t.Errorf("%v: clearing the error moved the form: %v, before %v", size, got, quiet)
		}
	}
}
