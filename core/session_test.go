package core

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
)

// A person at work without a core call (typing a long form) reports use through Used; the
// session stays open as long as they go on, and locks after the idle time once they stop.
func TestUsedKeepsTheSessionOpen(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	for range 10 { // 20 minutes of typing, no core call, with the default 15-minute lock
		tm.clk.Advance(2 * time.Minute)
		a.Used(tm.admin)
	}
	if _, err := a.Users(ctx, tm.admin); err != nil {
		t.Fatalf("Users after 20 minutes of use: %v, want nil", err)
	}
	if left, err := a.IdleLeft(ctx, tm.admin); err != nil || left != 15*time.Minute {
		t.Errorf("IdleLeft right after a call = %v, %v; want 15m", left, err)
	}

	tm.clk.Advance(16 * time.Minute)
	if _, err := a.IdleLeft(ctx, tm.admin); !errors.Is(err, access.ErrSessionLocked) {
		t.Fatalf("IdleLeft after 16 silent minutes: %v, want ErrSessionLocked", err)
	}
	a.Used(tm.admin) // too late: use after the lock does not reopen the session
	if _, err := a.Users(ctx, tm.admin); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Users after use that came too late: %v, want ErrSessionLocked", err)
	}
}

// Used decides by itself: use that comes after the idle time, before anyone asked core,
// does not revive the session.
func TestUsedAfterTheIdleTimeLocks(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	if err := tm.app.Touch(ctx, tm.writer); err != nil { // core has read the idle time
		t.Fatal(err)
	}
	tm.clk.Advance(15*time.Minute + time.Second)
	tm.app.Used(tm.writer)
	if err := tm.app.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Touch after late use: %v, want ErrSessionLocked", err)
	}
}

// Asking how long is left is not use: a ticker that asks must not keep the session open.
func TestIdleLeftIsNotUse(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	tm.clk.Advance(10 * time.Minute)
	if left, err := tm.app.IdleLeft(ctx, tm.writer); err != nil || left != 5*time.Minute {
		t.Fatalf("IdleLeft after 10 idle minutes = %v, %v; want 5m", left, err)
	}
	tm.clk.Advance(6 * time.Minute)
	if _, err := tm.app.IdleLeft(ctx, tm.writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("IdleLeft after 16 idle minutes: %v, want ErrSessionLocked", err)
	}
}

func TestUnlockReopensTheSameSession(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	tm.clk.Advance(16 * time.Minute)
	if err := a.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Fatalf("Touch after 16 idle minutes: %v, want ErrSessionLocked", err)
	}
	if err := a.Unlock(ctx, tm.writer, secret(adminPass)); !errors.Is(err, access.ErrWrongPassphrase) {
		t.Errorf("Unlock with another user's passphrase: %v, want ErrWrongPassphrase", err)
	}
	if err := a.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Touch after a wrong passphrase: %v, want still ErrSessionLocked", err)
	}
	if err := a.Unlock(ctx, tm.writer, secret(writerPass)); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if _, err := a.Sources(ctx, tm.writer, SourceFilter{}); err != nil {
		t.Errorf("Sources with the unlocked session: %v", err)
	}
	e := lastEntries(t, a, 2)
	if e[1].Action != string(access.SignIn) || e[1].Outcome != "failed" || e[0].Action != string(access.SignIn) ||
		e[0].Outcome != "ok" || e[0].Detail != "unlocked a locked session" || e[0].Actor != "wendy" {
		t.Errorf("activity = %+v, %+v; want wendy's failed sign-in, then the unlock", e[1], e[0])
	}
	// The right passphrase cleared the count of wrong ones, as a sign-in does.
	if n := tm.user(t, "wendy").FailedSignIns; n != 0 {
		t.Errorf("failed sign-ins after the unlock = %d, want 0", n)
	}
}

// Unlock counts wrong passphrases with sign-in's lock-out: guessing through the lock screen
// is no easier than through sign-in.
func TestUnlockCountsTowardsTheLockOut(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	a.Lock(tm.writer)
	for i := range access.FreeFailures {
		if err := a.Unlock(ctx, tm.writer, secret("guess "+string(rune('a'+i)))); !errors.Is(err, access.ErrWrongPassphrase) {
			t.Fatalf("guess %d: %v, want ErrWrongPassphrase", i+1, err)
		}
	}
	if err := a.Unlock(ctx, tm.writer, secret(writerPass)); !errors.As(err, new(*access.LockedError)) {
		t.Errorf("Unlock with the right passphrase during the lock-out: %v, want a LockedError", err)
	}
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); !errors.As(err, new(*access.LockedError)) {
		t.Errorf("SignIn during the lock-out the unlock guesses caused: %v, want a LockedError", err)
	}
	tm.clk.Advance(access.FirstDelay)
	if err := a.Unlock(ctx, tm.writer, secret(writerPass)); err != nil {
		t.Errorf("Unlock after the wait: %v", err)
	}
}

func TestUnlockRefusesAnEndedSession(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	a.SignOut(ctx, tm.read)
	if err := a.Unlock(ctx, tm.read, secret(readerPass)); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Unlock of a signed-out session: %v, want ErrSessionEnded", err)
	}
	a.Lock(tm.writer)
	if err := a.DisableUser(ctx, tm.admin, tm.user(t, "wendy").ID); err != nil {
		t.Fatal(err)
	}
	err := a.Unlock(ctx, tm.writer, secret(writerPass))
	if !errors.Is(err, access.ErrSessionEnded) || !errors.Is(err, access.ErrDisabled) {
		t.Errorf("Unlock of a disabled user's session: %v, want ErrSessionEnded and ErrDisabled", err)
	}
}
