package gui

import (
	"context"
	"errors"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// integrationChooser asks which enabled integration to connect through.
type integrationChooser struct {
	d      dialog.Dialog
	choice *dialogSelect
	ok     *dialogButton
}

// showConnect lists the enabled integrations, then asks which one to connect through.
func (p *sourcesPane) showConnect() {
	p.u.used()
	s := p.u.session
	p.u.background(func(ctx context.Context) func() {
		choices, err := p.u.core.EnabledIntegrations(ctx, s)
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			if len(choices) == 0 {
				p.nothingToConnect(s)
				return
			}
			p.chooseIntegration(choices)
		}
	})
}

// nothingToConnect says that no integration is enabled, and how that changes: an
// administrator gets a button to Admin → Integrations; anyone else is told who can do it.
func (p *sourcesPane) nothingToConnect(s *access.Session) {
	const title = "Nothing to connect to"
	if !access.Allowed(s.Privilege, access.IntegrationEnable, false) {
		showInfo(p.u.win, title, "No integration is enabled yet, and only an administrator of this workspace can set one up. "+
			"Ask one to add an integration under Admin → Integrations and enable it.")
		return
	}
	var d *dialog.CustomDialog
	hide := func() { d.Hide() }
	open := newDialogButton("Open Integrations", theme.SettingsIcon(), hide, func() {
		d.Hide()
		p.u.home.showTab(tabIntegrations)
	})
	open.Importance = widget.HighImportance
	d = textDialog(p.u.win, title, "No integration is enabled yet. Set one up and enable it under Admin → Integrations.",
		newDialogButton("Close", theme.CancelIcon(), hide, hide), open)
	escapeCloses(p.u.win, d, hide)
	d.Show()
	p.u.win.Canvas().Focus(open)
}

func (p *sourcesPane) chooseIntegration(choices []core.IntegrationChoice) {
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = core.Printable(c.Name)
	}
	c := &integrationChooser{}
	hide := func() { c.d.Hide() }
	c.choice = newDialogSelect(names, hide)
	c.choice.SetSelected(names[0])
	c.ok = newDialogButton("Connect", theme.ConfirmIcon(), hide, func() {
		for _, in := range choices {
			if core.Printable(in.Name) == c.choice.Selected {
				c.d.Hide()
				p.startFlow("Connect through "+core.Printable(in.Name), "Connected", func(ctx context.Context, s *access.Session, h core.FlowHooks) (core.Source, error) {
					return p.u.core.Connect(ctx, s, in.ID, h)
				})
				return
			}
		}
	})
	c.ok.Importance = widget.HighImportance
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	text := wrapLabel("Choose the integration to connect an account through. Your browser opens so that you sign in there; this app never sees your password.")
	body := container.NewVBox(text, widget.NewForm(widget.NewFormItem("Integration", c.choice)),
		container.NewHBox(layoutSpacer(), cancel, c.ok))
	c.d = dialog.NewCustomWithoutButtons("Connect an account", body, p.u.win)
	c.d.Resize(fyne.NewSize(520, body.MinSize().Height+60))
	escapeCloses(p.u.win, c.d, hide)
	c.d.Show()
	p.u.win.Canvas().Focus(c.ok) // Enter connects, Escape cancels
}

func (p *sourcesPane) startReconnect() {
	src, ok := p.current()
	if !ok {
		return
	}
	p.reconnectSource(src.ID, src.Account)
}

func (p *sourcesPane) reconnectSource(id int64, account string) {
	p.startFlow("Reconnect "+core.Printable(account), "Reconnected", func(ctx context.Context, s *access.Session, h core.FlowHooks) (core.Source, error) {
		return p.u.core.Reconnect(ctx, s, id, h)
	})
}

// startFlow opens the sign-in dialog and runs run (Connect or Reconnect) in the background.
// On success the dialog closes, the source appears selected, and the pane says it was done
// (Connected, Reconnected).
func (p *sourcesPane) startFlow(title, done string, run func(context.Context, *access.Session, core.FlowHooks) (core.Source, error)) {
	f := newAuthDialog(p.u, title, p.openURL, stepText)
	s := p.u.session
	f.run(p.tick, func(ctx context.Context, h core.FlowHooks) func() {
		src, err := run(ctx, s, h)
		return func() { p.flowEnded(f, src, err, done, func() { p.startFlow(title, done, run) }) }
	})
}

// flowEnded shows a connect's or reconnect's outcome: on success the dialog closes, the
// source is selected, the keyboard is on the table and done says what happened; on failure it says what went wrong and stays open, offering to
// reconnect an account that is already connected or, when the person declined at the
// provider (most often a slip of the mouse), to run again, the same sign-in anew.
func (p *sourcesPane) flowEnded(f *authDialog, src core.Source, err error, done string, again func()) {
	if !f.ended(err) {
		return
	}
	if err == nil {
		f.d.Hide()
		p.status.SetText("")
		p.showDone(done+" "+core.Printable(src.Account)+".", src.ID)
		p.u.win.Canvas().Focus(p.list)
		p.reload(src.ID)
		return
	}
	f.problem.Fail(err)
	var dup *core.AlreadyConnectedError
	if errors.As(err, &dup) {
		f.offer("Reconnect it", func() { p.reconnectSource(dup.SourceID, dup.Account) })
		p.reload(dup.SourceID)
	}
	f.offerAgain(err, again)
}

