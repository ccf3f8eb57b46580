package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// TestRecoverAdmin: an administrator who forgot the passphrase gets a new one without signing
// in, lock-out lifted; it is in the activity log, and every administrator is told once, at
// their next sign-in.
func TestRecoverAdmin(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	if _, err := a.AddUser(ctx, tm.admin, "ada", access.Admin, secret("ada passphrase 5"), secret("ada passphrase 5")); err != nil {
		t.Fatal(err)
	}
	for range access.FreeFailures + 1 { // root forgot it and is now locked out
		a.SignIn(ctx, "root", secret("a guess that is wrong"))
	}
	if _, err := a.SignIn(ctx, "root", secret(adminPass)); !errors.As(err, new(*access.LockedError)) {
		t.Fatalf("root after %d wrong guesses: got %v, want a lock-out", access.FreeFailures+1, err)
	}

	tm.clk.Advance(time.Minute)
	const fresh = "recovered passphrase 6"
	if err := a.RecoverAdmin(ctx, "root", secret(fresh), secret(fresh+"!")); !errors.Is(err, access.ErrMismatch) {
		t.Errorf("mismatched passphrases: got %v, want ErrMismatch", err)
	}
	if err := a.RecoverAdmin(ctx, "root", secret(fresh), secret(fresh)); err != nil {
		t.Fatalf("RecoverAdmin: %v", err)
	}
	e := lastEntries(t, a, 1)[0]
	if e.Action != string(access.LocalRecovery) || e.Outcome != store.OutcomeOK || e.Subject != "root" || !strings.Contains(e.Detail, "OS account") {
		t.Errorf("entry = %+v, want an ok user.local-recovery of root naming the OS account", e)
	}
	if _, err := a.SignIn(ctx, "root", secret(adminPass)); !errors.Is(err, access.ErrWrongPassphrase) || errors.As(err, new(*access.LockedError)) {
		t.Errorf("old passphrase after recovery: got %v, want ErrWrongPassphrase and no lock-out", err)
	}

	tm.clk.Advance(time.Second)

	// Told once, to each administrator; writers are not told.
	for _, tc := range []struct {
		name, pass string
		notices    int
	}{
		{"root", fresh, 1}, {"root", fresh, 0}, {"wendy", writerPass, 0}, {"ada", "ada passphrase 5", 1}, {"ada", "ada passphrase 5", 0},
	} {
		s, err := a.SignIn(ctx, tc.name, secret(tc.pass))
		if err != nil {
			t.Fatalf("SignIn %s: %v", tc.name, err)
		}
		if len(s.Notices) != tc.notices {
			t.Errorf("%s's notices: got %q, want %d", tc.name, s.Notices, tc.notices)
		}
		for _, n := range s.Notices {
			if !strings.Contains(n, "root") || !strings.Contains(n, "local recovery") {
				t.Errorf("notice %q: want it to name root and local recovery", n)
			}
		}
		tm.clk.Advance(time.Second)
	}
	// An administrator added after the recovery is not told of it.
	if _, err := a.AddUser(ctx, tm.signIn(t, "ada", "ada passphrase 5"), "later", access.Admin, secret("later passphrase 7"), secret("later passphrase 7")); err != nil {
		t.Fatal(err)
	}
	tm.clk.Advance(time.Second)
	if s := tm.signIn(t, "later", "later passphrase 7"); len(s.Notices) != 0 {
		t.Errorf("an administrator added after the recovery is told: %q", s.Notices)
	}
}

// TestRecoverAdminRefusals: only an existing, active administrator is recovered; each refusal
// is recorded and changes nothing.
func TestRecoverAdminRefusals(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	const fresh = "recovered passphrase 6"
	for _, tc := range []struct {
		name string
		want error
	}{
		{"wendy", ErrRecoveryNotAdmin}, {"nobody", access.ErrUnknownUser},
	} {
		if err := tm.app.RecoverAdmin(ctx, tc.name, secret(fresh), secret(fresh)); !errors.Is(err, tc.want) {
			t.Errorf("RecoverAdmin(%s) = %v, want %v", tc.name, err, tc.want)
		}
		if e := lastEntries(t, tm.app, 1)[0]; e.Action != string(access.LocalRecovery) || e.Outcome != store.OutcomeFailed || e.Subject != tc.name {
			t.Errorf("entry = %+v, want a failed user.local-recovery of %s", e, tc.name)
		}
	}
	tm.signIn(t, "wendy", writerPass)
}
