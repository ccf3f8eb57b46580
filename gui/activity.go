package gui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

const activityPageSize = 200

var activityColumns = []string{"Time", "User", "Action", "Subject", "Outcome", "Detail"}

const activityHint = "Select a row to read the whole entry here."

// activityWidths are the columns' widths: the time whole, short names and actions whole,
// subjects and details as much as a window 1040 wide leaves.
var activityWidths = []float32{160, 110, 150, 230, 75, 290}

// activityPane shows the activity log newest first, filtered by user and action, a page at a
// time (the table only ever holds what has been loaded), and saves it as CSV.
type activityPane struct {
	u       *UI
	actor   *widget.Entry
	action  *widget.Select
	table   *widget.Table
	more    *button
	status  *statusLine
	entry   *widget.Label // the selected entry in full
	entries []core.ActivityEntry
	content fyne.CanvasObject
}

func newActivityPane(u *UI) *activityPane {
	p := &activityPane{u: u, actor: widget.NewEntry(), status: statusLabel()}
	p.actor.SetPlaceHolder("Filter by user")
	p.actor.OnSubmitted = func(string) { p.reload() }
	actions := []string{"All actions", string(access.SignIn), string(access.SignOut), string(access.FirstAdmin), string(access.LocalRecovery)}
	for _, a := range access.Actions {
		actions = append(actions, string(a))
	}
	p.action = widget.NewSelect(actions, nil)
	p.action.SetSelectedIndex(0)
	p.action.OnChanged = func(string) { p.reload() }

	p.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(p.entries), len(activityColumns) },
		func() fyne.CanvasObject {
			// A cell cut short ends in "…"; selecting its row shows the whole entry below.
			l := widget.NewLabel("2006-01-02 15:04:05")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(core.Printable(activityCell(p.entries[id.Row], id.Col)))
		},
	)
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.entries) {
			p.showEntry(p.entries[id.Row])
		}
	}
	p.table.ShowHeaderColumn = false
	p.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("Header") }
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row == -1 && id.Col >= 0 {
			o.(*widget.Label).TextStyle.Bold = true
			o.(*widget.Label).SetText(activityColumns[id.Col])
		}
	}
	for i, w := range activityWidths {
		p.table.SetColumnWidth(i, w)
	}
	p.entry = wrapLabel(activityHint)

	p.more = newButton("Load older entries", p.loadMore)
	refresh := newButtonWithIcon("Refresh", theme.ViewRefreshIcon(), p.reload)
	save := newButtonWithIcon("Save as CSV…", theme.DocumentSaveIcon(), p.saveCSV)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(p.action, refresh, save), p.actor)
	p.content = container.NewBorder(container.NewVBox(filters, p.status), container.NewVBox(widget.NewSeparator(), p.entry, p.more), nil, nil, p.table)
	p.reload()
	return p
}

// showEntry shows e in full under the table, whose cells may be cut short: time, user,
// action, subject and outcome on one line, the detail under them.
func (p *activityPane) showEntry(e core.ActivityEntry) {
	var parts []string
	for col := range len(activityColumns) - 1 {
		if text := activityCell(e, col); text != "" {
			parts = append(parts, core.Printable(text))
		}
	}
	text := strings.Join(parts, " · ")
	if e.Detail != "" {
		text += "\n" + core.Printable(e.Detail)
	}
	p.entry.Importance = widget.MediumImportance
	p.entry.SetText(text)
}

func activityCell(e core.ActivityEntry, col int) string {
	switch col {
	case 0:
		return e.At.Local().Format("2006-01-02 15:04:05")
	case 1:
		return e.Actor
	case 2:
		return e.Action
	case 3:
		return e.Subject
	case 4:
		return e.Outcome
	}
	return e.Detail
}

func (p *activityPane) filter() core.ActivityFilter {
	f := core.ActivityFilter{Actor: p.actor.Text, Limit: activityPageSize}
	if p.action.SelectedIndex() > 0 {
		f.Action = p.action.Selected
	}
	return f
}

func (p *activityPane) reload() {
	p.entries = nil
	p.table.UnselectAll()
	p.entry.Importance = widget.LowImportance
	p.entry.SetText(activityHint)
	p.load(p.filter())
}

func (p *activityPane) loadMore() {
	f := p.filter()
	if n := len(p.entries); n > 0 {
		f.BeforeID = p.entries[n-1].ID
	}
	p.load(f)
}

func (p *activityPane) load(f core.ActivityFilter) {
	p.u.used()
	p.u.background(func(ctx context.Context) func() {
		page, err := p.u.core.Activity(ctx, p.u.session, f)
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			p.status.SetText("")
			p.entries = append(p.entries, page...)
			if len(page) < f.Limit {
				p.more.Disable()
			} else {
				p.more.Enable()
			}
			p.table.Refresh()
		}
	})
}

func (p *activityPane) saveCSV() {
	f := p.filter()
	f.Limit = 0
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.status.Fail(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		p.u.background(func(ctx context.Context) func() {
			err := p.u.core.ExportActivityCSV(ctx, p.u.session, w, f)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return func() {
				if err != nil {
					p.status.SetText("The activity log was not saved: " + message(err))
					return
				}
				p.status.SetText("")
				showInfo(p.u.win, "Saved", "The activity log was saved to "+w.URI().Path()+".")
			}
		})
	}, p.u.win)
	d.SetFileName("activity.csv")
	d.Show()
}