func stepText(ev core.FlowEvent) string {
	switch ev.Step {
	case core.FlowListening:
		return "Ready: waiting for the provider's answer on this computer."
	case core.FlowBrowserOpened:
		return "Your browser is opening: sign in there and allow access."
	case core.FlowBrowserFailed:
		return "No browser could be opened: copy the link below into a browser on this computer."
	case core.FlowCallbackReceived:
		return "The provider answered; finishing the sign-in…"
	case core.FlowCodeExchanged:
		return "Signed in; asking the provider which account it is…"
	case core.FlowAccountIdentified:
		return "Signed in as " + core.Printable(ev.Account) + "."
	case core.FlowFailed:
		return "The sign-in did not succeed."
	}
	return ""
}

// escapeCloses makes Escape run cancel while d is shown and no widget has the keyboard
// focus; dialogButton and dialogSelect pass it on when one of them has the focus.
func escapeCloses(w fyne.Window, d dialog.Dialog, cancel func()) {
	keysAnswer(w, d, cancel, nil)
}

// keysAnswer makes Escape run cancel, and Enter run enter if not nil, while d is shown and no
// widget has the keyboard focus.
func keysAnswer(w fyne.Window, d dialog.Dialog, cancel, enter func()) {
	c := w.Canvas()
	before := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch {
		case ev.Name == fyne.KeyEscape:
			cancel()
		case enter != nil && (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter):
			enter()
		case before != nil:
			before(ev)
		}
	})
	d.SetOnClosed(func() { c.SetOnTypedKey(before) })
}

// dialogButton is a button of a dialog: Enter taps it as Space does, and Escape runs the
// dialog's cancel while the button has the keyboard focus. It is the app's button, focus ring
// and all.
type dialogButton struct {
	button
	escape func()
}

func newDialogButton(label string, icon fyne.Resource, escape, tapped func()) *dialogButton {
	b := &dialogButton{escape: escape}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey handles Escape and Enter, and passes the other keys to the button.
func (b *dialogButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if b.escape != nil {
			b.escape()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// dialogSelect is a select of a dialog: Escape runs the dialog's cancel while it has the
// keyboard focus.
type dialogSelect struct {
	widget.Select
	escape func()
}

func newDialogSelect(options []string, escape func()) *dialogSelect {
	s := &dialogSelect{escape: escape}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey handles Escape and passes the other keys to the select.
func (s *dialogSelect) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && s.escape != nil {
		s.escape()
		return
	}
	s.Select.TypedKey(ev)
}

// dialogCheck is a check box of a dialog: Escape runs the dialog's cancel while it has the
// keyboard focus (a plain check box swallows Escape).
type dialogCheck struct {
	widget.Check
	escape func()
}

func newDialogCheck(label string, escape func()) *dialogCheck {
	c := &dialogCheck{escape: escape}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey handles Escape and passes the other keys to the check box.
func (c *dialogCheck) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && c.escape != nil {
		c.escape()
		return
	}
	c.Check.TypedKey(ev)
}

// dialogEntry is an entry of a dialog: Escape runs the dialog's cancel while it has the
// keyboard focus (a plain entry swallows Escape). formDialog sets escape.
type dialogEntry struct {
	widget.Entry
	escape func()
}

func newDialogEntry() *dialogEntry {
	e := &dialogEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// newDialogMultiLineEntry is a dialogEntry of several lines, where Return starts a new line.
func newDialogMultiLineEntry() *dialogEntry {
	e := newDialogEntry()
	e.MultiLine = true
	return e
}

// newDialogPasswordEntry is a dialogEntry that hides what is typed; the entry adds its own
// reveal button when it is first drawn.
func newDialogPasswordEntry() *dialogEntry {
	e := newDialogEntry()
	e.Password = true
	return e
}

// escapeFrom makes Escape run cancel from each of entries, the fields of one dialog.
func escapeFrom(cancel func(), entries ...*dialogEntry) {
	for _, e := range entries {
		e.escape = cancel
	}
}

// TypedKey handles Escape and passes the other keys to the entry.
func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}

// browser is the GUI's one way to open the system browser, given to core with every sign-in
// (core.FlowHooks.OpenURL) and used by the dialog's Open browser button. Core calls it from
// the flow's goroutine, and Fyne's OpenURL belongs to the UI goroutine: fyne.DoAndWait runs it
// there and hands its error back.
func browser(fa fyne.App) func(string) error {
	return func(raw string) error {
		link, err := url.Parse(raw)
		if err != nil {
			return err
		}
		fyne.DoAndWait(func() { err = fa.OpenURL(link) })
		return err
	}
}
