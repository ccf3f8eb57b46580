package gui

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/internal/testkit"
)

const goodPass = "correct horse battery"

func TestMain(m *testing.M) {
	// Cheap hashing keeps the suite quick; core's tests check the real parameters.
	access.HashParams = access.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}
	transfer.WorkFactor = 10 // scrypt at age's default takes a second per file
	os.Exit(m.Run())
}

// clock is a settable time source.
type clock = testkit.Clock

type fixture struct {
	ui    *UI
	core  *core.App
	clock *clock
	sched *fakeScheduler
}

// fakeScheduler stands in for the system's scheduler in the window's tests; the real one
// (systemd user units) is tested in core and core/schedule.
type fakeScheduler struct {
	installed bool
	installs  int
	note      string
	err       error // Install's error
}

func (f *fakeScheduler) Install(context.Context, core.ScheduleJob) (string, error) {
	if f.err != nil {
		return "", f.err
	}
	f.installed = true
	f.installs++
	return f.note, nil
}

func (f *fakeScheduler) Remove(context.Context, core.ScheduleJob) error {
	f.installed = false
	return nil
}

func (f *fakeScheduler) Installed(context.Context, core.ScheduleJob) (bool, error) {
	return f.installed, nil
}

func (f *fakeScheduler) Where(job core.ScheduleJob) string { return "the test timer " + job.Name }

// newFixture opens a workspace in a temporary folder and shows the UI over it. setup, if
// given, runs on the workspace before the UI starts.
func newFixture(t *testing.T, setup func(c *core.App)) *fixture {
	t.Helper()
	clk := testkit.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	sched := &fakeScheduler{}
	c, err := core.Open(context.Background(), core.Config{Home: t.TempDir(), Now: clk.Now, Scheduler: sched})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if setup != nil {
		setup(c)
	}
	ui := newTestUI(test.NewTempApp(t), c, Deps{Now: clk.Now})
	t.Cleanup(ui.Close)
	ui.Start()
	ui.Wait()
	return &fixture{ui: ui, core: c, clock: clk, sched: sched}
}

func adminAndWriter(t *testing.T) func(c *core.App) {
	return func(c *core.App) {
		ctx := context.Background()
		s, err := c.CreateFirstAdmin(ctx, "Ada", core.NewSecret(goodPass), core.NewSecret(goodPass))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddUser(ctx, s, "Wes", access.Write, core.NewSecret(goodPass), core.NewSecret(goodPass)); err != nil {
			t.Fatal(err)
		}
		c.SignOut(ctx, s)
	}
}

func (f *fixture) signIn(t *testing.T, name, pass string) {
	t.Helper()
	s := f.ui.signIn
	if s == nil {
		t.Fatal("the sign-in screen is not shown")
	}
	f.choose(name)
	test.Type(s.pass, pass)
	test.Tap(s.button)
	f.ui.Wait()
}

// choose chooses a profile on the sign-in screen and waits for what that starts (a look at
// its lock-out).
func (f *fixture) choose(name string) {
	f.ui.signIn.profile.SetSelected(name)
	f.ui.Wait()
}

func TestFirstStartCreatesAdminAndShowsTabs(t *testing.T) {
	f := newFixture(t, nil)
	s := f.ui.first
	if s == nil {
		t.Fatal("an empty workspace must open on the first-start screen")
	}
	test.Type(s.name, "Jane Admin")
	test.Type(s.pass, goodPass)
	test.Type(s.confirm, goodPass+"!")
	test.Tap(s.create)
	f.ui.Wait()
	if f.ui.home != nil {
		t.Fatal("mismatched passphrases must not create the administrator")
	}
	if !strings.Contains(s.status.Text, "differ") {
		t.Errorf("status = %q, want it to say the passphrases differ", s.status.Text)
	}
	if s.name.Text != "Jane Admin" {
		t.Errorf("name field = %q after a refused try; what was typed must be kept", s.name.Text)
	}
	if f.ui.win.Canvas().Focused() != s.confirm {
		t.Error("after mismatched passphrases the focus must be on the confirmation")
	}

	s.confirm.SetText(goodPass)
	test.Tap(s.create)
	f.ui.Wait()
	if f.ui.home == nil {
		t.Fatalf("first start did not land on the tabs; status %q", s.status.Text)
	}
	var titles []string
	for _, it := range f.ui.home.tabs.Items {
		titles = append(titles, it.Text)
	}
	if got := strings.Join(titles, ","); got != "Sources,Admin" {
		t.Errorf("tabs = %s, want Sources,Admin", got)
	}
	if got := f.ui.home.who.Text; !strings.Contains(got, "Jane Admin") || !strings.Contains(got, "Admin") {
		t.Errorf("status line = %q", got)
	}
}

func TestWriterSeesNoAdminTab(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Wes", goodPass)
	if f.ui.home == nil {
		t.Fatalf("sign-in failed: %q", f.ui.signIn.status.Text)
	}
	// Sources alone, without a tab bar: one tab would say nothing.
	tabs := 0
	walkObjects(f.ui.win.Content(), func(o fyne.CanvasObject) bool {
		if _, ok := o.(*container.AppTabs); ok {
			tabs++
		}
		return true
	})
	if tabs != 0 || f.ui.home.adminTab != nil || place(t, f.ui.win, f.ui.home.sources.connect).w == 0 {
		t.Errorf("a write user sees %d tab bars (admin tab %v); want Sources alone", tabs, f.ui.home.adminTab != nil)
	}
}

