package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// ShowFatal shows a window that says why the app cannot start, for people who started it from
// a desktop menu and see no terminal, and runs until it is closed.
func ShowFatal(fa fyne.App, err error) {
	w := fa.NewWindow(Title)
	w.SetContent(fatalScreen(err))
	w.Resize(fyne.NewSize(640, 260))
	w.ShowAndRun()
}

// fatalScreen says what went wrong and what to do about it.
func fatalScreen(err error) fyne.CanvasObject {
	head := widget.NewLabelWithStyle("The workspace could not be opened", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what := widget.NewLabel(message(err))
	what.Wrapping = fyne.TextWrapWord
	hint := "Check that the workspace folder is yours and readable, then start the app again."
	switch {
	case errors.Is(err, core.ErrNotOurs):
		hint = "The file is not a Medialake Connect workspace; nothing was changed in it. Start the app with " +
			"--home DIR (or $" + core.HomeEnv + ") pointing to another folder, or move the file away."
	case errors.Is(err, core.ErrTooNew):
		hint = "A newer version of Medialake Connect wrote this workspace; nothing was changed in it. " +
			"Install that version to open it."
	}
	how := widget.NewLabel(hint)
	how.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(head, what, how))
}
