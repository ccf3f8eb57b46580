package core

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/schedule"
	"github.com/medialake/connect/core/store"
)

// Scheduler installs, finds and removes the per-user schedule of the workspace's upkeep;
// *schedule.Scheduler satisfies it.
type Scheduler interface {
	Install(ctx context.Context, job ScheduleJob) (note string, err error)
	Remove(ctx context.Context, job ScheduleJob) error
	Installed(ctx context.Context, job ScheduleJob) (bool, error)
	Where(job ScheduleJob) string
}

// UpkeepEvery is how often the installed schedule runs the upkeep while the app is closed.
const UpkeepEvery = schedule.Every

// upkeepJob is this workspace's schedule: named after the workspace's id, so that two
// workspaces of one person have two.
func (a *App) upkeepJob() schedule.Job {
	home, err := filepath.Abs(a.home)
	if err != nil {
		home = a.home
	}
	return schedule.Job{Name: "medialake-connect-upkeep-" + strings.ToLower(a.workspaceID), Home: home}
}

// upkeepPlan is what keeps a source's refresh token alive: keep-alive on, and whether a
// schedule runs it while the app is closed.
type upkeepPlan struct {
	keepAlive, scheduled bool
}

// scheduleQueryTimeout bounds scheduled: the sources list and a finished sign-in ask it only
// to word each source's renewal, and must not wait on a slow scheduler. Found under Wine: its
// schtasks took 10 to 15 s to answer each query (so every sources list, and connect after
// "Signed in as", stood still that long), and a scheduler service that never answers would
// have held them for ever.
const scheduleQueryTimeout = 3 * time.Second

// scheduled reports whether the upkeep's schedule is installed; an error reading it, or no
// answer within scheduleQueryTimeout, counts as not, which only makes the sources list warn.
func (a *App) scheduled(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, scheduleQueryTimeout)
	defer cancel()
	ok, _ := a.scheduler.Installed(ctx, a.upkeepJob())
	return ok
}

// SetKeepAliveWhenClosed installs (on) or removes (off) the schedule that runs the upkeep
// daily while the app is closed, admin only; on also turns keep-alive on, which the schedule
// is for. note, when not empty, is something the admin should know (the timer starts at the
// next login, say). A refusal of the system's scheduler changes nothing.
func (a *App) SetKeepAliveWhenClosed(ctx context.Context, s *access.Session, on bool) (note string, err error) {
	const subject = "keep-alive when closed"
	u, err := a.authorize(ctx, s, access.SettingsChange, subject, false)
	if err != nil {
		return "", err
	}
	job := a.upkeepJob()
	where := a.scheduler.Where(job)
	if !on {
		if err := a.scheduler.Remove(ctx, job); err != nil {
			a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeFailed, "remove "+where+": "+err.Error())
			return "", fmt.Errorf("remove the upkeep's schedule: %w", err)
		}
		a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeOK, "removed "+where)
		return "", nil
	}
	if err := store.SetKeepAlive(ctx, a.db, true); err != nil {
		return "", fmt.Errorf("set keep-alive: %w", err)
	}
	note, err = a.scheduler.Install(ctx, job)
	if err != nil {
		a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeFailed, "install "+where+": "+err.Error())
		return "", fmt.Errorf("install the upkeep's schedule: %w", err)
	}
	a.note(ctx, u.Name, access.SettingsChange, subject, store.OutcomeOK,
		fmt.Sprintf("installed %s, every %s", where, everyWords(UpkeepEvery)))
	return note, nil
}

func everyWords(d time.Duration) string {
	if d == 24*time.Hour {
		return "day"
	}
	return d.String()
}
