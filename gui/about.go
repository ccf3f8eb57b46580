package gui

import (
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
)

// aboutText is what the About dialog says: the same facts as --version, in words, so that a
// person reporting a problem can copy which build they run.
func aboutText(v core.BuildVersion) string {
	return fmt.Sprintf("Medialake Connect %s (build %d)\n\nCommit: %s\nGo: %s\nFyne: %s\nLicence: %s",
		v.Version, v.Build, v.Commit, v.Go, v.Fyne, core.License)
}

// aboutIconSize is the side of the app's icon in the About dialog.
const aboutIconSize = 64

// showAbout opens the About dialog from the Help menu: the app's icon, its versions, and the
// project's address as a link.
func (u *UI) showAbout() {
	v := core.Version()
	icon := canvas.NewImageFromResource(assets.AppIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(aboutIconSize, aboutIconSize))
	body := container.NewVBox(widget.NewLabel(aboutText(v)))
	if link, err := url.Parse(v.Website); err == nil && v.Website != "" {
		body.Add(widget.NewHyperlink(v.Website, link))
	}
	showContent(u.win, "About Medialake Connect", container.NewBorder(nil, nil, container.NewVBox(icon), nil, body))
}

// showShortcuts lists the window's shortcuts (shortcuts) and the keys every dialog answers
// (widgetKeys), from Help → Keyboard shortcuts.
func (u *UI) showShortcuts() {
	grid := container.New(layout.NewFormLayout())
	add := func(keys, what string) {
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(what))
	}
	for _, s := range shortcuts() {
		add(keysName(s.keys), s.what)
	}
	for _, k := range widgetKeys {
		add(k[0], k[1])
	}
	showContent(u.win, "Keyboard shortcuts", grid)
}

// showContent shows content in a dialog that OK, Enter or Escape closes, OK focused, as
// showInfo does for a message. Content taller than the window has room for scrolls, so that
// OK never lies over its last lines.
func showContent(w fyne.Window, title string, content fyne.CanvasObject) {
	var d *dialog.CustomDialog
	hide := func() { d.Hide() }
	ok := newDialogButton("OK", theme.ConfirmIcon(), hide, hide)
	ok.Importance = widget.HighImportance
	scroll, need := container.NewVScroll(content), content.MinSize()
	scroll.SetMinSize(fyne.NewSize(need.Width, max(0, min(need.Height, w.Canvas().Size().Height-dialogChrome))))
	d = dialog.NewCustomWithoutButtons(title, scroll, w)
	d.SetButtons([]fyne.CanvasObject{ok})
	keysAnswer(w, d, hide, hide)
	d.Show()
	w.Canvas().Focus(ok)
}
