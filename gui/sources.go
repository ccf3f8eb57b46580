package gui

import (
	"context"
	"fmt"

	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// sourcesPane is the Sources tab: every source the user may see, in a virtualised list (it
// stays smooth with 10,000 rows), a filter, and the actions the user's privilege allows.
type sourcesPane struct {
	u *UI

	all      []core.Source
	keys     []sourceKeys // what all[i] is sorted and filtered by
	shown    []core.Source
	selected int64 // id of the selected source; 0 when none
	// sortBy is the column the table is sorted by, descending if desc.
	sortBy sourceColumn
	desc   bool

	filter *widget.Entry
	cols   []sourceColumn
	table  *tableColumns
	header *sourceHeader
	list   *widget.List
	status *statusLine
	empty  *widget.Label // says why the list is empty
	notice *widget.Label // tells the owner which of their sources need reconnecting
	// done says that the last action succeeded ("Refreshed jane@example.com."), until
	// another source than doneFor is selected.
	done    *widget.Label
	doneFor int64

	connect, reconnect, refresh, disconnect, forget, details *button

	// openURL opens the system browser; tests replace it with a browser of their own.
	openURL func(string) error
	// tick is how often the connect dialog's countdown moves.
	tick time.Duration

	content fyne.CanvasObject
}

func newSourcesPane(u *UI) *sourcesPane {
	p := buildSourcesPane(u)
	p.reload(0)
	return p
}

// buildSourcesPane makes the widgets; reload fills them.
func buildSourcesPane(u *UI) *sourcesPane {
	// Sorted by account at first, the order core lists them in.
	p := &sourcesPane{u: u, status: statusLabel(), tick: time.Second, sortBy: colAccount}
	p.openURL = browser(u.fa)
	p.makeTable(access.SeesEverySource(u.session.Privilege))

	p.filter = widget.NewEntry()
	p.filter.SetPlaceHolder(filterHint(p.cols))
	p.filter.OnChanged = func(string) { p.u.used(); p.applyFilter() }

	p.connect = newButtonWithIcon("Connect…", theme.ContentAddIcon(), p.showConnect)
	p.connect.Importance = widget.HighImportance
	p.reconnect = newButtonWithIcon("Reconnect…", theme.LoginIcon(), p.startReconnect)
	p.refresh = newButtonWithIcon("Refresh now", theme.ViewRefreshIcon(), p.refreshNow)
	p.disconnect = newButtonWithIcon("Disconnect…", theme.DeleteIcon(), p.askDisconnect)
	p.forget = newButtonWithIcon("Forget on this computer…", theme.ContentClearIcon(), p.askForget)
	p.details = newButtonWithIcon("Details…", theme.InfoIcon(), p.showDetails)

	// A button for what the session may never do, even on its own sources, is not shown.
	for b, action := range map[*button]access.Action{p.connect: access.SourceConnect,
		p.reconnect: access.SourceReconnect, p.refresh: access.SourceRefresh,
		p.disconnect: access.SourceDisconnect, p.forget: access.SourceForget} {
		if !access.Allowed(u.session.Privilege, action, true) {
			b.Hide()
		}
	}
	// The bar goes on in a second row in a window too narrow for all its buttons.
	bar := container.New(&wrapRows{width: func() float32 {
		if p.content == nil {
			return 0
		}
		return p.content.Size().Width
	}}, p.connect, p.reconnect, p.refresh, p.disconnect, p.forget, p.details)
	p.notice = widget.NewLabel("")
	p.notice.Importance = widget.WarningImportance
	p.notice.Wrapping = fyne.TextWrapWord
	p.notice.Hide()
	p.done = widget.NewLabel("")
	p.done.Importance = widget.SuccessImportance
	p.done.Hide()
	top := container.NewVBox(bar, p.filter, p.header.box)
	// The messages come and go under the table, where they move neither a button nor a row.
	messages := container.NewVBox(p.notice, p.status, p.done)
	p.empty = widget.NewLabel("")
	p.empty.Alignment = fyne.TextAlignCenter
	p.content = container.NewBorder(top, messages, nil, nil, container.NewStack(p.list, container.NewCenter(p.empty)))
	p.refreshButtons()
	return p
}

// makeTable makes the header and the virtualised list of the table, with the owner column
// if showOwner.
func (p *sourcesPane) makeTable(showOwner bool) {
	p.cols = sourceColumns(showOwner)
	p.table = newTableColumns(p.cols)
	p.header = newSourceHeader(p.cols, p.table, p.sortByColumn)
	p.header.show(p.sortBy, p.desc)
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject {
			r := newSourceRow(showOwner)
			r.table = p.table
			return r
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.shown) {
				o.(*sourceRow).show(p.shown[id], p.u.deps.Now())
			}
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.shown) {
			p.selected = p.shown[id].ID
		}
		if p.doneFor != p.selected {
			p.showDone("", 0) // it spoke of another source
		}
		p.refreshButtons()
	}
	p.list.OnUnselected = func(widget.ListItemID) { p.selected = 0; p.refreshButtons() }
}

