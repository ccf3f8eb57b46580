package gui

import (
	"slices"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// sourceColumn is a column of the Sources table.
type sourceColumn int

const (
	colIntegration sourceColumn = iota
	colAccount
	colOwner
	colHealth
	colRenewal
	colRefreshed
)

// columnTitles head the columns; columnFit is what a column must show whole however narrow
// the window: a date, a badge.
var (
	columnTitles = [...]string{"Integration", "Account", "Owner", "Health", "Token", "Refreshed"}
	columnFit    = [...]string{"", "", "", "Needs reconnect", "", "2026-12-31"}
)

// sourceColumns are the columns a session sees: the owner only for those who see other
// people's sources.
func sourceColumns(showOwner bool) []sourceColumn {
	if showOwner {
		return []sourceColumn{colIntegration, colAccount, colOwner, colHealth, colRenewal, colRefreshed}
	}
	return []sourceColumn{colIntegration, colAccount, colHealth, colRenewal, colRefreshed}
}

// tableColumns are the widths the header and every row share, so that they line up. Each
// column wants the width of its content that must show whole among the sources loaded (a
// name, a badge); the health detail is more, shown as far as there is room after the rest.
// When the window is too narrow for what must show, the widest columns give way first, down
// to their floor (the title, a badge, a date): a short name is never cut while a long one has
// room to spare.
type tableColumns struct {
	floor, want, more []float32
	gen               int // counts the changes of want and more, so that a row knows to lay out again

	forWidth float32 // the width widths was last worked out for, and its answer
	forGen   int
	last     []float32
}

func newTableColumns(cols []sourceColumn) *tableColumns {
	t := &tableColumns{more: make([]float32, len(cols))}
	for _, c := range cols {
		// The header's title; its sort arrow too where there is room (titled, below).
		floor := (&widget.Button{Text: columnTitles[c]}).MinSize().Width
		if c == colHealth {
			floor = max(floor, badgeWidth(columnFit[c]))
		} else if columnFit[c] != "" {
			floor = max(floor, textWidth(columnFit[c], false))
		}
		t.floor = append(t.floor, floor)
	}
	t.want = slices.Clone(t.floor)
	return t
}

// titled is w, or the width of column c's title with its sort arrow if wider.
func titled(c sourceColumn, w float32) float32 {
	return max(w, (&widget.Button{Text: columnTitles[c], Icon: theme.MenuDropUpIcon()}).MinSize().Width)
}

// badgeWidth is the width of a health badge saying word.
func badgeWidth(word string) float32 {
	b := newBadge()
	b.set(word, widget.MediumImportance)
	return b.MinSize().Width
}

// textWidth is the width of a label showing s whole, bold or not, padding included, and a
// point more: a label exactly as wide as its text cuts it, the measures rounded differently.
func textWidth(s string, bold bool) float32 {
	return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width + 2*theme.InnerPadding() + 1
}

// fit makes each column want the width of its widest content in list, as of now. It measures
// one text per column (the longest by characters) and one per health word and renewal kind,
// so that 10,000 sources cost a pass of comparisons and no new strings.
func (t *tableColumns) fit(cols []sourceColumn, list []core.Source, now time.Time) {
	var longest [colRefreshed + 1]string
	badges := map[string]bool{}
	renewals := map[core.RenewalKind]core.Renewal{} // of each kind, the one furthest away
	longer := func(c sourceColumn, s string) {
		if len(s) > len(longest[c]) && utf8.RuneCountInString(s) > utf8.RuneCountInString(longest[c]) {
			longest[c] = s
		}
	}
	for _, src := range list {
		longer(colIntegration, src.IntegrationName)
		longer(colAccount, src.Account)
		longer(colOwner, src.Owner)
		longer(colHealth, src.StatusDetail)
		badges[src.Status] = true
		if r, ok := renewals[src.Renewal.Kind]; !ok || src.Renewal.By.After(r.By) {
			renewals[src.Renewal.Kind] = src.Renewal
		}
	}
	want, more := make([]float32, len(cols)), make([]float32, len(cols))
	for i, c := range cols {
		var w float32
		switch c {
		case colIntegration:
			w = theme.IconInlineSize() + theme.Padding() + textWidth(core.Printable(longest[c]), false)
		case colAccount, colOwner:
			w = textWidth(core.Printable(longest[c]), false)
		case colHealth:
			for status := range badges {
				word, _ := statusText(core.Source{Status: status})
				w = max(w, badgeWidth(word))
			}
			if longest[c] != "" {
				more[i] = theme.Padding() + textWidth(core.Printable(longest[c]), false)
			}
		case colRenewal:
			for _, r := range renewals {
				text, _ := renewalText(r, now)
				w = max(w, textWidth(text, false))
			}
		}
		want[i] = titled(c, max(w, t.floor[i]))
	}
	if !slices.Equal(want, t.want) || !slices.Equal(more, t.more) {
		t.want, t.more = want, more
		t.gen++
	}
}

// widths shares free out. If it is enough, every column gets its want, then the health detail
// its more, and what is still left goes to all in proportion to what they have. Else the
// widest columns are cut to one width, the largest that fits, none below its floor.
func (t *tableColumns) widths(free float32) []float32 {
	if t.last != nil && t.forWidth == free && t.forGen == t.gen {
		return t.last
	}
	w := slices.Clone(t.want)
	need, more := sum(t.want), sum(t.more)
	switch {
	case need <= free:
		give := min(free-need, more)
		for i, m := range t.more {
			if more > 0 {
				w[i] += give * m / more
			}
		}
		if left := free - need - give; left > 0 {
			total := need + give
			for i := range w {
				w[i] += left * w[i] / total
			}
		}
	default:
		capped := func(limit float32) float32 {
			for i, x := range t.want {
				w[i] = max(t.floor[i], min(x, limit))
			}
			return sum(w)
		}
		lo, hi := float32(0), slices.Max(t.want)
		for range 24 { // halving the range: well under a point after 24 steps
			if mid := (lo + hi) / 2; capped(mid) > free {
				hi = mid
			} else {
				lo = mid
			}
		}
		capped(lo)
	}
	t.last, t.forWidth, t.forGen = w, free, t.gen
	return w
}

func sum(xs []float32) float32 {
	var s float32
	for _, x := range xs {
		s += x
	}
	return s
}

// minWidth is the narrowest the columns may be: each at its floor.
func (t *tableColumns) minWidth() float32 { return sum(t.floor) }

// columnsLayout places its objects side by side at the widths of the table's columns.
type columnsLayout struct{ t *tableColumns }

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := theme.Padding()
	widths := l.t.widths(size.Width - gap*float32(len(objs)-1))
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], size.Height))
		x += widths[i] + gap
	}
}

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s.Height = max(s.Height, o.MinSize().Height)
	}
	s.Width = l.t.minWidth() + theme.Padding()*float32(max(len(objs)-1, 0))
	return s
}

// sourceHeader is the table's header row: one button per column, which sorts by it.
type sourceHeader struct {
	cols    []sourceColumn
	buttons []*button
	box     *fyne.Container
}

func newSourceHeader(cols []sourceColumn, t *tableColumns, sortBy func(sourceColumn)) *sourceHeader {
	h := &sourceHeader{cols: cols}
	var objs []fyne.CanvasObject
	for _, c := range cols {
		b := newButton(columnTitles[c], func() { sortBy(c) })
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		h.buttons = append(h.buttons, b)
		objs = append(objs, b)
	}
	h.box = container.New(&columnsLayout{t}, objs...)
	return h
}

// show marks the column the table is sorted by with an arrow that says the direction.
func (h *sourceHeader) show(by sourceColumn, desc bool) {
	for i, c := range h.cols {
		switch {
		case c != by:
			h.buttons[i].SetIcon(nil)
		case desc:
			h.buttons[i].SetIcon(theme.MenuDropDownIcon())
		default:
			h.buttons[i].SetIcon(theme.MenuDropUpIcon())
		}
	}
}
