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

// sourceRow is one line of the table: provider mark and integration, account, owner,
// health badge (and its detail), renewal, last refresh.
type sourceRow struct {
	widget.BaseWidget
	cols                                         []sourceColumn
	icon                                         *widget.Icon
	integration, account, owner, detail, renewal *widget.Label
	refreshed                                    *widget.Label
	health                                       *badge
	// table is the widths the row shares with the header and the other rows; cells is laid
	// out by it, as of its change laidOut.
	table   *tableColumns
	cells   *fyne.Container
	laidOut int
	// healthCell holds the badge and the detail: a badge whose word changes changes width.
	healthCell *fyne.Container
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
	r.healthCell = container.New(badgeThenText{}, r.health, r.detail)
	cells := map[sourceColumn]fyne.CanvasObject{
		colIntegration: container.NewBorder(nil, nil, r.icon, nil, r.integration),
		colAccount:     r.account, colOwner: r.owner,
		colHealth:  r.healthCell,
		colRenewal: r.renewal, colRefreshed: r.refreshed,
	}
	objs := make([]fyne.CanvasObject, len(r.cols))
	for i, c := range r.cols {
		objs[i] = cells[c]
	}
	if r.table == nil {
		r.table = newTableColumns(r.cols)
	}
	r.cells = container.New(&columnsLayout{r.table}, objs...)
	r.laidOut = r.table.gen
	return widget.NewSimpleRenderer(r.cells)
}

// badgeThenText lays out a badge at its width and, after it, a label in what is left of the
// cell: none, and hidden, when too little is left to show even an ellipsis.
type badgeThenText struct{}

func (badgeThenText) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	b := objs[0].MinSize().Width
	objs[0].Resize(fyne.NewSize(b, size.Height))
	objs[0].Move(fyne.NewPos(0, 0))
	rest := size.Width - b - theme.Padding()
	objs[1].Move(fyne.NewPos(b+theme.Padding(), 0))
	objs[1].Resize(fyne.NewSize(max(rest, 0), size.Height))
	if rest < textWidth("…", false) {
		objs[1].Hide()
	} else {
		objs[1].Show()
	}
}

func (badgeThenText) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(objs[0].MinSize().Width, max(objs[0].MinSize().Height, objs[1].MinSize().Height))
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
	if r.health.set(word, imp) && r.healthCell != nil {
		r.healthCell.Refresh()
	}
	setText(r.detail, core.Printable(src.StatusDetail))
	text, imp := renewalText(src.Renewal, now)
	if r.renewal.Importance != imp {
		r.renewal.Importance = imp
		r.renewal.Refresh()
	}
	setText(r.renewal, text)
	setText(r.refreshed, ago(src.LastRefreshAt, now))
	if r.cells != nil && r.laidOut != r.table.gen { // the columns changed width since
		r.laidOut = r.table.gen
		r.cells.Refresh()
	}
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

// set shows text in the colour of imp, and reports whether that changed what was shown.
func (b *badge) set(text string, imp widget.Importance) bool {
	if b.text == text && b.imp == imp {
		return false
	}
	b.text, b.imp = text, imp
	b.Refresh()
	return true
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

// filterHint names the columns among cols that the filter looks in (matches): "Filter by
// integration, account, owner or health", without the owner for those who see no owner column.
func filterHint(cols []sourceColumn) string {
	var names []string
	for _, c := range cols {
		if c != colRenewal && c != colRefreshed {
			names = append(names, strings.ToLower(columnTitles[c]))
		}
	}
	return "Filter by " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// matches reports whether the filter text (lower case) is in what people read of src: its
// account, owner, integration or health (filterHint names them).
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
