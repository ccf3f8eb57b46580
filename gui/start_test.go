package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
)

// Deps.Shown, through which Run hands start-up's memory back to the system, is called once,
// with the first screen already in the window, and not again when a later screen replaces it.
func TestShownOnceWithTheFirstScreen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *core.App)
		first func(u *UI) fyne.CanvasObject // the screen Start shows
	}{
		{"empty workspace", nil, func(u *UI) fyne.CanvasObject { return u.first.content }},
		{"workspace with users", adminAndWriter(t), func(u *UI) fyne.CanvasObject { return u.signIn.content }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := core.Open(context.Background(), core.Config{Home: t.TempDir(), Scheduler: &fakeScheduler{}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			if tc.setup != nil {
				tc.setup(c)
			}
			var calls int
			var shown fyne.CanvasObject
			var u *UI
			u = newTestUI(test.NewTempApp(t), c, Deps{Shown: func() { calls++; shown = u.win.Content() }})
			t.Cleanup(u.Close)
			u.Start()
			u.Wait()
			if calls != 1 || shown == nil || shown != tc.first(u) {
				t.Fatalf("after Start: Shown called %d times, with %T in the window; want once, with the first screen", calls, shown)
			}
			u.showSignIn("Signed out.", "")
			u.Wait()
			if calls != 1 {
				t.Errorf("a later screen called Shown again: %d calls, want 1", calls)
			}
		})
	}
}