// reload reads the sources again and selects the one with id selectID, if not 0, else keeps
// the selection.
func (p *sourcesPane) reload(selectID int64) {
	s := p.u.session
	p.u.background(func(ctx context.Context) func() {
		list, err := p.u.core.Sources(ctx, s, core.SourceFilter{})
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			p.setSources(list)
			if selectID != 0 {
				p.selected = selectID
			}
			p.applyFilter()
		}
	})
}

func (p *sourcesPane) setSources(list []core.Source) {
	p.all = list
	p.showNotice()
	p.u.sourcesShown(list)
	p.keys = keysOf(list)
	sortSources(p.all, p.keys, p.sortBy, p.desc)
	gen := p.table.gen
	p.table.fit(p.cols, list, p.u.deps.Now())
	if gen != p.table.gen {
		p.header.box.Refresh()
	}
}

// sortByColumn sorts the table by column c, or turns the order round if it is sorted by c
// already. The selection stays on the same source.
func (p *sourcesPane) sortByColumn(c sourceColumn) {
	p.u.used()
	p.desc = c == p.sortBy && !p.desc
	p.sortBy = c
	p.header.show(c, p.desc)
	sortSources(p.all, p.keys, p.sortBy, p.desc)
	p.applyFilter()
}

// applyFilter shows the sources that match the filter and keeps the selection if it is
// among them.
func (p *sourcesPane) applyFilter() {
	text := strings.ToLower(strings.TrimSpace(p.filter.Text))
	p.shown = p.all
	if text != "" {
		p.shown = nil
		for i := range p.keys {
			if matches(p.all[i], &p.keys[i], text) {
				p.shown = append(p.shown, p.all[i])
			}
		}
	}
	p.list.Refresh()
	p.showEmpty(text != "")
	keep := p.selected
	p.list.UnselectAll()
	for i, src := range p.shown {
		if src.ID == keep {
			p.list.Select(i)
			p.list.ScrollTo(i)
			break
		}
	}
	p.refreshButtons()
}

// showNotice tells the signed-in user how many of their own sources need reconnecting.
func (p *sourcesPane) showNotice() {
	n := 0
	for _, src := range p.all {
		if src.OwnerID == p.u.session.UserID && src.Status == core.StatusNeedsReconnect {
			n++
		}
	}
	if n == 0 {
		p.notice.Hide()
		return
	}
	p.notice.SetText(fmt.Sprintf("%d of your sources need reconnecting: the provider no longer accepts their sign-in. "+
		"Select one marked \"Needs reconnect\" and press Reconnect.", n))
	p.notice.Show()
}

// showEmpty says why the list is empty, if it is.
func (p *sourcesPane) showEmpty(filtered bool) {
	switch {
	case len(p.shown) > 0:
		p.empty.Hide()
		return
	case filtered:
		p.empty.SetText("No source matches the filter.")
	case !access.Allowed(p.u.session.Privilege, access.SourceConnect, true):
		p.empty.SetText("No sources yet.")
	default:
		p.empty.SetText("No sources yet. Press Connect… to connect an account through your browser.")
	}
	p.empty.Show()
}

func (p *sourcesPane) current() (core.Source, bool) {
	for _, src := range p.shown {
		if src.ID == p.selected && p.selected != 0 {
			return src, true
		}
	}
	return core.Source{}, false
}

