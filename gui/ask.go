package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// showInfo shows a message with OK, which has the focus: Enter closes it, and so does Escape.
func showInfo(w fyne.Window, title, msg string) {
	var d *dialog.CustomDialog
	hide := func() { d.Hide() }
	ok := newDialogButton("OK", theme.ConfirmIcon(), hide, hide)
	ok.Importance = widget.HighImportance
	d = textDialog(w, title, msg, ok)
	keysAnswer(w, d, hide, hide)
	d.Show()
	w.Canvas().Focus(ok)
}

// showConfirm asks before an action: the confirm button says what happens (verb), Cancel
// and Escape do nothing, and done runs only on confirm. Cancel has the focus, so that Enter
// alone never does what cannot be undone.
func showConfirm(w fyne.Window, title, msg, verb string, done func()) {
	var d *dialog.CustomDialog
	hide := func() { d.Hide() }
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	yes := newDialogButton(verb, theme.ConfirmIcon(), hide, func() {
		d.Hide()
		done()
	})
	yes.Importance = widget.DangerImportance
	d = textDialog(w, title, msg, cancel, yes)
	escapeCloses(w, d, hide)
	d.Show()
	w.Canvas().Focus(cancel)
}

const (
	dialogPadding = 32  // Fyne's padding around a dialog's content
	dialogChrome  = 110 // a dialog's title, buttons and padding, above and below its content
)

// textDialog is a message box sized as Fyne sizes its own, without their icon: Fyne draws it
// as a large watermark under the text, where it covers the words of a long message.
func textDialog(w fyne.Window, title, msg string, buttons ...*dialogButton) *dialog.CustomDialog {
	text := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomWithoutButtons(title, text, w)
	objs := make([]fyne.CanvasObject, len(buttons))
	for i, b := range buttons {
		objs[i] = b
	}
	d.SetButtons(objs)
	width := widget.NewLabel(msg).MinSize().Width + dialogPadding + theme.Padding()*2
	width = min(width, 560, max(w.Canvas().Size().Width*0.8, 320))
	// A wrapped label knows its height only once it knows its width.
	text.Resize(fyne.NewSize(width-2*dialogPadding, text.MinSize().Height))
	d.Resize(fyne.NewSize(width, text.MinSize().Height+buttons[0].MinSize().Height+dialogChrome))
	return d
}

// problemDialog is what showProblem shows, for tests.
type problemDialog struct {
	d       *dialog.CustomDialog
	text    *widget.Label // the words
	details *widget.Label // the error as core wrote it, shown by showDetails
	toggle  *dialogButton // shows and hides details
	actions []*dialogButton
}

// problemWidth is the width of showProblem's dialog, whose text wraps.
const problemWidth = 540

// showProblem shows what went wrong in words a person can act on, the technical detail one
// click away (Details), and the actions that may put it right beside Close. The first
// action, else Close, has the focus.
func showProblem(w fyne.Window, title string, err error, actions ...*dialogButton) *problemDialog {
	words := message(err)
	p := &problemDialog{text: wrapLabel(words), details: wrapLabel(details(err, words)), actions: actions}
	p.details.Hide()
	hide := func() { p.d.Hide() }
	p.toggle = newDialogButton("Details", theme.MenuDropDownIcon(), hide, p.flipDetails)
	p.toggle.Importance = widget.LowImportance
	if p.details.Text == "" { // Details would only repeat the words
		p.toggle.Hide()
	}
	buttons := make([]fyne.CanvasObject, 0, len(actions)+1)
	for _, a := range actions {
		act := a.OnTapped
		a.OnTapped = func() { hide(); act() }
		a.escape = hide
		buttons = append(buttons, a)
	}
	closeButton := newDialogButton("Close", theme.CancelIcon(), hide, hide)
	buttons = append(buttons, closeButton)
	body := container.NewVBox(p.text, container.NewHBox(p.toggle), p.details)
	p.d = dialog.NewCustomWithoutButtons(title, body, w)
	p.d.SetButtons(buttons)
	p.fit()
	escapeCloses(w, p.d, hide)
	p.d.Show()
	if len(actions) > 0 {
		w.Canvas().Focus(actions[0])
	} else {
		w.Canvas().Focus(closeButton)
	}
	return p
}

// flipDetails shows or hides the error as core wrote it.
func (p *problemDialog) flipDetails() {
	if p.details.Visible() {
		p.details.Hide()
		p.toggle.SetIcon(theme.MenuDropDownIcon())
	} else {
		p.details.Show()
		p.toggle.SetIcon(theme.MenuDropUpIcon())
	}
	p.fit()
}

// fit sizes the dialog to its wrapped text: a wrapped label knows its height only once it
// knows its width.
func (p *problemDialog) fit() {
	height := float32(0)
	for _, l := range []*widget.Label{p.text, p.details} {
		if l.Visible() {
			l.Resize(fyne.NewSize(problemWidth-2*dialogPadding, l.MinSize().Height))
			height += l.MinSize().Height + theme.Padding()
		}
	}
	if p.toggle.Visible() {
		height += p.toggle.MinSize().Height
	}
	p.d.Resize(fyne.NewSize(problemWidth, height+dialogChrome))
}

// detailsBox keeps a technical detail (an id, a system's name for a thing) behind a
// Details… button: the words around it say what a person needs, and the detail someone may
// ask for is one tap away.
type detailsBox struct {
	button *button
	text   *widget.Label
	box    *fyne.Container
}

func newDetailsBox() *detailsBox {
	d := &detailsBox{text: wrapLabel("")}
	d.text.Hide()
	d.button = newButtonWithIcon("Details…", theme.InfoIcon(), func() {
		if d.text.Visible() {
			d.text.Hide()
			d.button.SetText("Details…")
		} else {
			d.text.Show()
			d.button.SetText("Hide details")
		}
	})
	d.box = container.NewVBox(container.NewHBox(d.button), d.text)
	return d
}

// SetText sets the detail, shown or not as before.
func (d *detailsBox) SetText(s string) { d.text.SetText(s) }
