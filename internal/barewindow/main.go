// Command barewindow is the smallest Fyne window with two tabs, a label each: the yardstick
// that the app's start-up memory is measured against (see BenchmarkStartMemory beside it).
// "barewindow WIDTH HEIGHT" opens it at that size instead of its least: X's shared image and
// the graphics buffers grow with a window's area.
package main

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"
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
	if len(os.Args) == 3 {
		width, err1 := strconv.Atoi(os.Args[1])
		height, err2 := strconv.Atoi(os.Args[2])
		if err1 != nil || err2 != nil {
			os.Stderr.WriteString("usage: barewindow [WIDTH HEIGHT]\n")
			os.Exit(2)
		}
		w.Resize(fyne.NewSize(float32(width), float32(height)))
	}
	w.ShowAndRun()
}
