package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

type integrationsPane struct {
	content fyne.CanvasObject
}

func newIntegrationsPane(u *UI) *integrationsPane {
	return &integrationsPane{content: widget.NewLabel("Integrations")}
}
