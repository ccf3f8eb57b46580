package core

import (
	"context"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// Settings are the workspace settings an admin changes.
type Settings struct {
	// IdleLock is how long a signed-in session may stay idle before it locks.
	IdleLock time.Duration
	// KeepAlive says whether Maintain refreshes refresh tokens before they expire unused.
	KeepAlive bool
	// WhenClosed says whether a schedule of the system's runs the upkeep while the app is
	// closed (SetKeepAliveWhenClosed); Schedule names that schedule as the system shows it.
	WhenClosed bool
	Schedule   string
}

// Settings returns the workspace's settings; any signed-in user may read them.
func (a *App) Settings(ctx context.Context, s *access.Session) (Settings, error) {
	if _, err := a.session(ctx, s); err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	job := a.upkeepJob()
	installed, err := a.scheduler.Installed(ctx, job)
	if err != nil {
		return Settings{}, fmt.Errorf("read settings: %w", err)
	}
	return Settings{IdleLock: ws.IdleLock, KeepAlive: ws.KeepAlive, WhenClosed: installed, Schedule: a.scheduler.Where(job)}, nil
}

// SetKeepAlive turns keep-alive on or off (admin only): whether Maintain refreshes refresh
// tokens before the provider drops them for being unused. Off also removes the schedule that
// ran it while the app was closed.
func (a *App) SetKeepAlive(ctx context.Context, s *access.Session, on bool) error {
	const subject = "keep-alive"
	u, err := a.authorize(ctx, s, access.SettingsChange, subject, false)
	if err != nil {
		return err
	}
	if installed, _ := a.scheduler.Installed(ctx, a.upkeepJob()); !on && installed {
		if _, err := a.SetKeepAliveWhenClosed(ctx, s, false); err != nil {
			return err
		}
	}
	if ws, err := store.ReadWorkspace(ctx, a.db); err == nil && ws.KeepAlive == on {
		return nil // unchanged: the form saves every setting at once, the log keeps changes only
	}
	// store.SetKeepAlive runs on its own, not in a transaction of ours, so the entry follows it.
	if err := store.SetKeepAlive(ctx, a.db, on); err != nil {
		return fmt.Errorf("set keep-alive: %w", err)
	}
	detail := "turned off"
	if on {
		detail = "turned on"
	}
	a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeOK, detail)
	return nil
}
