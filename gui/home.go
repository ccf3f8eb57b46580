package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// homeScreen is what a signed-in person sees: Sources for everyone, beside the Admin tab
// (Integrations, Users, Activity, Settings) for administrators, and a status line.
type homeScreen struct {
	tabs         *container.AppTabs // Sources and Admin; nil for those who see Sources alone
	adminTab     *container.TabItem
	admin        *container.AppTabs // Integrations, Users, Activity, Settings
	sources      *sourcesPane
	integrations *integrationsPane
	users        *usersPane
	activity     *activityPane
	settings     *settingsPane
	who          *widget.Label
	network      *widget.Label // shown while sources cannot reach their provider
	keychain     *widget.Label
	keychainWhy  *button // shows why the keychain is unavailable
	content      fyne.CanvasObject
}

func newHomeScreen(u *UI) *homeScreen {
	h := &homeScreen{
		who:      widget.NewLabel(""),
		keychain: widget.NewLabel(""),
	}
	h.who.SetText("Signed in as " + u.session.Name + " (" + privilegeLabel(u.session.Privilege) + ")")
	h.sources = newSourcesPane(u)
	// Sources alone for those who see no Admin tab: a tab bar with one tab would say nothing.
	var main fyne.CanvasObject = h.sources.content
	if access.Allowed(u.session.Privilege, access.IntegrationView, false) { // the Admin tab
		h.integrations = newIntegrationsPane(u)
		h.users = newUsersPane(u)
		h.activity = newActivityPane(u)
		h.settings = newSettingsPane(u)
		activity := container.NewTabItemWithIcon(tabNames[tabActivity], theme.HistoryIcon(), h.activity.content)
		admin := container.NewAppTabs(
			container.NewTabItemWithIcon(tabNames[tabIntegrations], theme.SettingsIcon(), h.integrations.content),
			container.NewTabItemWithIcon(tabNames[tabUsers], theme.AccountIcon(), h.users.content),
			activity,
			container.NewTabItemWithIcon(tabNames[tabSettings], theme.ComputerIcon(), h.settings.content),
		)
		admin.OnSelected = func(t *container.TabItem) {
			u.used()
			u.win.Canvas().Unfocus() // a control of a hidden tab must not take keys
			if t == activity {
				h.activity.reload()
			}
		}
		h.admin = admin
		h.adminTab = container.NewTabItemWithIcon("Admin", theme.SettingsIcon(), admin)
		h.tabs = container.NewAppTabs(container.NewTabItemWithIcon(tabNames[tabSources], theme.StorageIcon(), h.sources.content), h.adminTab)
		h.tabs.OnSelected = func(*container.TabItem) {
			u.used()
			u.win.Canvas().Unfocus() // a control of a hidden tab must not take keys
		}
		main = h.tabs
	}

	lock := newButtonWithIcon("Lock", theme.VisibilityOffIcon(), func() { u.lock("Locked. Sign in again to go on.") })
	h.keychainWhy = newButtonWithIcon("Why?", theme.HelpIcon(), nil)
	h.keychainWhy.Importance = widget.LowImportance
	h.keychainWhy.Hide()
	// The offline notice has a row of its own and wraps: in the status row, a long one would
	// widen the window.
	h.network = widget.NewLabel("")
	h.network.Importance = widget.WarningImportance
	h.network.Wrapping = fyne.TextWrapWord
	h.network.Hide()
	status := container.NewHBox(h.who, widget.NewSeparator(), h.keychain, h.keychainWhy, layout.NewSpacer(), lock)
	h.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), h.network, status), nil, nil, main)
	h.probeKeychain(u)
	return h
}

// showTab selects a tab by its place in the keyboard order: 0 Sources, then the Admin tab's
// Integrations, Users, Activity and Settings. Places the user may not see are ignored.
func (h *homeScreen) showTab(n int) {
	if h.tabs == nil { // Sources alone, always shown
		return
	}
	if n == tabSources {
		h.tabs.SelectIndex(0)
		return
	}
	if h.admin == nil || n > len(h.admin.Items) {
		return
	}
	h.tabs.Select(h.adminTab)
	h.admin.SelectIndex(n - 1)
}

// showOffline tells, in the status line, how many of the sources in list cannot reach their
// provider. The sources pane calls it with every list it loads, so the notice goes as soon as
// a source is back, whoever brought it back: the upkeep or a person's Refresh.
func (h *homeScreen) showOffline(list []core.Source) {
	n := 0
	for _, src := range list {
		if src.Status == core.StatusOffline {
			n++
		}
	}
	if n == 0 {
		h.network.Hide()
		return
	}
	if n == 1 {
		h.network.SetText("Offline: 1 source cannot reach its provider")
	} else {
		h.network.SetText(fmt.Sprintf("Offline: %s cannot reach their providers", sources(n)))
	}
	h.network.Show()
}

// probeKeychain fills the status line's keychain part; it reads no secret.
func (h *homeScreen) probeKeychain(u *UI) {
	if u.deps.Probe == nil {
		h.keychain.Hide()
		return
	}
	h.keychain.SetText("Keychain: checking…")
	u.background(func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		err := u.deps.Probe(ctx)
		return func() {
			if err != nil {
				h.keychain.SetText("Keychain: unavailable")
				h.keychain.Importance = toneError.importance()
				h.keychainWhy.OnTapped = func() {
					showInfo(u.win, "Keychain unavailable", "Secrets cannot be saved or used until the keychain answers.\n\n"+message(err))
				}
				h.keychainWhy.Show()
			} else {
				h.keychain.SetText("Keychain: reachable")
				h.keychain.Importance = toneSuccess.importance()
			}
			h.keychain.Refresh()
		}
	})
}

func (u *UI) showChangePassphrase() {
	if u.session == nil {
		return
	}
	old, pass, confirm := newDialogPasswordEntry(), newDialogPasswordEntry(), newDialogPasswordEntry()
	problem := statusLabel()
	var d dialog.Dialog
	busy := false // hashing takes a moment: a second Enter must not change it twice
	submit := func() {
		u.used()
		if busy {
			return
		}
		busy = true
		problem.SetText("") // the last try's error no longer holds while this one runs
		s := u.session
		oldS, passS, confirmS := core.NewSecret(old.Text), core.NewSecret(pass.Text), core.NewSecret(confirm.Text)
		u.background(func(ctx context.Context) func() {
			err := u.core.ChangeOwnPassphrase(ctx, s, oldS, passS, confirmS)
			return func() {
				busy = false
				if u.sessionLost(err) {
					d.Hide()
					return
				}
				if err != nil {
					problem.Fail(err)
					return
				}
				d.Hide()
				showInfo(u.win, "Passphrase changed", "Use the new passphrase from now on.")
			}
		})
	}
	confirm.OnSubmitted = func(string) { submit() }
	d = formDialog(u.win, "Change your passphrase", "Change", []*widget.FormItem{
		widget.NewFormItem("Current passphrase", old),
		widget.NewFormItem("New passphrase", pass),
		widget.NewFormItem("New passphrase again", confirm),
	}, problem, submit)
	d.Show()
	u.win.Canvas().Focus(old)
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
