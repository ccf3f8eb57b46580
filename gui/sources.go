package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// sourcesPane lists the connected accounts.
type sourcesPane struct {
	content fyne.CanvasObject
}

func newSourcesPane(u *UI) *sourcesPane {
	return &sourcesPane{content: widget.NewLabel("No sources yet.")}
}
