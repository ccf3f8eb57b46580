package core

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/internal/testkit"
)

// cheapHash keeps the suite fast; core/access checks the real parameters.
var cheapHash = access.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestMain(m *testing.M) {
	access.HashParams = cheapHash
	transfer.WorkFactor = 10 // scrypt at age's default takes a second per file
	if mode := os.Getenv(childModeEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

// clock is the tests' time: it moves only when told.
type clock = testkit.Clock

func newClock() *clock { return testkit.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)) }

func secret(s string) redact.Secret { return redact.NewSecret(s) }

// openApp opens a workspace in home with the given clock and closes it when the test ends.
func openApp(t *testing.T, home string, clk *clock) *App {
	t.Helper()
	a, err := Open(context.Background(), Config{Home: home, Now: clk.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// team is a workspace with one user of each kind, signed in, plus a disabled one.
type team struct {
	app                 *App
	clk                 *clock
	home                string
	admin, writer, read *access.Session
	disabledID          int64
}

const (
	adminPass  = "admin passphrase 1"
	writerPass = "writer passphrase 2"
	readerPass = "reader passphrase 3"
)

func newTeam(t *testing.T) *team {
	t.Helper()
	ctx := context.Background()
	tm := &team{clk: newClock(), home: filepath.Join(t.TempDir(), "ws")}
	tm.app = openApp(t, tm.home, tm.clk)
	var err error
	if tm.admin, err = tm.app.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass)); err != nil {
		t.Fatalf("CreateFirstAdmin: %v", err)
	}
	add := func(name string, p access.Privilege, pass string) int64 {
		id, err := tm.app.AddUser(ctx, tm.admin, name, p, secret(pass), secret(pass))
		if err != nil {
			t.Fatalf("AddUser %s: %v", name, err)
		}
		return id
	}
	add("wendy", access.Write, writerPass)
	add("rita", access.Read, readerPass)
	tm.disabledID = add("dora", access.Write, "dora passphrase 4")
	if err := tm.app.DisableUser(ctx, tm.admin, tm.disabledID); err != nil {
		t.Fatalf("DisableUser: %v", err)
	}
	tm.writer = tm.signIn(t, "wendy", writerPass)
	tm.read = tm.signIn(t, "rita", readerPass)
	return tm
}

func (tm *team) signIn(t *testing.T, name, pass string) *access.Session {
	t.Helper()
	s, err := tm.app.SignIn(context.Background(), name, secret(pass))
	if err != nil {
		t.Fatalf("SignIn %s: %v", name, err)
	}
	return s
}

func (tm *team) user(t *testing.T, name string) store.User {
	t.Helper()
	u, err := store.UserByName(context.Background(), tm.app.db, name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return u
}

// lastEntries returns the newest n activity entries, newest first.
func lastEntries(t *testing.T, a *App, n int) []store.Entry {
	t.Helper()
	page, err := store.Activity(context.Background(), a.db, store.ActivityFilter{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func countActivity(t *testing.T, a *App) int {
	t.Helper()
	var n int
	if err := a.db.QueryRow("SELECT count(*) FROM activity").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenCreatesPrivateHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "a", "ws")
	a := openApp(t, home, newClock())
	st, err := os.Stat(home)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o700 {
		t.Errorf("home mode = %v, want 0700", got)
	}
	if _, err := os.Stat(filepath.Join(home, DBFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	id := a.WorkspaceID()
	if len(id) < 20 {
		t.Errorf("WorkspaceID = %q, want a random id", id)
	}
	a.Close()
	if again := openApp(t, home, newClock()).WorkspaceID(); again != id {
		t.Errorf("WorkspaceID after reopening = %q, want %q", again, id)
	}
}

func TestOpenNeedsHome(t *testing.T) {
	if _, err := Open(context.Background(), Config{}); err == nil {
		t.Fatal("Open without Home succeeded")
	}
}

func TestIdleLock(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	tm.clk.Advance(15 * time.Minute) // exactly the default: still open
	if err := a.Touch(ctx, tm.admin); err != nil {
		t.Fatalf("Touch after 15 min: %v, want nil", err)
	}
	tm.clk.Advance(15*time.Minute + time.Millisecond)
	before := countActivity(t, a)
	if _, err := a.Users(ctx, tm.admin); !errors.Is(err, access.ErrSessionLocked) {
		t.Fatalf("Users after 15 min idle: %v, want ErrSessionLocked", err)
	}
	if err := a.Touch(ctx, tm.admin); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Touch of a locked session: %v, want ErrSessionLocked", err)
	}
	if got := countActivity(t, a); got != before {
		t.Errorf("activity rows %d → %d: a locked session is not a privilege refusal", before, got)
	}

	admin := tm.signIn(t, "root", adminPass)
	if err := a.SetIdleLock(ctx, admin, 5*time.Minute); err != nil {
		t.Fatalf("SetIdleLock: %v", err)
	}
	for _, d := range []time.Duration{0, 59 * time.Second, 25 * time.Hour} {
		if err := a.SetIdleLock(ctx, admin, d); !errors.Is(err, ErrIdleLockRange) {
			t.Errorf("SetIdleLock(%v) = %v, want ErrIdleLockRange", d, err)
		}
	}
	if d, err := a.IdleLock(ctx, admin); err != nil || d != 5*time.Minute {
		t.Errorf("IdleLock = %v, %v; want 5m", d, err)
	}
	writer := tm.signIn(t, "wendy", writerPass)
	tm.clk.Advance(4 * time.Minute)
	if err := a.Touch(ctx, writer); err != nil {
		t.Fatalf("Touch after 4 min: %v", err)
	}
	tm.clk.Advance(4 * time.Minute) // 8 min since sign-in, 4 since last use
	if err := a.Touch(ctx, writer); err != nil {
		t.Fatalf("Touch 4 min after the last use: %v", err)
	}
	tm.clk.Advance(5*time.Minute + time.Second)
	if err := a.Touch(ctx, writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Touch after 5 min idle with a 5 min lock: %v, want ErrSessionLocked", err)
	}

}

func TestLockAndSignOut(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	a.Lock(tm.writer)
	if err := a.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("Touch after Lock: %v, want ErrSessionLocked", err)
	}
	a.SignOut(ctx, tm.admin)
	if _, err := a.Users(ctx, tm.admin); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Users after SignOut: %v, want ErrSessionEnded", err)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.SignOut) || e.Actor != "root" {
		t.Errorf("last entry = %+v, want root's signout", e)
	}
	// A session that sign-in did not hand out is refused even with the right fields.
	forged := &access.Session{UserID: tm.user(t, "root").ID, Name: "root", Privilege: access.Admin}
	if _, err := a.Users(ctx, forged); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Users with a forged session: %v, want ErrSessionEnded", err)
	}
	if _, err := a.Users(ctx, nil); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("Users with nil session: %v, want ErrSessionEnded", err)
	}
}

func TestDisabledUsersSessionIsRefused(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	wendy := tm.user(t, "wendy")

	if err := a.DisableUser(ctx, tm.admin, wendy.ID); err != nil {
		t.Fatal(err)
	}
	err := a.ChangeOwnPassphrase(ctx, tm.writer, secret(writerPass), secret("a new passphrase"), secret("a new passphrase"))
	if !errors.Is(err, access.ErrDisabled) || !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("disabled user's session: %v, want ErrSessionEnded and ErrDisabled", err)
	}
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); !errors.Is(err, access.ErrDisabled) {
		t.Errorf("SignIn of a disabled user: %v, want ErrDisabled", err)
	}
	if err := a.EnableUser(ctx, tm.admin, wendy.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("old session after re-enabling: %v, want ErrSessionEnded", err)
	}
	tm.signIn(t, "wendy", writerPass)
}

