package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

const activityPageSize = 200

const activityHint = "Select a row to read the whole entry here."

// activityTimeWidth and activityOutcomeWidth are the widths of the time and the outcome in a
// row of the log; the sentence takes the rest.
const (
	activityTimeWidth    = 160
	activityOutcomeWidth = 100
)

// activityPane shows the activity log newest first, a sentence per entry, filtered by user and
// action, a page at a time (the list only ever holds what has been loaded), and saves it as CSV.
// A click selects a whole row, whose entry then shows in full under the list.
type activityPane struct {
	u       *UI
	actor   *widget.Entry
	action  *widget.Select
	actions []access.Action // the filter's actions, in the order of action's options after "All actions"
	list    *widget.List
	more    *button
	status  *statusLine
	entry   *widget.Label // the selected entry in full
	entries []core.ActivityEntry
	content fyne.CanvasObject
}

func newActivityPane(u *UI) *activityPane {
	p := &activityPane{u: u, actor: widget.NewEntry(), status: statusLabel(), actions: core.Actions()}
	p.actor.SetPlaceHolder("Filter by user")
	p.actor.OnSubmitted = func(string) { p.reload() }
	options := []string{"All actions"}
	for _, a := range p.actions {
		options = append(options, actionLabel(a))
	}
	p.action = widget.NewSelect(options, nil)
	p.action.SetSelectedIndex(0)
	p.action.OnChanged = func(string) { p.reload() }

	p.list = widget.NewList(
		func() int { return len(p.entries) },
		func() fyne.CanvasObject { return newActivityRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*activityRow).show(p.entries[id]) },
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(p.entries) {
			p.showEntry(p.entries[id])
		}
	}
	header := newActivityRow()
	header.set("Time", "Outcome", "What happened")
	for _, l := range []*widget.Label{header.at, header.outcome, header.what} {
		l.TextStyle.Bold = true
	}
	p.entry = wrapLabel(activityHint)

	p.more = newButton("Load older entries", p.loadMore)
	refresh := newButtonWithIcon("Refresh", theme.ViewRefreshIcon(), p.reload)
	save := newButtonWithIcon("Save as CSV…", theme.DocumentSaveIcon(), p.saveCSV)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(p.action, refresh, save), p.actor)
	p.content = container.NewBorder(container.NewVBox(filters, p.status, header),
		container.NewVBox(widget.NewSeparator(), p.entry, p.more), nil, nil, p.list)
	p.reload()
	return p
}

// activityRow is one row of the log: the time and the outcome at fixed widths, then the
// sentence, which ends in "…" when cut short.
type activityRow struct {
	widget.BaseWidget
	at, outcome, what *widget.Label
}

func newActivityRow() *activityRow {
	r := &activityRow{at: widget.NewLabel(""), outcome: widget.NewLabel(""), what: widget.NewLabel("")}
	for _, l := range []*widget.Label{r.at, r.outcome, r.what} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *activityRow) set(at, outcome, what string) {
	r.at.SetText(at)
	r.outcome.SetText(outcome)
	r.what.SetText(what)
}

func (r *activityRow) show(e core.ActivityEntry) {
	r.set(activityTime(e), outcomeWord(e.Outcome), activitySentence(e))
}

func (r *activityRow) CreateRenderer() fyne.WidgetRenderer {
	height := r.at.MinSize().Height
	fixed := container.NewHBox(
		container.NewGridWrap(fyne.NewSize(activityTimeWidth, height), r.at),
		container.NewGridWrap(fyne.NewSize(activityOutcomeWidth, height), r.outcome))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, fixed, nil, r.what))
}

func activityTime(e core.ActivityEntry) string { return e.At.Local().Format("2006-01-02 15:04:05") }

// showEntry shows e in full under the list, whose rows may be cut short: the time and the
// outcome, then the sentence.
func (p *activityPane) showEntry(e core.ActivityEntry) {
	p.entry.Importance = widget.MediumImportance
	p.entry.SetText(activityTime(e) + " · " + outcomeWord(e.Outcome) + "\n" + activitySentence(e))
}

func (p *activityPane) filter() core.ActivityFilter {
	f := core.ActivityFilter{Actor: p.actor.Text, Limit: activityPageSize}
	if i := p.action.SelectedIndex(); i > 0 {
		f.Action = string(p.actions[i-1])
	}
	return f
}

func (p *activityPane) reload() {
	p.entries = nil
	p.list.UnselectAll()
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
			p.list.Refresh()
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
