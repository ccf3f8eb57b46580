package gui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
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

// columnTitles head the columns; columnWeights share the width out among them, and
// columnFit is what a column must show whole however narrow the window: a date, a badge.
var (
	columnTitles  = [...]string{"Integration", "Account", "Owner", "Health", "Token", "Last refresh"}
	columnWeights = [...]float32{4, 5, 2, 8, 6, 3}
	columnFit     = [...]string{"", "", "", "Needs reconnect", "", "2026-12-31"}
)

// sourceColumns are the columns a session sees: the owner only for those who see other
// people's sources.
func sourceColumns(showOwner bool) []sourceColumn {
	if showOwner {
		return []sourceColumn{colIntegration, colAccount, colOwner, colHealth, colRenewal, colRefreshed}
	}
	return []sourceColumn{colIntegration, colAccount, colHealth, colRenewal, colRefreshed}
}

// columnsLayout places its objects side by side, each as wide as its share of the weights
// but never narrower than its minimum, so that the header and every row line up.
type columnsLayout struct{ weights, mins []float32 }

func newColumnsLayout(cols []sourceColumn) *columnsLayout {
	l := &columnsLayout{}
	for _, c := range cols {
		l.weights = append(l.weights, columnWeights[c])
		var min float32
		if columnFit[c] != "" {
			// Room for the words, a badge's own padding and a label's.
			min = fyne.MeasureText(columnFit[c], theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 4*theme.InnerPadding()
		}
		l.mins = append(l.mins, min)
	}
	return l
}

// widths shares free out: first by weight; the columns that this leaves under their minimum
// get it, and the others share what remains by weight.
func (l *columnsLayout) widths(free float32) []float32 {
	w := make([]float32, len(l.weights))
	var rest, restWeight float32 = free, 0
	for i, m := range l.mins {
		if m > 0 && m > free*l.weights[i]/l.total() {
			w[i] = m
			rest -= m
		} else {
			restWeight += l.weights[i]
		}
	}
	for i := range w {
		if w[i] == 0 && restWeight > 0 {
			w[i] = max(rest, 0) * l.weights[i] / restWeight
		}
	}
	return w
}

func (l *columnsLayout) total() float32 {
	var t float32
	for _, w := range l.weights {
		t += w
	}
	return t
}

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := theme.Padding()
	widths := l.widths(size.Width - gap*float32(len(objs)-1))
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], size.Height))
		x += widths[i] + gap
	}
}

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width += max(m.Width, l.mins[i])
		s.Height = max(s.Height, m.Height)
	}
	s.Width += theme.Padding() * float32(max(len(objs)-1, 0))
	return s
}

// sourceHeader is the table's header row: one button per column, which sorts by it.
type sourceHeader struct {
	cols    []sourceColumn
	buttons []*button
	box     *fyne.Container
}

