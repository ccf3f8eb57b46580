package gui

import (
	"fyne.io/fyne/v2"
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
	const dialogPadding = 32 // Fyne's padding around a dialog's content
	width := widget.NewLabel(msg).MinSize().Width + dialogPadding + theme.Padding()*2
	width = min(width, 560, max(w.Canvas().Size().Width*0.8, 320))
	d.Resize(fyne.NewSize(width, d.MinSize().Height))
	return d
}