func (p *sourcesPane) refreshButtons() {
	src, ok := p.current()
	for _, b := range []*button{p.reconnect, p.refresh, p.disconnect, p.details} {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if ok && src.Status == core.StatusRevocationPending {
		p.forget.Enable()
	} else {
		p.forget.Disable()
	}
	// The keyboard never rests on a button that no longer applies (Disconnect…, once its
	// source is gone): it goes to the table.
	if b, ok := p.u.win.Canvas().Focused().(*button); ok && b.Disabled() {
		p.u.win.Canvas().Focus(p.list)
	}
}

// do runs a change to src in the background, then says so with done and reloads, or shows
// what went wrong under title, with Reconnect at hand where signing in again may put it right.
func (p *sourcesPane) do(title string, src core.Source, change func(ctx context.Context, s *access.Session) error, done string) {
	p.u.used()
	p.showDone("", 0)
	s, about := p.u.session, p.selected
	p.u.background(func(ctx context.Context) func() {
		err := change(ctx, s)
		return func() {
			if p.u.sessionLost(err) {
				return
			}
			p.status.SetText("")
			if err != nil {
				showProblem(p.u.win, title, err, p.remedies(src, err)...)
			} else {
				p.showDone(done, about)
			}
			p.reload(0)
		}
	})
}

// showDone shows text as the confirmation of what just succeeded to source id, or hides it
// if empty.
func (p *sourcesPane) showDone(text string, id int64) {
	p.doneFor = id
	p.done.SetText(text)
	if text == "" {
		p.done.Hide()
	} else {
		p.done.Show()
	}
}

// remedies are the actions that may put err, a failure on src, right: Reconnect when the
// provider no longer accepts the source's sign-in or refused to renew it, for a user who may
// reconnect it.
func (p *sourcesPane) remedies(src core.Source, err error) []*dialogButton {
	r := core.ReasonOf(err)
	if r != core.ReasonNeedsReconnect && r != core.ReasonProviderError {
		return nil
	}
	if !access.Allowed(p.u.session.Privilege, access.SourceReconnect, src.OwnerID == p.u.session.UserID) {
		return nil
	}
	b := newDialogButton("Reconnect…", theme.LoginIcon(), nil, func() { p.reconnectSource(src.ID, src.Account) })
	b.Importance = widget.HighImportance
	return []*dialogButton{b}
}

func (p *sourcesPane) refreshNow() {
	src, ok := p.current()
	if !ok {
		return
	}
	p.do("Refresh failed", src, func(ctx context.Context, s *access.Session) error {
		_, err := p.u.core.Refresh(ctx, s, src.ID)
		return err
	}, "Refreshed "+core.Printable(src.Account)+".")
}

func (p *sourcesPane) askDisconnect() {
	if src, ok := p.current(); ok && src.SharesGrant > 0 {
		p.askSharedGrant(src)
		return
	}
	p.askThenEnd("Disconnect", disconnected, func(src core.Source) (string, string) {
		explain := fmt.Sprintf("Its access will be revoked at %s, and its token will be deleted from this computer's keychain.", src.ProviderName)
		switch {
		case src.CannotRevoke != "":
			explain = "Its token will be deleted from this computer's keychain. " + src.CannotRevoke
		case src.RevokeEnds != "":
			explain += " " + src.RevokeEnds
		}
		return fmt.Sprintf("Disconnect %s from %s?", core.Printable(src.Account), core.Printable(src.IntegrationName)), explain
	}, p.u.core.Disconnect)
}

// askSharedGrant asks before disconnecting src, whose revocation would end other sources here
// too, and offers to forget it on this computer instead, which ends nothing else: Forget has
// the focus, and revoking is the button that says what it ends.
func (p *sourcesPane) askSharedGrant(src core.Source) {
	msg := fmt.Sprintf("Disconnect %s from %s? %s Here, %s of this account would stop working. "+
		"Forget on this computer deletes this source alone and leaves the access at %s.",
		core.Printable(src.Account), core.Printable(src.IntegrationName), src.RevokeEnds,
		core.Counted(src.SharesGrant, "other source"), src.ProviderName)
	var d *dialog.CustomDialog
	hide := func() { d.Hide() }
	end := func(verb, done string, how func(context.Context, *access.Session, int64) error) func() {
		return func() {
			d.Hide()
			p.do(verb+" failed", src, func(ctx context.Context, s *access.Session) error { return how(ctx, s, src.ID) }, done)
		}
	}
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	forget := newDialogButton("Forget on this computer", theme.ConfirmIcon(), hide, end("Forget", forgotten(src), p.u.core.Forget))
	forget.Importance = widget.HighImportance
	revoke := newDialogButton("Revoke for all", theme.DeleteIcon(), hide, end("Disconnect", disconnected(src), p.u.core.DisconnectShared))
	revoke.Importance = widget.DangerImportance
	d = textDialog(p.u.win, "Disconnect source", msg, cancel, forget, revoke)
	escapeCloses(p.u.win, d, hide)
	d.Show()
	p.u.win.Canvas().Focus(forget)
}

func (p *sourcesPane) askForget() {
	p.askThenEnd("Forget", forgotten, func(src core.Source) (string, string) {
		return fmt.Sprintf("Forget %s of %s on this computer?", core.Printable(src.Account), core.Printable(src.IntegrationName)),
			fmt.Sprintf("It will be deleted from this computer without telling %s: the access it granted will stay "+
				"valid there until it expires or is revoked in the account's own settings.", src.ProviderName)
	}, p.u.core.Forget)
}

// askThenEnd asks the question ask makes of the selected source (naming it and its
// integration) and says what will happen, and on yes ends the source with end and says so
// with done.
func (p *sourcesPane) askThenEnd(verb string, done func(core.Source) string, ask func(core.Source) (question, explain string),
	end func(context.Context, *access.Session, int64) error) {
	src, ok := p.current()
	if !ok {
		return
	}
	// The question goes in the text, which wraps: a title as long as the names in it would
	// widen the window.
	question, explain := ask(src)
	showConfirm(p.u.win, verb+" source", question+" "+explain, verb, func() {
		p.do(verb+" failed", src, func(ctx context.Context, s *access.Session) error { return end(ctx, s, src.ID) }, done(src))
	})
}

// disconnected and forgotten confirm that src was disconnected, or forgotten on this computer.
func disconnected(src core.Source) string { return "Disconnected " + core.Printable(src.Account) + "." }

func forgotten(src core.Source) string {
	return "Forgot " + core.Printable(src.Account) + " on this computer."
}

func (p *sourcesPane) showDetails() {
	src, ok := p.current()
	if !ok {
		return
	}
	s := p.u.session
	p.u.background(func(ctx context.Context) func() {
		d, err := p.u.core.SourceDetails(ctx, s, src.ID)
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			status, _ := statusText(d)
			if d.StatusDetail != "" {
				status += ": " + d.StatusDetail
			}
			renewal, _ := renewalText(d.Renewal, p.u.deps.Now())
			if d.Renewal.Why != "" {
				renewal += ": " + d.Renewal.Why + "."
			}
			granted := make([]string, len(d.Scopes)) // as the provider sent them
			for i, sc := range d.Scopes {
				granted[i] = core.Printable(sc)
			}
			scopes := strings.Join(granted, "\n")
			if scopes == "" {
				scopes = "none recorded"
			}
			when := func(t time.Time) string {
				if t.IsZero() {
					return "never"
				}
				return t.Local().Format("2006-01-02 15:04")
			}
			var dlg *dialog.CustomDialog
			hide := func() { dlg.Hide() }
			form := widget.NewForm(
				widget.NewFormItem("Source", widget.NewLabel(fmt.Sprintf("%d (scripts: medialake-connect token %d)", d.ID, d.ID))),
				widget.NewFormItem("Account", widget.NewLabel(core.Printable(d.Account))),
				widget.NewFormItem("Integration", widget.NewLabel(integrationAndProvider(d))),
				widget.NewFormItem("Owner", widget.NewLabel(core.Printable(d.Owner))),
				widget.NewFormItem("Health", wrapLabel(core.Printable(status))),
				widget.NewFormItem("Token", wrapLabel(renewal)),
				widget.NewFormItem("Scopes granted", widget.NewLabel(scopes)),
				widget.NewFormItem("Connected", widget.NewLabel(when(d.CreatedAt))),
				widget.NewFormItem("Last refresh", widget.NewLabel(when(d.LastRefreshAt))),
				widget.NewFormItem("Programs", p.scriptAccessBox(d, hide)),
			)
			// Scrolled, and no taller than the window: a long status wraps over many lines.
			dlg = dialog.NewCustomWithoutButtons("Source details", container.NewVScroll(form), p.u.win)
			dlg.SetButtons([]fyne.CanvasObject{newDialogButton("Close", theme.CancelIcon(), hide, hide)})
			dlg.Resize(fyne.NewSize(520, min(form.MinSize().Height+dialogChrome, p.u.win.Canvas().Size().Height-dialogPadding)))
			keysAnswer(p.u.win, dlg, hide, hide) // Escape or Enter closes it; so do they on a focused control
			dlg.Show()
		}
	})
}

// wrapLabel is a label whose text wraps at word boundaries.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// integrationAndProvider names a source's integration, and its provider where the two names
// differ: "Team Drive (Google Drive)", but "Box" for the preset named after its provider;
// made printable.
func integrationAndProvider(src core.Source) string {
	if src.ProviderName == "" || src.ProviderName == src.IntegrationName {
		return core.Printable(src.IntegrationName)
	}
	return core.Printable(src.IntegrationName + " (" + src.ProviderName + ")")
}
