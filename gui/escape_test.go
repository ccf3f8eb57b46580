package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// A name typed at the sign-in screen reaches the activity table as escapes: a line break or a
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

	var shown []string
	for row := range p.entries {
		l := widget.NewLabel("")
		p.table.UpdateCell(widget.TableCellID{Row: row, Col: 1}, l)
		shown = append(shown, l.Text)
	}
	want := `ghost\x1b]0;PWNED\x07\n42 root ok \u202egnp.exe`
	found := false
	for _, text := range shown {
		if strings.ContainsAny(text, "\x1b\x07\n\u202e") {
			t.Errorf("activity label %q holds a control character", text)
		}
		found = found || text == want
	}
	if !found {
		t.Errorf("activity user labels %q: none reads %q", shown, want)
	}
}
