package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// session checks that s is live and counts this call as use of it.
func (a *App) session(ctx context.Context, s *access.Session) (store.User, error) {
	ws, err := a.db.Workspace(ctx)
	if err != nil {
		return store.User{}, err
	}
	now := a.now()
	a.mu.Lock()
	st, ok := a.sessions[s]
	switch {
	case !ok:
		a.mu.Unlock()
		return store.User{}, access.ErrSessionEnded
	case st.locked || now.Sub(st.lastUse) > ws.IdleLock:
		st.locked = true
		a.mu.Unlock()
		return store.User{}, access.ErrSessionLocked
	}
	a.mu.Unlock()

	u, err := store.UserByID(ctx, a.db, s.UserID)
	if errors.Is(err, store.ErrNotFound) {
		a.endSession(s)
		return store.User{}, access.ErrSessionEnded
	}
	if err != nil {
		return store.User{}, err
	}
	if u.Disabled {
		a.endSession(s)
		return store.User{}, fmt.Errorf("%w: %w", access.ErrSessionEnded, access.ErrDisabled)
	}
	a.mu.Lock()
	if st.lastUse.Before(now) {
		st.lastUse = now
	}
	a.mu.Unlock()
	return u, nil
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
// access.ErrSessionLocked, and the user signs in again.
func (a *App) Lock(s *access.Session) {
	a.mu.Lock()
	if st, ok := a.sessions[s]; ok {
		st.locked = true
	}
	a.mu.Unlock()
}

// Touch counts as use of the session, postponing its idle lock, and reports whether it is
// still usable: access.ErrSessionLocked, access.ErrSessionEnded (with access.ErrDisabled when
// the user was disabled) otherwise.
func (a *App) Touch(ctx context.Context, s *access.Session) error {
	_, err := a.session(ctx, s)
	return err
}
