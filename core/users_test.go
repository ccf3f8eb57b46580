package core

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// snapshot is everything the user use-cases could change, but the activity log.
type snapshot struct {
	Users    []store.User
	Sources  map[int64]int
	IdleLock time.Duration
}

func takeSnapshot(t *testing.T, a *App) snapshot {
	t.Helper()
	ctx := context.Background()
	users, err := store.Users(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := store.SourceCounts(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{users, counts, ws.IdleLock}
}

// TestPrivilegeMatrix calls every admin use-case with a read and a write session: each is
// refused with ErrForbidden, changes nothing, and leaves exactly one "denied" entry.
func TestPrivilegeMatrix(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	rootID := tm.user(t, "root").ID
	p := secret("another passphrase")

	useCases := []struct {
		action access.Action
		call   func(s *access.Session) error
	}{
		{access.UserList, func(s *access.Session) error { _, err := a.Users(ctx, s); return err }},
		{access.UserAdd, func(s *access.Session) error { _, err := a.AddUser(ctx, s, "newbie", access.Admin, p, p); return err }},
		{access.UserSetPrivilege, func(s *access.Session) error { return a.SetPrivilege(ctx, s, rootID, access.Read) }},
		{access.UserResetPassphrase, func(s *access.Session) error { return a.ResetPassphrase(ctx, s, rootID, p, p) }},
		{access.UserDisable, func(s *access.Session) error { return a.DisableUser(ctx, s, rootID) }},
		{access.UserEnable, func(s *access.Session) error { return a.EnableUser(ctx, s, tm.disabledID) }},
		{access.UserDelete, func(s *access.Session) error { return a.DeleteUser(ctx, s, rootID, SourcePolicy{}) }},
		{access.SettingsChange, func(s *access.Session) error { return a.SetIdleLock(ctx, s, time.Hour) }},
		{access.ActivityRead, func(s *access.Session) error { _, err := a.Activity(ctx, s, ActivityFilter{}); return err }},
		{access.ActivityExport, func(s *access.Session) error {
			var buf bytes.Buffer
			err := a.ExportActivityCSV(ctx, s, &buf, ActivityFilter{})
			if err != nil && buf.Len() > 0 {
				t.Errorf("refused export wrote %d bytes", buf.Len())
			}
			return err
		}},
	}
	for _, who := range []struct {
		name string
		s    *access.Session
	}{{"rita", tm.read}, {"wendy", tm.writer}} {
		for _, uc := range useCases {
			t.Run(who.name+"/"+string(uc.action), func(t *testing.T) {
				before, rows := takeSnapshot(t, a), countActivity(t, a)
				err := uc.call(who.s)
				if !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("got %v, want ErrForbidden", err)
				}
				if after := takeSnapshot(t, a); !reflect.DeepEqual(after, before) {
					t.Errorf("state changed:\n got %+v\nwant %+v", after, before)
				}
				if got := countActivity(t, a) - rows; got != 1 {
					t.Fatalf("%d new activity entries, want 1", got)
				}
				e := lastEntries(t, a, 1)[0]
				if e.Actor != who.name || e.Action != string(uc.action) || e.Outcome != store.OutcomeDenied {
					t.Errorf("entry = %+v, want actor %s, action %s, outcome denied", e, who.name, uc.action)
				}
			})
		}
	}
	// The same calls by the admin go through, which shows the refusals came from the privilege.
	for _, uc := range useCases {
		if uc.action == access.UserDelete || uc.action == access.UserDisable || uc.action == access.UserSetPrivilege {
			continue // refused for the last admin; see TestLastAdmin
		}
		if err := uc.call(tm.admin); err != nil {
			t.Errorf("admin %s: %v", uc.action, err)
		}
	}
}

func TestFirstAdmin(t *testing.T) {
	ctx := context.Background()
	a := openApp(t, t.TempDir(), newClock())
	if need, err := a.NeedsFirstAdmin(ctx); err != nil || !need {
		t.Fatalf("NeedsFirstAdmin on an empty workspace = %v, %v; want true", need, err)
	}
	for _, tc := range []struct {
		name, pass, confirm string
		want                error
	}{
		{"   ", "long enough pass", "long enough pass", access.ErrBadName},
		{"root", "short", "short", access.ErrTooShort},
		{"root", "long enough pass", "long enough pasS", access.ErrMismatch},
	} {
		if _, err := a.CreateFirstAdmin(ctx, tc.name, secret(tc.pass), secret(tc.confirm)); !errors.Is(err, tc.want) {
			t.Errorf("CreateFirstAdmin(%q) = %v, want %v", tc.name, err, tc.want)
		}
	}
	s, err := a.CreateFirstAdmin(ctx, "  Root  ", secret("long enough pass"), secret("long enough pass"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Root" || s.Privilege != access.Admin {
		t.Errorf("session = %+v, want Root, admin", s)
	}
	if _, err := a.Users(ctx, s); err != nil {
		t.Errorf("Users with the first admin's session: %v", err)
	}
	if need, _ := a.NeedsFirstAdmin(ctx); need {
		t.Errorf("NeedsFirstAdmin after creating one = true")
	}
	if _, err := a.CreateFirstAdmin(ctx, "other", secret("long enough pass"), secret("long enough pass")); !errors.Is(err, ErrAlreadySetUp) {
		t.Errorf("second CreateFirstAdmin = %v, want ErrAlreadySetUp", err)
	}
	if e := lastEntries(t, a, 1)[0]; e.Action != string(access.FirstAdmin) || e.Subject != "Root" || e.Outcome != store.OutcomeOK {
		t.Errorf("last entry = %+v, want Root's user.first-admin ok", e)
	}
}

func TestAddUserRules(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	ok := secret("fine passphrase")
	if _, err := a.AddUser(ctx, tm.admin, "Émile", access.Write, ok, ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    access.Privilege
		want error
	}{
		{"WENDY", access.Write, access.ErrNameTaken},
		{" wendy ", access.Read, access.ErrNameTaken},
		{"émile", access.Read, access.ErrNameTaken}, // Unicode case, which SQLite's NOCASE misses
		{"", access.Read, access.ErrBadName},
		{"x", access.Privilege(0), access.ErrBadPrivilege},
	} {
		if _, err := a.AddUser(ctx, tm.admin, tc.name, tc.p, ok, ok); !errors.Is(err, tc.want) {
			t.Errorf("AddUser(%q, %v) = %v, want %v", tc.name, tc.p, err, tc.want)
		}
	}
	names, err := a.Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// dora is disabled and not offered.
	if want := []string{"rita", "root", "wendy", "Émile"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Profiles = %q, want %q", names, want)
	}
}

func TestLastAdmin(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	root := tm.user(t, "root").ID

	lastAdminRefusals := func(id int64) {
		t.Helper()
		before := takeSnapshot(t, a)
		if err := a.SetPrivilege(ctx, tm.admin, id, access.Write); !errors.Is(err, access.ErrLastAdmin) {
			t.Errorf("demote last admin: %v, want ErrLastAdmin", err)
		}
		if err := a.DisableUser(ctx, tm.admin, id); !errors.Is(err, access.ErrLastAdmin) {
			t.Errorf("disable last admin: %v, want ErrLastAdmin", err)
		}
		for _, pol := range []SourcePolicy{{}, {Disconnect: true}} {
			if err := a.DeleteUser(ctx, tm.admin, id, pol); !errors.Is(err, access.ErrLastAdmin) {
				t.Errorf("delete last admin (%+v): %v, want ErrLastAdmin", pol, err)
			}
		}
		if after := takeSnapshot(t, a); !reflect.DeepEqual(after, before) {
			t.Errorf("state changed:\n got %+v\nwant %+v", after, before)
		}
	}
	lastAdminRefusals(root)

	// A disabled admin does not count.
	if err := a.SetPrivilege(ctx, tm.admin, tm.disabledID, access.Admin); err != nil {
		t.Fatal(err)
	}
	lastAdminRefusals(root)

	// With a second active admin, root may step down; then the other is the last.
	if err := a.EnableUser(ctx, tm.admin, tm.disabledID); err != nil {
		t.Fatal(err)
	}
	if err := a.SetPrivilege(ctx, tm.admin, root, access.Write); err != nil {
		t.Fatalf("demote one of two admins: %v", err)
	}
	dora := tm.signIn(t, "dora", "dora passphrase 4")
	tm.admin = dora
	lastAdminRefusals(tm.disabledID)
	if err := a.SetPrivilege(ctx, dora, tm.disabledID, access.Admin); err != nil {
		t.Errorf("admin keeps admin: %v", err)
	}
}

// addSources gives a user n sources through an integration, inserted straight into the store.
func addSources(t *testing.T, a *App, owner int64, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	err := store.PutIntegration(ctx, a.db, store.Integration{ID: "google-drive", Provider: "google-drive",
		Name: "Google Drive", Enabled: true, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		_, err := store.InsertSource(ctx, a.db, store.Source{IntegrationID: "google-drive", OwnerID: owner,
			Account: "acct" + string(rune('a'+i)) + "@example.com", AccountSubject: string(rune('a'+i)) + "-sub",
			CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func sourcesOf(t *testing.T, a *App, owner int64) int {
	t.Helper()
	ids, err := store.SourceIDsOf(context.Background(), a.db, owner)
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

func TestDeleteUserWithSources(t *testing.T) {
	ctx := context.Background()

	t.Run("transfer", func(t *testing.T) {
		tm := newTeam(t)
		a := tm.app
		wendy, root, rita := tm.user(t, "wendy").ID, tm.user(t, "root").ID, tm.user(t, "rita").ID
		addSources(t, a, wendy, 3)
		for _, tc := range []struct {
			pol  SourcePolicy
			want error
		}{
			{SourcePolicy{}, ErrUserHasSources},
			{SourcePolicy{TransferTo: root, Disconnect: true}, ErrUserHasSources},
			{SourcePolicy{TransferTo: wendy}, ErrBadTransfer},
			{SourcePolicy{TransferTo: rita}, ErrBadTransfer},          // read privilege
			{SourcePolicy{TransferTo: tm.disabledID}, ErrBadTransfer}, // disabled
			{SourcePolicy{TransferTo: 9999}, ErrBadTransfer},
		} {
			before := takeSnapshot(t, a)
			if err := a.DeleteUser(ctx, tm.admin, wendy, tc.pol); !errors.Is(err, tc.want) {
				t.Errorf("DeleteUser(%+v) = %v, want %v", tc.pol, err, tc.want)
			}
			if after := takeSnapshot(t, a); !reflect.DeepEqual(after, before) {
				t.Errorf("DeleteUser(%+v) changed state:\n got %+v\nwant %+v", tc.pol, after, before)
			}
		}
		if err := a.DeleteUser(ctx, tm.admin, wendy, SourcePolicy{TransferTo: root}); err != nil {
			t.Fatalf("DeleteUser with transfer: %v", err)
		}
		if got := sourcesOf(t, a, root); got != 3 {
			t.Errorf("root owns %d sources, want 3", got)
		}
		if _, err := store.UserByID(ctx, a.db, wendy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted user still there: %v", err)
		}
		e := lastEntries(t, a, 1)[0]
		if e.Action != string(access.UserDelete) || e.Subject != "wendy" || e.Detail != "3 sources transferred to root" {
			t.Errorf("entry = %+v, want user.delete of wendy, 3 sources transferred to root", e)
		}
		if err := a.Touch(ctx, tm.writer); !errors.Is(err, access.ErrSessionEnded) {
			t.Errorf("deleted user's session: %v, want ErrSessionEnded", err)
		}
	})

	t.Run("disconnect", func(t *testing.T) {
		tm := newTeam(t)
		a := tm.app
		wendy, rita := tm.user(t, "wendy").ID, tm.user(t, "rita").ID
		addSources(t, a, wendy, 2)
		addSources(t, a, rita, 1)
		var disconnected []int64
		t.Cleanup(func() { disconnectHook = nil })
		disconnectHook = func(a *App, ctx context.Context, id int64) error {
			disconnected = append(disconnected, id)
			return a.disconnectOwned(ctx, id)
		}
		if err := a.DeleteUser(ctx, tm.admin, wendy, SourcePolicy{Disconnect: true}); err != nil {
			t.Fatalf("DeleteUser with disconnect: %v", err)
		}
		if len(disconnected) != 2 {
			t.Errorf("disconnected %v, want wendy's 2 sources", disconnected)
		}
		if got := sourcesOf(t, a, rita); got != 1 {
			t.Errorf("rita owns %d sources, want 1 (untouched)", got)
		}
		if _, err := store.UserByID(ctx, a.db, wendy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted user still there: %v", err)
		}

		// A disconnect that leaves the row (revocation pending) keeps the user.
		disconnectHook = func(*App, context.Context, int64) error { return nil }
		if err := a.DeleteUser(ctx, tm.admin, rita, SourcePolicy{Disconnect: true}); !errors.Is(err, ErrUserHasSources) {
			t.Errorf("DeleteUser whose sources stay: %v, want ErrUserHasSources", err)
		}
		if _, err := store.UserByID(ctx, a.db, rita); err != nil {
			t.Errorf("user deleted although a source remains: %v", err)
		}
	})

	t.Run("no sources", func(t *testing.T) {
		tm := newTeam(t)
		if err := tm.app.DeleteUser(ctx, tm.admin, tm.user(t, "rita").ID, SourcePolicy{}); err != nil {
			t.Errorf("DeleteUser without sources: %v", err)
		}
	})
}

func TestLockOut(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	wrong := secret("not the passphrase")

	for i := 1; i <= 4; i++ {
		_, err := a.SignIn(ctx, "wendy", wrong)
		var locked *access.LockedError
		if !errors.Is(err, access.ErrWrongPassphrase) || errors.As(err, &locked) {
			t.Fatalf("failure %d: %v, want ErrWrongPassphrase without lock-out", i, err)
		}
	}
	// From the fifth failure on, each failure closes sign-in for longer.
	for _, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute,
		4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		now := tm.clk.Now()
		_, err := a.SignIn(ctx, "wendy", wrong)
		var locked *access.LockedError
		if !errors.Is(err, access.ErrWrongPassphrase) || !errors.As(err, &locked) {
			t.Fatalf("failure at %v: %v, want ErrWrongPassphrase and LockedError", now, err)
		}
		if got := locked.Until.Sub(now); got != wait {
			t.Fatalf("wait = %v, want %v", got, wait)
		}
		// Even the right passphrase is refused until then, without being checked.
		tm.clk.Advance(wait - time.Second)
		_, err = a.SignIn(ctx, "wendy", secret(writerPass))
		if !errors.As(err, &locked) || locked.Until.Sub(now) != wait {
			t.Fatalf("right passphrase while locked: %v, want LockedError until +%v", err, wait)
		}
		tm.clk.Advance(time.Second)
	}

	// The counter and the lock survive a restart.
	_, err := a.SignIn(ctx, "wendy", wrong)
	var locked *access.LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("another failure: %v, want LockedError", err)
	}
	until := locked.Until
	a.Close()
	a = openApp(t, tm.home, tm.clk)
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); !errors.As(err, &locked) || !locked.Until.Equal(until) {
		t.Fatalf("after reopening: %v, want LockedError until %v", err, until)
	}
	if u, _ := store.UserByName(ctx, a.db, "wendy"); u.FailedSignIns != 12 {
		t.Errorf("failures after reopening = %d, want 12", u.FailedSignIns)
	}

	// Success resets it: the next failure costs no wait.
	tm.clk.Advance(15 * time.Minute)
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); err != nil {
		t.Fatalf("sign-in after the wait: %v", err)
	}
	if _, err := a.SignIn(ctx, "wendy", wrong); errors.As(err, &locked) {
		t.Errorf("first failure after a success: %v, want no lock-out", err)
	}

	// Every attempt is in the log: the refusals while locked as denied, failures as failed.
	counts := map[string]int{}
	page, err := store.Activity(ctx, a.db, store.ActivityFilter{Actor: "wendy", Action: string(access.SignIn), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page {
		counts[e.Outcome]++
	}
	if want := map[string]int{"ok": 2, "failed": 13, "denied": 8}; !reflect.DeepEqual(counts, want) {
		t.Errorf("wendy's sign-in outcomes = %v, want %v", counts, want)
	}
}

func TestSignInUnknownUser(t *testing.T) {
	tm := newTeam(t)
	if _, err := tm.app.SignIn(context.Background(), "nobody", secret("whatever passphrase")); !errors.Is(err, access.ErrUnknownUser) {
		t.Errorf("SignIn(nobody) = %v, want ErrUnknownUser", err)
	}
	if e := lastEntries(t, tm.app, 1)[0]; e.Action != "signin" || e.Outcome != store.OutcomeFailed {
		t.Errorf("entry = %+v, want a failed signin", e)
	}
	if s, err := tm.app.SignIn(context.Background(), " WENDY ", secret(writerPass)); err != nil || s.Name != "wendy" {
		t.Errorf("SignIn with other case = %+v, %v; want wendy's session", s, err)
	}
}

// TestSignInUnknownNameCapped: a name nobody chose reaches the log cut to 64 characters, with
// an ellipsis, and otherwise as typed.
func TestSignInUnknownNameCapped(t *testing.T) {
	tm := newTeam(t)
	typed := "ghost\x1b]0;PWNED\x07\n" + strings.Repeat("é", 200)
	if _, err := tm.app.SignIn(context.Background(), typed, secret("whatever passphrase")); !errors.Is(err, access.ErrUnknownUser) {
		t.Fatalf("SignIn = %v, want ErrUnknownUser", err)
	}
	want := string([]rune(typed)[:access.MaxNameLen]) + "…"
	if e := lastEntries(t, tm.app, 1)[0]; e.Actor != want || e.Subject != want {
		t.Errorf("entry actor %q, subject %q; want both %q", e.Actor, e.Subject, want)
	}
}

// TestUserID: any live session may look a name up; it records nothing, and an ended
// session is refused.
func TestUserID(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	rows := countActivity(t, tm.app)
	if id, err := tm.app.UserID(ctx, tm.read, " ROOT "); err != nil || id != tm.user(t, "root").ID {
		t.Errorf("UserID(root) as reader = %d, %v; want %d", id, err, tm.user(t, "root").ID)
	}
	if _, err := tm.app.UserID(ctx, tm.read, "nobody"); !errors.Is(err, access.ErrUnknownUser) {
		t.Errorf("UserID(nobody) = %v, want ErrUnknownUser", err)
	}
	if n := countActivity(t, tm.app); n != rows {
		t.Errorf("activity rows: got %d, want %d (a look-up records nothing)", n, rows)
	}
	tm.app.SignOut(ctx, tm.read)
	if _, err := tm.app.UserID(ctx, tm.read, "root"); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("UserID after sign-out = %v, want ErrSessionEnded", err)
	}
}

func TestRehashOnSignIn(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app

	weak := access.Params{Time: 1, Memory: 32, Threads: 1, SaltLen: 8, KeyLen: 16}
	access.HashParams = weak
	_, err := a.AddUser(ctx, tm.admin, "olga", access.Write, secret("olga passphrase 6"), secret("olga passphrase 6"))
	access.HashParams = cheapHash
	if err != nil {
		t.Fatal(err)
	}
	old := tm.user(t, "olga").PassphraseHash
	if p, _ := access.PHCParams(old); p != weak {
		t.Fatalf("stored params = %+v, want %+v", p, weak)
	}

	tm.signIn(t, "olga", "olga passphrase 6")
	now := tm.user(t, "olga").PassphraseHash
	if p, _ := access.PHCParams(now); p != cheapHash {
		t.Errorf("params after sign-in = %+v, want the current %+v", p, cheapHash)
	}
	tm.signIn(t, "olga", "olga passphrase 6")
	if again := tm.user(t, "olga").PassphraseHash; again != now {
		t.Errorf("a current hash was re-hashed again: %q → %q", now, again)
	}
}

func TestPassphraseChanges(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := tm.app
	newPass := secret("wendy's new passphrase")

	if err := a.ChangeOwnPassphrase(ctx, tm.writer, secret("wrong old one"), newPass, newPass); !errors.Is(err, access.ErrWrongPassphrase) {
		t.Errorf("change with a wrong old passphrase: %v, want ErrWrongPassphrase", err)
	}
	if err := a.ChangeOwnPassphrase(ctx, tm.writer, secret(writerPass), newPass, secret("typo")); !errors.Is(err, access.ErrMismatch) {
		t.Errorf("change with a mistyped confirmation: %v, want ErrMismatch", err)
	}
	if err := a.ChangeOwnPassphrase(ctx, tm.read, secret(readerPass), newPass, newPass); err != nil {
		t.Errorf("a read user changes their own passphrase: %v", err)
	}
	if err := a.ChangeOwnPassphrase(ctx, tm.writer, secret(writerPass), newPass, newPass); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SignIn(ctx, "wendy", secret(writerPass)); !errors.Is(err, access.ErrWrongPassphrase) {
		t.Errorf("old passphrase after change: %v, want ErrWrongPassphrase", err)
	}
	tm.signIn(t, "wendy", newPass.Reveal())

	// An admin's reset lifts a lock-out.
	for range access.FreeFailures {
		a.SignIn(ctx, "rita", secret("wrong wrong wrong"))
	}
	reset := secret("rita's reset passphrase")
	if err := a.ResetPassphrase(ctx, tm.admin, tm.user(t, "rita").ID, reset, reset); err != nil {
		t.Fatal(err)
	}
	tm.signIn(t, "rita", reset.Reveal())
}

// TestPassphraseNeverStored runs every use-case that takes a passphrase and then looks for the
// passphrases' bytes in the database files and the log.
func TestPassphraseNeverStored(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	var logBuf bytes.Buffer
	a, err := Open(ctx, Config{Home: home, Now: newClock().Now,
		Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	passes := []string{"Sesame-first-admin", "Sesame-second-user", "Sesame-wrong-guess", "Sesame-reset-by-admin", "Sesame-changed-own"}
	admin, err := a.CreateFirstAdmin(ctx, "root", secret(passes[0]), secret(passes[0]))
	if err != nil {
		t.Fatal(err)
	}
	id, err := a.AddUser(ctx, admin, "wendy", access.Write, secret(passes[1]), secret(passes[1]))
	if err != nil {
		t.Fatal(err)
	}
	for range access.FreeFailures + 1 {
		a.SignIn(ctx, "wendy", secret(passes[2]))
	}
	if err := a.ResetPassphrase(ctx, admin, id, secret(passes[3]), secret(passes[3])); err != nil {
		t.Fatal(err)
	}
	wendy, err := a.SignIn(ctx, "wendy", secret(passes[3]))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ChangeOwnPassphrase(ctx, wendy, secret(passes[3]), secret(passes[4]), secret(passes[4])); err != nil {
		t.Fatal(err)
	}

	files := map[string][]byte{"log": logBuf.Bytes()}
	for _, name := range []string{DBFile, DBFile + "-wal"} {
		b, err := os.ReadFile(filepath.Join(home, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	if !bytes.Contains(files["log"], []byte("signin")) || !bytes.Contains(files[DBFile+"-wal"], []byte("wendy")) {
		t.Fatalf("the log or the WAL lacks the sign-ins: this test would see nothing")
	}
	for name, b := range files {
		for _, p := range passes {
			if bytes.Contains(b, []byte(p)) || bytes.Contains(b, []byte("Sesame")) {
				t.Errorf("%s contains passphrase %q", name, p)
			}
		}
	}
}

// The GUI offers as heirs exactly the users DeleteUser accepts: MayInherit is that rule.
func TestMayInherit(t *testing.T) {
	const from = 7
	for _, c := range []struct {
		name string
		u    User
		want bool
	}{
		{"writer", User{ID: 8, Privilege: access.Write}, true},
		{"admin", User{ID: 9, Privilege: access.Admin}, true},
		{"reader", User{ID: 10, Privilege: access.Read}, false},
		{"disabled writer", User{ID: 11, Privilege: access.Write, Disabled: true}, false},
		{"the deleted user", User{ID: from, Privilege: access.Admin}, false},
	} {
		if got := c.u.MayInherit(from); got != c.want {
			t.Errorf("%s: MayInherit = %v, want %v", c.name, got, c.want)
		}
	}
}

// The lock-out belongs to the profile whose passphrase was wrong: another profile stays open,
// and the locked one opens again at its time.
func TestLockedUntilPerProfile(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	for i := 0; i < access.FreeFailures; i++ {
		tm.app.SignIn(ctx, "wendy", secret("not the passphrase"))
	}
	until, err := tm.app.LockedUntil(ctx, "wendy")
	if err != nil || until.Sub(tm.clk.Now()) != access.FirstDelay {
		t.Fatalf("LockedUntil(wendy) = %v, %v; want now+%v", until, err, access.FirstDelay)
	}
	for _, name := range []string{"root", "nobody"} {
		if until, err := tm.app.LockedUntil(ctx, name); err != nil || !until.IsZero() {
			t.Errorf("LockedUntil(%s) = %v, %v; want open", name, until, err)
		}
	}
	tm.clk.Advance(access.FirstDelay)
	if until, err := tm.app.LockedUntil(ctx, "wendy"); err != nil || !until.IsZero() {
		t.Errorf("LockedUntil(wendy) at the end of the wait = %v, %v; want open", until, err)
	}
}
