package gui

import (
	"context"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
)

// A name typed at the sign-in screen reaches the activity list as escapes: a line break or a
// bidi override in a label would forge a row or reorder the text an administrator reads.
func TestActivityLabelsEscapeNames(t *testing.T) {
	const forged = "ghost\x1b]0;PWNED\x07\n42 root ok \u202egnp.exe"
	f := newFixture(t, func(c *core.App) {
		adminAndWriter(t)(c)
		if _, err := c.SignIn(context.Background(), forged, core.NewSecret(goodPass)); err == nil {
			t.Fatal("a sign-in with an unknown name succeeded")
		}
	})
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.activity
	p.reload()
	f.ui.Wait()

	item := p.list.CreateItem().(*activityRow)
	p.list.UpdateItem(rowOf(t, p, forged), item)
	want := `ghost\x1b]0;PWNED\x07\n42 root ok \u202egnp.exe could not sign in: no such user`
	if item.what.Text != want {
		t.Errorf("activity row reads %q, want %q", item.what.Text, want)
	}
	p.showEntry(p.entries[rowOf(t, p, forged)])
	if strings.ContainsAny(item.what.Text+p.entry.Text, "\x1b\x07\u202e") || strings.Count(p.entry.Text, "\n") != 1 {
		t.Errorf("activity text %q / %q holds a control character", item.what.Text, p.entry.Text)
	}
}