func newSourceHeader(cols []sourceColumn, sortBy func(sourceColumn)) *sourceHeader {
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
	h.box = container.New(newColumnsLayout(cols), objs...)
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

// sourceRow is one line of the table: provider mark and integration, account, owner,
// health badge (and its detail), renewal, last refresh.
type sourceRow struct {
	widget.BaseWidget
	cols                                         []sourceColumn
	icon                                         *widget.Icon
	integration, account, owner, detail, renewal *widget.Label
	refreshed                                    *widget.Label
	health                                       *badge
}

func newSourceRow(showOwner bool) *sourceRow {
	r := &sourceRow{cols: sourceColumns(showOwner), icon: widget.NewIcon(assets.ProviderIcon("")),
		health: newBadge()}
	for _, l := range []**widget.Label{&r.integration, &r.account, &r.owner, &r.detail, &r.renewal, &r.refreshed} {
		*l = widget.NewLabel("")
		(*l).Truncation = fyne.TextTruncateEllipsis
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *sourceRow) CreateRenderer() fyne.WidgetRenderer {
	cells := map[sourceColumn]fyne.CanvasObject{
		colIntegration: container.NewBorder(nil, nil, r.icon, nil, r.integration),
		colAccount:     r.account, colOwner: r.owner,
		colHealth:  container.NewBorder(nil, nil, r.health, nil, r.detail),
		colRenewal: r.renewal, colRefreshed: r.refreshed,
	}
	objs := make([]fyne.CanvasObject, len(r.cols))
	for i, c := range r.cols {
		objs[i] = cells[c]
	}
	return widget.NewSimpleRenderer(container.New(newColumnsLayout(r.cols), objs...))
}

// show fills the row with src as of now. It runs for the rows on screen only, so it does a
// fixed amount of work whatever the number of sources.
func (r *sourceRow) show(src core.Source, now time.Time) {
	if res := assets.ProviderIcon(src.Provider); r.icon.Resource != res {
		r.icon.SetResource(res)
	}
	setText(r.integration, core.Printable(src.IntegrationName))
	setText(r.account, core.Printable(src.Account))
	setText(r.owner, core.Printable(src.Owner))
	word, imp := statusText(src)
	r.health.set(word, imp)
	setText(r.detail, core.Printable(src.StatusDetail))
	text, imp := renewalText(src.Renewal, now)
	if r.renewal.Importance != imp {
		r.renewal.Importance = imp
		r.renewal.Refresh()
	}
	setText(r.renewal, text)
	setText(r.refreshed, ago(src.LastRefreshAt, now))
}

// setText sets l's text if it changed: a truncated label measures its text again on every
// SetText, and a reload shows most rows as they were.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// renewalText says when a source's token renews or expires, with the importance that
// colours it: a warning once two weeks or less are left.
func renewalText(rn core.Renewal, now time.Time) (string, widget.Importance) {
	switch rn.Kind {
	case core.RenewsAutomatically:
		return "Renews automatically", widget.MediumImportance
	case core.RenewalExpired:
		if rn.Why != "" {
			return "Ended (Testing app) — reconnect", widget.DangerImportance
		}
		return "Expired unused — reconnect", widget.DangerImportance
	case core.RenewalReconnect:
		return "Reconnect to renew", widget.WarningImportance
	case core.RenewalNone:
		return "—", widget.MediumImportance
	}
	days := int(rn.By.Sub(now).Hours() / 24)
	imp := widget.MediumImportance
	if days <= 14 {
		imp = widget.WarningImportance
	}
	left := core.Counted(days, "day")
	switch {
	case rn.Kind == core.RenewalEnds && days == 0:
		return "Ends today (Testing app)", widget.WarningImportance
	case rn.Kind == core.RenewalEnds:
		return "Ends in " + left + " (Testing app)", widget.WarningImportance
	case rn.Kind == core.RenewsWhileOpen && days == 0:
		return "Renews while the app runs (expires today)", imp
	case rn.Kind == core.RenewsWhileOpen:
		return "Renews while the app runs (" + left + " left)", imp
	case days == 0:
		return "Expires today — refresh before", imp
	}
	return "Expires in " + left + " — refresh before", imp
}

// statusText says a source's health in a word or two, with the importance that colours its
// badge; StatusDetail says why, beside it.
func statusText(src core.Source) (string, widget.Importance) {
	switch src.Status {
	case core.StatusConnected:
		return "Connected", widget.SuccessImportance
	case core.StatusNeedsReconnect:
		return "Needs reconnect", widget.WarningImportance
	case core.StatusOffline:
		return "Offline", widget.WarningImportance
	case core.StatusRevocationPending:
		return "Revocation pending", widget.WarningImportance
	case core.StatusError:
		return "Error", widget.DangerImportance
	}
	return core.Printable(src.Status), widget.MediumImportance
}

// badge is a word on a coloured pill: a source's health, readable at a glance.
type badge struct {
	widget.BaseWidget
	text string
	imp  widget.Importance
}

func newBadge() *badge {
	b := &badge{}
	b.ExtendBaseWidget(b)
	return b
}

func (b *badge) set(text string, imp widget.Importance) {
	if b.text == text && b.imp == imp {
		return
	}
	b.text, b.imp = text, imp
	b.Refresh()
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, pill: canvas.NewRectangle(nil), label: canvas.NewText("", nil)}
	r.label.TextStyle.Bold = true
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b     *badge
	pill  *canvas.Rectangle
	label *canvas.Text
}

func (r *badgeRenderer) pad() fyne.Size {
	th := r.b.Theme()
	return fyne.NewSize(th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNameInnerPadding)/2)
}

func (r *badgeRenderer) MinSize() fyne.Size {
	p, t := r.pad(), r.label.MinSize()
	// The outer padding keeps the pill clear of the cell's edges, as a label's text is.
	return fyne.NewSize(t.Width+2*p.Width+2*theme.Padding(), t.Height+2*p.Height+2*theme.Padding())
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	p, t := r.pad(), r.label.MinSize()
	pill := fyne.NewSize(t.Width+2*p.Width, t.Height+2*p.Height)
	at := fyne.NewPos(theme.Padding(), (size.Height-pill.Height)/2)
	r.pill.Move(at)
	r.pill.Resize(pill)
	r.label.Move(at.AddXY(p.Width, p.Height))
	r.label.Resize(t)
}

