package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// button is the app's button. Fyne's own answers Space only; people expect Enter to press
// the button that has the keyboard focus, as the README promises. It also draws a focus ring
// (see focusRing), which Fyne's button does not.
type button struct {
	widget.Button
	focused bool // Fyne's own flag is private; the ring needs to know
}

func newButton(label string, tapped func()) *button {
	return newButtonWithIcon(label, nil, tapped)
}

func newButtonWithIcon(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey taps the button on Enter or Return, and passes the other keys to Fyne's button.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		b.Tapped(nil) // as Space does: nothing when disabled
		return
	}
	b.Button.TypedKey(ev)
}

// FocusGained shows the ring, then lets Fyne's button do its part (which refreshes).
func (b *button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost hides the ring, then lets Fyne's button do its part (which refreshes).
func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer is Fyne's button renderer with the focus ring drawn over it.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newFocusRing(b.Button.CreateRenderer(), &b.Button, func() bool { return b.focused })
}

// The tabs in keyboard order: Sources, then the Admin tab's.
const (
	tabSources = iota
	tabIntegrations
	tabUsers
	tabActivity
	tabSettings
)

// tabNames are the tabs' titles, indexed by the constants above: the tabs themselves and the
// places Ctrl+1 … Ctrl+5 (Cmd on macOS) go to, in tabKeys' order.
var tabNames = []string{"Sources", "Integrations", "Users", "Activity", "Settings"}

// goMenu lists the tabs with their shortcuts. Fyne's desktop driver tries the main menu's
// shortcuts before the focused widget: an entry, which takes every shortcut it is sent and
// drops those it does not know, would otherwise swallow Ctrl+1 … Ctrl+5.
func (u *UI) goMenu() *fyne.Menu {
	m := fyne.NewMenu("Go")
	for i, name := range tabNames {
		if i > 0 && (u.home == nil || u.home.admin == nil) {
			break // only administrators have the Admin tab
		}
		item := fyne.NewMenuItem(name, func() { u.goTab(i) })
		item.Shortcut = &desktop.CustomShortcut{KeyName: tabKeys[i], Modifier: fyne.KeyModifierShortcutDefault}
		m.Items = append(m.Items, item)
	}
	return m
}

// goTab shows the tab at place i of tabNames, if someone is signed in.
func (u *UI) goTab(i int) {
	if u.home != nil {
		u.used()
		u.home.showTab(i)
	}
}
