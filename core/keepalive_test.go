package core

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/schedule"
	"github.com/medialake/connect/core/store"
)

// scheduledWorkspace opens an offline workspace whose schedule is real systemd user units,
// written to a folder of the test's own and handled by the real systemctl on the files alone
// (SYSTEMD_OFFLINE), never by the user instance of the person running the test. It returns
// the folder of user units.
func scheduledWorkspace(t *testing.T, clk *clock) (*App, *access.Session, string) {
	t.Helper()
	if _, err := exec.LookPath("systemctl"); err != nil {
		t.Fatalf("systemctl is needed (Debian package systemd): %v", err)
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("SYSTEMD_OFFLINE", "1")
	prog, err := exec.LookPath("true") // a program outside the temporary folder, as an installed app is
	if err != nil {
		t.Fatal(err)
	}
	a, admin := offlineApp(t, clk)
	a.scheduler = schedule.New(schedule.Config{OS: "linux", Program: prog})
	return a, admin, filepath.Join(cfg, "systemd", "user")
}

func TestKeepAliveWhenClosed(t *testing.T) {
	ctx := context.Background()
	a, admin, units := scheduledWorkspace(t, newClock())
	if err := a.SetKeepAlive(ctx, admin, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddUser(ctx, admin, "wendy", access.Write, secret(writerPass), secret(writerPass)); err != nil {
		t.Fatal(err)
	}
	writer, err := a.SignIn(ctx, "wendy", secret(writerPass))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetKeepAliveWhenClosed(ctx, writer, true); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("a writer's SetKeepAliveWhenClosed = %v, want ErrForbidden", err)
	}
	if left, _ := filepath.Glob(filepath.Join(units, "*")); len(left) > 0 {
		t.Fatalf("a refused request wrote %v", left)
	}

	if _, err := a.SetKeepAliveWhenClosed(ctx, admin, true); err != nil {
		t.Fatalf("SetKeepAliveWhenClosed(on): %v", err)
	}
	set, err := a.Settings(ctx, admin)
	if err != nil || !set.WhenClosed || !set.KeepAlive {
		t.Fatalf("Settings = %+v, %v; want keep-alive on, and on when closed", set, err)
	}
	job := a.upkeepJob()
	unit, err := os.ReadFile(filepath.Join(units, job.Name+".service"))
	if err != nil {
		t.Fatal(err)
	}
	home, _ := filepath.Abs(a.home)
	if !strings.Contains(string(unit), `"--home" "`+home+`" "sources" "maintain"`) {
		t.Errorf("the service does not run this workspace's upkeep:\n%s", unit)
	}
	e := lastEntries(t, a, 1)[0]
	if e.Actor != "root" || e.Subject != "keep-alive when closed" || e.Detail != "installed the systemd user timer "+job.Name+".timer, every day" {
		t.Errorf("entry = %+v, want root installing the timer", e)
	}

	// Keep-alive off takes the schedule with it.
	if err := a.SetKeepAlive(ctx, admin, false); err != nil {
		t.Fatal(err)
	}
	if set, _ := a.Settings(ctx, admin); set.WhenClosed || set.KeepAlive {
		t.Errorf("Settings after keep-alive off = %+v, want both off", set)
	}
	if left, _ := filepath.Glob(filepath.Join(units, job.Name+"*")); len(left) > 0 {
		t.Errorf("keep-alive off left %v", left)
	}
}

// A schedule the system refuses is an error, recorded, and changes nothing.
func TestKeepAliveWhenClosedRefused(t *testing.T) {
	ctx := context.Background()
	a, admin, _ := scheduledWorkspace(t, newClock())
	a.scheduler = schedule.New(schedule.Config{OS: "linux", Program: filepath.Join(os.TempDir(), "go-build1", "exe", "medialake-connect")})
	_, err := a.SetKeepAliveWhenClosed(ctx, admin, true)
	if !errors.Is(err, schedule.ErrProgram) {
		t.Fatalf("SetKeepAliveWhenClosed from a temporary build = %v, want schedule.ErrProgram", err)
	}
	if e := lastEntries(t, a, 1)[0]; e.Outcome != store.OutcomeFailed || !strings.Contains(e.Detail, "temporary folder") {
		t.Errorf("entry = %+v, want the failure with its reason", e)
	}
	if set, _ := a.Settings(ctx, admin); set.WhenClosed {
		t.Error("Settings says the schedule is installed")
	}
}

// The sources list says what keeps a Box source alive: the app alone, or the schedule too; and
// it notices a timer that a person disabled outside the app.
func TestRenewalFollowsTheSchedule(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	a, admin, _ := scheduledWorkspace(t, clk)
	now := clk.Now()
	box := store.Integration{ID: "box", Provider: "box", Name: "Box", ClientID: "c", SecretSetAt: now, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := store.PutIntegration(ctx, a.db, box); err != nil {
		t.Fatal(err)
	}
	root, err := store.UserByName(ctx, a.db, "root")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.InsertSource(ctx, a.db, store.Source{IntegrationID: "box", OwnerID: root.ID, Account: "a@example.com",
		AccountSubject: "1", Status: StatusConnected, LastRefreshAt: now, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	renewal := func() Renewal {
		t.Helper()
		list, err := a.Sources(ctx, admin, SourceFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("Sources = %v, %v", list, err)
		}
		return list[0].Renewal
	}
	dies := now.Add(60 * 24 * time.Hour)
	if got := renewal(); got.Kind != RenewsWhileOpen || !got.By.Equal(dies) {
		t.Errorf("keep-alive on, no schedule: %+v, want renews while open, dies %v", got, dies)
	}
	if _, err := a.SetKeepAliveWhenClosed(ctx, admin, true); err != nil {
		t.Fatal(err)
	}
	if got := renewal(); got.Kind != RenewsAutomatically {
		t.Errorf("with the schedule: %+v, want renews automatically", got)
	}
	// Disabled by hand: the database does not change, the list still notices.
	if out, err := exec.Command("systemctl", "--user", "disable", a.upkeepJob().Name+".timer").CombinedOutput(); err != nil {
		t.Fatalf("systemctl --user disable: %v\n%s", err, out)
	}
	if got := renewal(); got.Kind != RenewsWhileOpen {
		t.Errorf("after the timer was disabled outside the app: %+v, want renews while open", got)
	}
}

// The settings form saves every setting at once; the activity log keeps the changes only.
func TestSettingsLogChangesOnly(t *testing.T) {
	ctx := context.Background()
	a, admin := offlineApp(t, newClock())
	n := countActivity(t, a)
	if err := a.SetIdleLock(ctx, admin, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := a.SetKeepAlive(ctx, admin, true); err != nil {
		t.Fatal(err)
	}
	if got := countActivity(t, a) - n; got != 0 {
		t.Errorf("saving the settings as they are wrote %d entries, want none", got)
	}
	if err := a.SetIdleLock(ctx, admin, 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	if e := lastEntries(t, a, 1)[0]; e.Subject != "idle lock" || e.Detail != "set to 30 minutes" {
		t.Errorf("entry = %+v, want the idle lock set to 30 minutes", e)
	}
}

// stuckScheduler is a system scheduler that never answers, as a stuck Task Scheduler service.
type stuckScheduler struct{ Scheduler }

func (stuckScheduler) Installed(ctx context.Context, _ ScheduleJob) (bool, error) {
	<-ctx.Done()
	return false, ctx.Err()
}

func (stuckScheduler) Where(ScheduleJob) string { return "a stuck scheduler" }

// The sources list asks whether the schedule is installed, to word each renewal; a scheduler
// that never answers costs it a few seconds, not the command.
func TestSourcesDoNotWaitForTheScheduler(t *testing.T) {
	a, admin := offlineApp(t, newClock())
	a.scheduler = stuckScheduler{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := a.Sources(ctx, admin, SourceFilter{}); err != nil {
		t.Fatalf("Sources: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Sources waited %s for the scheduler, want a few seconds at most", took.Round(time.Second))
	}
}