func (r *badgeRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg, fg := badgeColours(r.b.imp)
	r.pill.FillColor = th.Color(bg, v)
	r.pill.CornerRadius = th.Size(theme.SizeNameText)
	r.label.Color = th.Color(fg, v)
	r.label.TextSize = th.Size(theme.SizeNameCaptionText) + 1
	r.label.Text = r.b.text
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.pill, r.label} }

func (r *badgeRenderer) Destroy() {}

// badgeColours are the theme's colours of a pill of importance imp and of the text on it.
func badgeColours(imp widget.Importance) (bg, fg fyne.ThemeColorName) {
	switch imp {
	case widget.SuccessImportance:
		return theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case widget.WarningImportance:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	case widget.DangerImportance:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	}
	return theme.ColorNameDisabledButton, theme.ColorNameForeground
}

// sourceKeys are what the table sorts and filters by, lowered once per reload so that no
// comparison lowers a string.
type sourceKeys struct {
	integration, account, owner string
	health                      int
}

// keysOf returns the keys of every source. Owner and integration names repeat from row to
// row, so each is lowered once: 10,000 sources cost no 20,000 new strings.
func keysOf(list []core.Source) []sourceKeys {
	lowered := map[string]string{}
	lower := func(s string) string {
		l, ok := lowered[s]
		if !ok {
			l = strings.ToLower(s)
			lowered[s] = l
		}
		return l
	}
	keys := make([]sourceKeys, len(list))
	for i, src := range list {
		keys[i] = sourceKeys{integration: lower(src.IntegrationName), account: strings.ToLower(src.Account),
			owner: lower(src.Owner), health: healthRank(src.Status)}
	}
	return keys
}

// matches reports whether the filter text (lower case) is in what people read of src: its
// account, owner, integration or health.
func matches(src core.Source, k *sourceKeys, text string) bool {
	if strings.Contains(k.account, text) || strings.Contains(k.owner, text) || strings.Contains(k.integration, text) {
		return true
	}
	word, _ := statusText(src)
	return strings.Contains(strings.ToLower(word+" "+src.StatusDetail), text)
}

// healthRank orders health from worst to best, so that an ascending sort shows first what
// needs attention.
func healthRank(status string) int {
	switch status {
	case core.StatusError:
		return 0
	case core.StatusNeedsReconnect:
		return 1
	case core.StatusRevocationPending:
		return 2
	case core.StatusOffline:
		return 3
	}
	return 4
}

// renewalRank orders renewal from most to least urgent: expired, reconnect, expiring (the
// sooner first, by By), renewing while the app runs, renewing automatically, nothing to renew.
func renewalRank(rn core.Renewal) int {
	return [...]int{core.RenewalExpired: 0, core.RenewalReconnect: 1, core.RenewalExpires: 2,
		core.RenewalEnds: 2, core.RenewsWhileOpen: 3, core.RenewsAutomatically: 4, core.RenewalNone: 5}[rn.Kind]
}

// compareBy compares sources a and b (with their keys) by column c; ties go by account,
// then by id, so that the order never depends on the order the rows were read in.
func compareBy(c sourceColumn, a, b core.Source, ka, kb *sourceKeys) int {
	var d int
	switch c {
	case colIntegration:
		d = strings.Compare(ka.integration, kb.integration)
	case colOwner:
		d = strings.Compare(ka.owner, kb.owner)
	case colHealth:
		d = cmp.Compare(ka.health, kb.health)
	case colRenewal:
		d = cmp.Or(cmp.Compare(renewalRank(a.Renewal), renewalRank(b.Renewal)), a.Renewal.By.Compare(b.Renewal.By))
	case colRefreshed:
		d = a.LastRefreshAt.Compare(b.LastRefreshAt)
	}
	return cmp.Or(d, strings.Compare(ka.account, kb.account), cmp.Compare(a.ID, b.ID))
}

// sortSources puts all (and its keys, in step) in the order of column c, descending if desc.
// A list already in that order (core lists by account) is left as it is, at the cost of one
// pass.
func sortSources(all []core.Source, keys []sourceKeys, c sourceColumn, desc bool) {
	order := func(i, j int) int {
		d := compareBy(c, all[i], all[j], &keys[i], &keys[j])
		if desc {
			return -d
		}
		return d
	}
	sorted := true
	for i := 1; i < len(all) && sorted; i++ {
		sorted = order(i-1, i) <= 0
	}
	if sorted {
		return
	}
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, order)
	srcs, ks := slices.Clone(all), slices.Clone(keys)
	for to, from := range idx {
		all[to], keys[to] = srcs[from], ks[from]
	}
}
