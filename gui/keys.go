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
		item.Shortcut = tabShortcut(i)
		m.Items = append(m.Items, item)
	}
	return m
}

// goTab shows the tab at place i of tabNames, if someone is signed in and no dialog is open:
// a dialog is about the screen under it, which must not change while it asks.
func (u *UI) goTab(i int) {
	if u.dialogOpen() {
		return
	}
	if u.home != nil {
		u.used()
		u.home.showTab(i)
	}
}

// dialogOpen tells whether a dialog is over the window; a menu or a list that drops down is
// none.
func (u *UI) dialogOpen() bool {
	for _, o := range u.win.Canvas().Overlays().List() {
		if _, ok := o.(*widget.PopUp); ok {
			return true
		}
	}
	return false
}

// appShortcut is one of the window's shortcuts: its keys, what it does in words (the Help
// menu's Keyboard shortcuts lists them) and the action.
type appShortcut struct {
	keys *desktop.CustomShortcut
	what string
	run  func(u *UI)
}

var (
	lockShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	signOutShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// tabKeys are Ctrl+1 … Ctrl+5 (Cmd on macOS): Sources, Integrations, Users, Activity, Settings.
var tabKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5}

func tabShortcut(i int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: tabKeys[i], Modifier: fyne.KeyModifierShortcutDefault}
}

// shortcuts are the window's shortcuts, the one list that addShortcuts registers and Help →
// Keyboard shortcuts shows.
func shortcuts() []appShortcut {
	list := []appShortcut{
		{lockShortcut, "Lock", (*UI).lockNow},
		{signOutShortcut, "Sign out", (*UI).signOut},
	}
	for i, name := range tabNames {
		what := "Show " + name
		if i > 0 {
			what += " (administrators)"
		}
		list = append(list, appShortcut{tabShortcut(i), what, func(u *UI) { u.goTab(i) }})
	}
	return list
}

// widgetKeys are the keys every window and dialog answers, for Help → Keyboard shortcuts: the
// button's Enter above, Fyne's own focus keys, escapeCloses' Escape, a list's arrows.
var widgetKeys = [][2]string{
	{"Tab, Shift+Tab", "Move between fields and buttons"},
	{"Space, Enter", "Press the focused button"},
	{"Escape", "Cancel or close a dialog"},
	{"Arrow keys, Space", "Move in a list or table and select a row"},
}

// lockNow is the Lock shortcut's and menu item's action.
func (u *UI) lockNow() { u.lock("Locked. Sign in again to go on.") }

func (u *UI) addShortcuts() {
	for _, s := range shortcuts() {
		u.win.Canvas().AddShortcut(s.keys, func(fyne.Shortcut) { s.run(u) })
	}
}

// keysName says a shortcut's keys as people read them: Ctrl+L, or Cmd+L on macOS.
func keysName(s *desktop.CustomShortcut) string {
	name := ""
	for _, m := range []struct {
		mod  fyne.KeyModifier
		name string
	}{{fyne.KeyModifierControl, "Ctrl+"}, {fyne.KeyModifierSuper, "Cmd+"}, {fyne.KeyModifierAlt, "Alt+"}, {fyne.KeyModifierShift, "Shift+"}} {
		if s.Modifier&m.mod != 0 {
			name += m.name
		}
	}
	return name + string(s.KeyName)
}

func (u *UI) mainMenu() *fyne.MainMenu {
	lockItem := fyne.NewMenuItem("Lock", u.lockNow)
	lockItem.Shortcut = lockShortcut
	outItem := fyne.NewMenuItem("Sign out", u.signOut)
	outItem.Shortcut = signOutShortcut
	pass := fyne.NewMenuItem("Change passphrase…", u.showChangePassphrase)
	account := fyne.NewMenu("Account", pass, fyne.NewMenuItemSeparator(), lockItem, outItem)
	return fyne.NewMainMenu(account, u.goMenu(), u.helpMenu())
}

// helpMenu has the keyboard shortcuts and About.
func (u *UI) helpMenu() *fyne.Menu {
	return fyne.NewMenu("Help",
		fyne.NewMenuItem("Keyboard shortcuts", u.showShortcuts),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("About Medialake Connect", u.showAbout))
}