func TestDemotionTakesEffectAtOnce(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	if _, err := a.AddUser(ctx, tm.admin, "ada", access.Admin, secret("ada passphrase 5"), secret("ada passphrase 5")); err != nil {
		t.Fatal(err)
	}
	ada := tm.signIn(t, "ada", "ada passphrase 5")
	if _, err := a.Users(ctx, ada); err != nil {
		t.Fatalf("Users as admin: %v", err)
	}
	if err := a.SetPrivilege(ctx, tm.admin, tm.user(t, "ada").ID, access.Read); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Users(ctx, ada); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("Users by a demoted admin's old session: %v, want ErrForbidden", err)
	}
}

// Both front ends open a workspace through OpenWorkspace: the folder from the flag, else the
// environment; its log records the opening; Close closes the log with the database.
func TestOpenWorkspace(t *testing.T) {
	ctx := context.Background()
	env := t.TempDir()
	t.Setenv(HomeEnv, env)
	flagged := filepath.Join(t.TempDir(), "ws")
	for _, c := range []struct{ flag, want string }{{"", env}, {flagged, flagged}} {
		a, err := OpenWorkspace(ctx, c.flag, false)
		if err != nil {
			t.Fatalf("OpenWorkspace(%q): %v", c.flag, err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := a.logFile.(*os.File).Close(); err == nil {
			t.Errorf("the log of %s was still open after Close", c.want)
		}
		log, err := os.ReadFile(filepath.Join(c.want, LogFile))
		if err != nil || !strings.Contains(string(log), "msg=opened") {
			t.Errorf("log in %s = %q, %v; want the opening recorded", c.want, log, err)
		}
		if _, err := os.Stat(filepath.Join(c.want, DBFile)); err != nil {
			t.Errorf("no database in %s: %v", c.want, err)
		}
	}
}
