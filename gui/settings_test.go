package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
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
	if p.idleErr.Visible() || p.status.Text != "Saved." {
		t.Fatalf("saving 30 minutes: field message %q, status %q", p.idleErr.Text, p.status.Text)
	}
	set, err := f.core.Settings(context.Background(), f.ui.session)
	if err != nil || set.IdleLock != 30*time.Minute || set.KeepAlive {
		t.Errorf("stored settings = %+v, %v; want 30m and keep-alive off", set, err)
	}
	// The idle lock follows at once.
	f.clock.Add(20 * time.Minute)
	f.ui.CheckIdle()
	f.ui.Wait()
	if f.ui.home == nil {
		t.Error("locked after 20 minutes with a 30-minute idle lock")
	}
}

func TestMaintenanceReportReachesStatusLine(t *testing.T) {
	f := newFixture(t, adminAndWriter(t))
	f.signIn(t, "Ada", goodPass)
	f.ui.maintained(core.MaintainReport{StillOffline: 2}, nil)
	if n := f.ui.home.network; !n.Visible() || !strings.Contains(n.Text, "2 sources cannot reach") {
		t.Errorf("network part = %q (shown %t), want the offline count", n.Text, n.Visible())
	}
	f.ui.maintained(core.MaintainReport{BackOnline: 2}, nil)
	f.ui.Wait()
	if f.ui.home.network.Visible() {
		t.Error("the offline notice stays after every source came back")
	}
}
