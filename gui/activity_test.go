package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// A long cell ends in "…" within its column instead of spilling into the
// next, and selecting its row shows the whole entry.
func TestActivityCellsStayInTheirColumns(t *testing.T) {
	long := strings.Repeat("someone-with-a-long-name ", 2) + "end"
	f := newFixture(t, func(c *core.App) {
		adminAndWriter(t)(c)
		if _, err := c.SignIn(context.Background(), long, core.NewSecret(goodPass)); err == nil {
			t.Fatal("a sign-in with an unknown name succeeded")
		}
	})
	f.signIn(t, "Ada", goodPass)
	p := f.ui.home.activity
	p.reload()
	f.ui.Wait()
	row := -1
	for i, e := range p.entries {
		if e.Actor == long {
			row = i
		}
	}
	if row < 0 {
		t.Fatalf("no activity row of %q among %d", long, len(p.entries))
	}
	for col := range activityColumns {
		cell := p.table.CreateCell().(*widget.Label)
		p.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
		if w := cell.MinSize().Width; w > activityWidths[col] {
			t.Errorf("column %s: %q needs %.0f, wider than the column's %.0f: it spills into the next", activityColumns[col], cell.Text, w, activityWidths[col])
		}
		if cell.Truncation != fyne.TextTruncateEllipsis {
			t.Errorf("column %s: a cut-short cell does not end in an ellipsis", activityColumns[col])
		}
	}
	p.table.Select(widget.TableCellID{Row: row, Col: 3})
	if !strings.Contains(p.entry.Text, long) {
		t.Errorf("the selected entry reads %q; want the whole name %q in it", p.entry.Text, long)
	}
}
