package core

// Core is the one owner of idleness: a session's last use and the lock decision live here,
// under the injected clock, and front ends only report use (Used) and ask (IdleLeft). A lock
// keeps the session, so that its user can Unlock it and go on where they were.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// session checks that s is live and counts this call as use of it.
func (a *App) session(ctx context.Context, s *access.Session) (store.User, error) {
	u, _, err := a.live(ctx, s, true)
	return u, err
}

// live checks that s is one that sign-in handed out, is not locked nor idle for longer than
// the workspace's idle-lock time, and that its user still exists and is active. With use, the
// call counts as use of s. It returns the user as stored now and the time left before the
// idle lock.
func (a *App) live(ctx context.Context, s *access.Session, use bool) (store.User, time.Duration, error) {
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return store.User{}, 0, err
	}
	now := a.now()
	a.mu.Lock()
	a.idleLock = ws.IdleLock // for Used, which reads nothing
	st, ok := a.sessions[s]
	if err := a.usable(st, ok, now); err != nil {
		a.mu.Unlock()
		return store.User{}, 0, err
	}
	a.mu.Unlock()

	u, err := store.UserByID(ctx, a.db, s.UserID)
	if errors.Is(err, store.ErrNotFound) {
		a.endSession(s)
		return store.User{}, 0, access.ErrSessionEnded
	}
	if err != nil {
		return store.User{}, 0, err
	}
	if u.Disabled {
		a.endSession(s)
		return store.User{}, 0, fmt.Errorf("%w: %w", access.ErrSessionEnded, access.ErrDisabled)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if st.locked { // Lock ran while the user was read
		return store.User{}, 0, access.ErrSessionLocked
	}
	if use && st.lastUse.Before(now) {
		st.lastUse = now
	}
	return u, ws.IdleLock - now.Sub(st.lastUse), nil
}

// usable tells whether the session st (ok: found) may be used at now, and locks it for good
// once it has been idle for longer than the idle-lock time: use after that does not revive it.
// The caller holds a.mu.
func (a *App) usable(st *sessionState, ok bool, now time.Time) error {
	switch {
	case !ok:
		return access.ErrSessionEnded
	case st.locked:
		return access.ErrSessionLocked
	case a.idleLock > 0 && now.Sub(st.lastUse) > a.idleLock:
		st.locked = true
		return access.ErrSessionLocked
	}
	return nil
}

func (a *App) startSession(u store.User, now time.Time) *access.Session {
	s := &access.Session{UserID: u.ID, Name: u.Name, Privilege: u.Privilege, SignedInAt: now}
	a.mu.Lock()
	a.sessions[s] = &sessionState{lastUse: now}
	a.mu.Unlock()
	return s
}

func (a *App) endSession(s *access.Session) {
	a.mu.Lock()
	delete(a.sessions, s)
	a.mu.Unlock()
}

// SignOut ends the session; core refuses it from then on with access.ErrSessionEnded.
func (a *App) SignOut(ctx context.Context, s *access.Session) {
	a.mu.Lock()
	_, ok := a.sessions[s]
	delete(a.sessions, s)
	a.mu.Unlock()
	if ok {
		a.note(ctx, s.Name, access.SignOut, s.Name, store.OutcomeOK, "")
	}
}

// Lock locks the session at once, as the idle lock would: core refuses it with
// access.ErrSessionLocked until its user unlocks it.
func (a *App) Lock(s *access.Session) {
	a.mu.Lock()
	if st, ok := a.sessions[s]; ok {
		st.locked = true
	}
	a.mu.Unlock()
}

// Unlock opens a locked session again when its user gives their passphrase, so that a front
// end can go on where the lock stopped it. The passphrase is checked exactly as SignIn checks
// it, lock-out included. A session that has ended (signed out, user deleted or disabled) is
// refused with access.ErrSessionEnded: sign in instead.
func (a *App) Unlock(ctx context.Context, s *access.Session, pass redact.Secret) error {
	a.signInMu.Lock()
	defer a.signInMu.Unlock()

	a.mu.Lock()
	_, ok := a.sessions[s]
	a.mu.Unlock()
	if !ok {
		return fmt.Errorf("unlock: %w", access.ErrSessionEnded)
	}
	now := a.now()
	u, err := store.UserByID(ctx, a.db, s.UserID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.endSession(s)
		return fmt.Errorf("unlock: %w", access.ErrSessionEnded)
	case err != nil:
		return fmt.Errorf("unlock: %w", err)
	case u.Disabled:
		a.endSession(s)
		return fmt.Errorf("unlock: %w: %w", access.ErrSessionEnded, access.ErrDisabled)
	}
	if err := a.checkSignIn(ctx, u, pass, now, "unlocked a locked session"); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	st, ok := a.sessions[s]
	if !ok { // signed out while the passphrase was checked
		return fmt.Errorf("unlock: %w", access.ErrSessionEnded)
	}
	st.locked, st.lastUse = false, now
	return nil
}

// Touch counts as use of the session, postponing its idle lock, and reports whether it is
// still usable: access.ErrSessionLocked, access.ErrSessionEnded (with access.ErrDisabled when
// the user was disabled) otherwise.
func (a *App) Touch(ctx context.Context, s *access.Session) error {
	_, err := a.session(ctx, s)
	return err
}

// Used counts as use of the session, postponing its idle lock, as any call of a use-case does.
// A front end calls it on every key, tap and text change in its window; it reads and writes
// nothing but memory, so it is cheap enough for that. A session already locked, or idle for
// longer than the idle-lock time, stays locked.
func (a *App) Used(s *access.Session) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	st, ok := a.sessions[s]
	if a.usable(st, ok, now) == nil && st.lastUse.Before(now) {
		st.lastUse = now
	}
}

// IdleLeft returns how long the session may stay idle before it locks, without counting as
// use. A front end asks it on a ticker to know when to show its lock screen; the errors are
// Touch's.
func (a *App) IdleLeft(ctx context.Context, s *access.Session) (time.Duration, error) {
	_, left, err := a.live(ctx, s, false)
	return left, err
}
