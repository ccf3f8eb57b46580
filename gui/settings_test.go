package gui

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/store"
)

func TestSettingsPaneValidatesAndSaves(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.settings
	f.ui.Wait()
	if p.idle.Text != "15" || !p.keepAlive.Checked {
		t.Fatalf("settings shown: idle %q, keep-alive %t; want the defaults 15 and on", p.idle.Text, p.keepAlive.Checked)
	}
	for _, bad := range []string{"0", "abc", "1441", "-5", "2.5"} {
		p.idle.SetText(bad)
		test.Tap(p.save)
		f.ui.Wait()
		if !p.idleErr.Visible() || !strings.Contains(p.idleErr.Text, "whole minutes") {
			t.Errorf("idle lock %q: message %q (shown %t), want the whole-minutes message", bad, p.idleErr.Text, p.idleErr.Visible())
		}
	}
	if got, _ := f.core.IdleLock(context.Background(), f.ui.session); got != 15*time.Minute {
		t.Errorf("a refused value changed the idle lock to %v", got)
	}

	p.idle.SetText(" 30 ")
	p.keepAlive.SetChecked(false)
	test.Tap(p.save)
	f.ui.Wait()
	if p.idleErr.Visible() || p.mark.Text != "Saved." || p.status.Visible() {
		t.Fatalf("saving 30 minutes: field message %q, mark %q, status %q", p.idleErr.Text, p.mark.Text, p.status.Text)
	}
	set, err := f.core.Settings(context.Background(), f.ui.session)
	if err != nil || set.IdleLock != 30*time.Minute || set.KeepAlive {
		t.Errorf("stored settings = %+v, %v; want 30m and keep-alive off", set, err)
	}
	// The idle lock follows at once.
	f.clock.Advance(20 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.home == nil {
		t.Error("locked after 20 minutes with a 30-minute idle lock")
	}
}

// The status line's offline notice follows the sources: it shows what the upkeep found, and
// goes as soon as the sources are back, also when a person's Refresh brought them back.
func TestOfflineNoticeGoesWhenSourcesAreBack(t *testing.T) {
	w := newSourcesWorkspace(t)
	w.addIntegration(t, "files", "https://idp.example/authorize", "https://idp.example/token", "https://idp.example/me")
	w.addSources(t, "files", "Wes", 2, core.StatusOffline, "dial tcp: connection refused")
	w.signIn(t, "Ada", goodPass)
	w.ui.maintained(core.MaintainReport{StillOffline: 2}, nil)
	w.ui.Wait()
	if n := w.ui.home.network; !n.Visible() || !strings.Contains(n.Text, "2 sources cannot reach") {
		t.Fatalf("network part = %q (shown %t), want the offline count", n.Text, n.Visible())
	}

	w.withDB(t, func(ctx context.Context, tx *sql.Tx) error {
		list, err := store.Sources(ctx, tx, store.SourceFilter{})
		for _, src := range list {
			if err == nil {
				err = store.UpdateSourceStatus(ctx, tx, src.ID, core.StatusConnected, "", w.clock.Now())
			}
		}
		return err
	})
	w.pane(t).reload(0) // as after Refresh
	w.ui.Wait()
	if n := w.ui.home.network; n.Visible() {
		t.Errorf("the offline notice %q stays after every source came back", n.Text)
	}
}

// A form's message belongs to one try: the next one starts without it.
func TestSettingsMessageClearedWhenSaving(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	f.ui.home.showTab(4)
	f.ui.Wait()
	p := f.ui.home.settings
	p.status.SetText("An earlier failure.")
	p.idle.SetText("99999")
	test.Tap(p.save)
	if p.status.Visible() {
		t.Errorf("a new try still shows %q", p.status.Text)
	}
	p.idle.SetText("20")
	test.Tap(p.save)
	f.ui.Wait()
	if p.mark.Text != "Saved." || p.mark.Importance != widget.SuccessImportance || p.status.Visible() {
		t.Errorf("mark = %q (importance %v), status %q; want Saved. in the success colour, and no status", p.mark.Text, p.mark.Importance, p.status.Text)
	}
}

// "Keep connections alive when the app is closed" installs the system's schedule on Save, only
// with keep-alive on; turning keep-alive off takes the schedule away; a refusal says why.
func TestSettingsKeepAliveWhenClosed(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.settings
	f.ui.Wait()
	if p.whenClosed.Checked || p.whenClosed.Disabled() || p.schedule.Text != "Daily check while the app is closed: off." {
		t.Fatalf("shown: when closed %t (disabled %t), schedule %q", p.whenClosed.Checked, p.whenClosed.Disabled(), p.schedule.Text)
	}
	// The system's name for the schedule, with the workspace's id in it, is a detail.
	if p.scheduleName.text.Visible() || !strings.Contains(p.scheduleName.text.Text, "the test timer medialake-connect-upkeep-") {
		t.Errorf("schedule's name %q shown %t; want it behind Details…", p.scheduleName.text.Text, p.scheduleName.text.Visible())
	}
	test.Tap(p.scheduleName.button)
	if !p.scheduleName.text.Visible() {
		t.Error("Details… does not show the schedule's name")
	}
	f.sched.note = "The timer starts at your next login."
	p.whenClosed.SetChecked(true)
	test.Tap(p.save)
	f.ui.Wait()
	if !f.sched.installed || p.mark.Text != "Saved." || p.status.Text != "The timer starts at your next login." || !strings.HasPrefix(p.schedule.Text, "Daily check while the app is closed: on.") {
		t.Fatalf("after Save: installed %t, status %q, schedule %q", f.sched.installed, p.status.Text, p.schedule.Text)
	}
	test.Tap(p.save) // nothing changed: the system is not asked again
	f.ui.Wait()
	if f.sched.installs != 1 {
		t.Errorf("a second Save installed again (%d installs)", f.sched.installs)
	}

	p.keepAlive.SetChecked(false)
	if p.whenClosed.Checked || !p.whenClosed.Disabled() {
		t.Fatalf("keep-alive off: when closed %t, disabled %t; want unticked and disabled", p.whenClosed.Checked, p.whenClosed.Disabled())
	}
	test.Tap(p.save)
	f.ui.Wait()
	if f.sched.installed || !strings.HasSuffix(p.schedule.Text, ": off.") {
		t.Errorf("keep-alive off: installed %t, schedule %q; want it removed, and said so", f.sched.installed, p.schedule.Text)
	}

	f.sched.err = errors.New("no per-user scheduler the app can use on this system (plan9): run it from cron")
	p.keepAlive.SetChecked(true)
	p.whenClosed.SetChecked(true)
	test.Tap(p.save)
	f.ui.Wait()
	if f.sched.installed || !strings.Contains(p.status.Text, "Run it from cron") && !strings.Contains(p.status.Text, "run it from cron") {
		t.Errorf("refused install: installed %t, status %q; want the reason", f.sched.installed, p.status.Text)
	}
	if p.whenClosed.Checked {
		t.Error("after a refused install the box says the schedule is on")
	}
}

// Save settings is on only while something changed, with Unsaved changes beside it, as on
// the integration page; Saved. stays until the next change, and a change undone is no change.
func TestSettingsSaveFollowsChanges(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.settings
	f.ui.Wait()
	mark := func() string {
		if !p.mark.Visible() {
			return ""
		}
		return p.mark.Text
	}
	check := func(when string, enabled bool, want string) {
		t.Helper()
		if p.save.Disabled() == enabled || mark() != want {
			t.Errorf("%s: Save enabled %t, mark %q; want %t, %q", when, !p.save.Disabled(), mark(), enabled, want)
		}
	}
	check("as shown", false, "")
	p.idle.SetText("20")
	check("idle lock changed", true, "Unsaved changes")
	p.idle.SetText("15")
	check("changed back", false, "")
	p.keepAlive.SetChecked(false)
	check("keep-alive changed", true, "Unsaved changes")
	test.Tap(p.save)
	f.ui.Wait()
	check("saved", false, "Saved.")
	p.idle.SetText("16")
	check("changed after the save", true, "Unsaved changes")
	p.idle.SetText("15")
	check("back to what was saved", false, "")
}
