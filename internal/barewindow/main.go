// Command barewindow is the smallest Fyne window with two tabs, a label each: the yardstick
// that the app's start-up memory is measured against (see BenchmarkStartMemory in the
// repository's root package).
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.New()
	w := a.NewWindow("Bare window")
	w.SetContent(container.NewAppTabs(
		container.NewTabItem("One", widget.NewLabel("One")),
		container.NewTabItem("Two", widget.NewLabel("Two")),
	))
	w.ShowAndRun()
}
