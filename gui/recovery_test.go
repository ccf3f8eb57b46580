package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core"
)

// After a local recovery, each administrator's next sign-in opens a dialog that says so; a
// writer's does not.
func TestLocalRecoveryNoticeAtSignIn(t *testing.T) {
	const fresh = "recovered passphrase"
	f := newFixture(t, func(c *core.App) {
		adminAndWriter(t)(c)
		if err := c.RecoverAdmin(context.Background(), "Ada", core.NewSecret(fresh), core.NewSecret(fresh)); err != nil {
			t.Fatal(err)
		}
	})
	f.clock.Advance(time.Minute)
	f.signIn(t, "Ada", fresh)
	if f.ui.home == nil {
		t.Fatal("Ada did not sign in with the recovered passphrase")
	}
	if got := dialogText(t, f.ui.win); !strings.Contains(got, "administrator Ada was reset by local recovery") {
		t.Errorf("dialog after sign-in: %q, want the local-recovery notice", got)
	}
	escape(f.ui.win)
	f.ui.signOut()
	f.ui.Wait()
	f.clock.Advance(time.Minute)
	f.signIn(t, "Wes", goodPass)
	if top := f.ui.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a writer's sign-in opened a dialog: %q", dialogText(t, f.ui.win))
	}
}