func TestWrongPassphraseShowsErrorAndWait(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	for i := 1; i <= access.FreeFailures; i++ {
		f.signIn(t, "Wes", "wrong passphrase "+strings.Repeat("x", i))
		s := f.ui.signIn
		if f.ui.home != nil {
			t.Fatal("a wrong passphrase signed in")
		}
		if s.pass.Text != "" {
			t.Errorf("try %d: the passphrase field still holds what was typed", i)
		}
		if i < access.FreeFailures && !strings.Contains(s.status.Text, "Wrong passphrase") {
			t.Errorf("try %d: status = %q, want the wrong-passphrase message", i, s.status.Text)
		}
	}
	s := f.ui.signIn
	if !strings.Contains(s.status.Text, "reopens at") || !strings.Contains(s.status.Text, "left)") {
		t.Errorf("after %d failures status = %q, want the time when sign-in reopens and the time left", access.FreeFailures, s.status.Text)
	}
	if !s.button.Disabled() {
		t.Error("the sign-in button must stay disabled while locked out")
	}
	// The right passphrase is refused too until the wait is over.
	if _, err := f.core.SignIn(context.Background(), "Wes", core.NewSecret(goodPass)); err == nil {
		t.Error("core accepted a sign-in during the lock-out")
	}
}

func TestIdleLockReturnsToSignIn(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	if f.ui.home == nil {
		t.Fatalf("sign-in failed: %q", f.ui.signIn.status.Text)
	}
	old := f.ui.session
	f.clock.Advance(14 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.home == nil {
		t.Fatal("locked before the idle time was up")
	}
	f.clock.Advance(2 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.signIn == nil || f.ui.home != nil {
		t.Fatal("after 16 idle minutes the window must be back on the sign-in screen")
	}
	if got := f.ui.signIn.profile.Selected; got != "Ada" {
		t.Errorf("sign-in profile = %q, want the locked user preselected", got)
	}
	if err := f.core.Touch(context.Background(), old); !errors.Is(err, access.ErrSessionLocked) {
		t.Errorf("core accepted the old session after the idle lock: %v", err)
	}
}

func TestLockShortcutAndSignOut(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	old := f.ui.session
	f.ui.signOut()
	f.ui.Wait()
	if f.ui.signIn == nil {
		t.Fatal("sign out must return to the sign-in screen")
	}
	if err := f.core.Touch(context.Background(), old); !errors.Is(err, access.ErrSessionEnded) {
		t.Errorf("core accepted a signed-out session: %v", err)
	}
}

func TestAdminAddsUserThroughDialog(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	users := f.ui.home.users
	f.ui.Wait()
	if len(users.users) != 2 {
		t.Fatalf("users pane lists %d users, want 2", len(users.users))
	}
	users.list.Select(1)
	if users.privilege.Disabled() {
		t.Error("selecting a user must enable its actions")
	}
	// The last admin cannot be disabled: the pane says why.
	users.list.Select(0)
	test.Tap(users.disable)
	f.ui.Wait()
	if !strings.Contains(users.status.Text, "at least one active administrator") {
		t.Errorf("status = %q, want the last-admin message", users.status.Text)
	}
}

func TestTabShortcuts(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	press := func(k fyne.KeyName) {
		c := f.ui.win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) })
		c.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
		f.ui.Wait() // a tab may load in the background (Activity)
	}
	h := f.ui.home
	for i, want := range []string{"Integrations", "Users", "Activity", "Settings"} {
		press(tabKeys[i+1])
		if got := h.tabs.Selected().Text; got != "Admin" {
			t.Fatalf("Ctrl+%d: main tab %q, want Admin", i+2, got)
		}
		if got := h.admin.Selected().Text; got != want {
			t.Errorf("Ctrl+%d: admin tab %q, want %q", i+2, got, want)
		}
	}
	press(tabKeys[0])
	if got := h.tabs.Selected().Text; got != "Sources" {
		t.Errorf("Ctrl+1: tab %q, want Sources", got)
	}

	press(lockShortcut.KeyName)
	if f.ui.signIn == nil {
		t.Error("Ctrl+L did not lock")
	}
}

// Typing in a form counts as use, though Fyne does not tell the window about keys while an
// entry has the focus.
func TestTypingPostponesIdleLock(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	filter := f.ui.home.sources.filter
	f.ui.win.Canvas().Focus(filter)
	f.ui.CheckIdle() // notes what the entry holds
	f.ui.Wait()
	for range 4 {
		f.clock.Advance(5 * time.Minute)
		test.Type(filter, "x")
		f.ui.CheckIdle()
		f.ui.Wait()
		if f.ui.home == nil {
			t.Fatal("locked while the person was typing")
		}
	}
	f.clock.Advance(16 * time.Minute) // then nothing
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.home != nil {
		t.Error("not locked after 16 idle minutes")
	}
}

// A second tap while a change runs does nothing: the user is added once, with no
// "name already taken" for the second tap.
func TestUserChangeIgnoresDoubleSubmit(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.users
	f.ui.Wait()
	calls := 0
	change := func(ctx context.Context) error {
		calls++
		_, err := f.core.AddUser(ctx, f.ui.session, "Twice", access.Read, core.NewSecret(goodPass), core.NewSecret(goodPass))
		return err
	}
	var errs []error
	p.do(change, func(err error) { errs = append(errs, err) })
	p.do(change, func(err error) { errs = append(errs, err) })
	f.ui.Wait()
	if calls != 1 || len(errs) != 1 || errs[0] != nil {
		t.Errorf("two quick submits: %d calls, results %v; want one call that succeeded", calls, errs)
	}
}

// newTestUI is New for tests: the reports of background work run in Wait, on the test's
// goroutine, which stands for Fyne's (see jobs).
func newTestUI(fa fyne.App, c *core.App, deps Deps) *UI {
	u := New(fa, c, deps)
	u.jobs.onWait = true
	return u
}
