package gui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
)

// Choices of the redirect settings.
const (
	anyPort   = "Any loopback port"
	fixedPort = "Fixed port"
)

// clientTypeLabels are the words of the client types core offers (Provider.ClientTypes).
var clientTypeLabels = map[core.ClientType]string{
	core.ClientPublic:       "Public (Mobile and desktop)",
	core.ClientConfidential: "Confidential (Web)",
}

// integrationForm is one integration's setup guide and form; it keeps the widgets its
// tests touch.
type integrationForm struct {
	p    *integrationsPane
	view core.IntegrationView

	name, clientID, secret  *wheelEntry
	secretExpires           *wheelEntry        // the client secret's expiry date, as typed
	secretDue               *widget.Label      // the warning that it expires soon or has; nil if not
	clientType              *widget.RadioGroup // nil where the provider offers no choice
	secretInfo              *widget.Label
	secretNote              *widget.Label // what the chosen client type means for the secret
	appType                 *widget.Label // the guide's application type, as the client type says
	replace, removeSecret   *button
	enabled                 *widget.Check
	portMode                *widget.RadioGroup
	port                    *wheelEntry
	redirect, redirectTitle *widget.Label
	notes                   []*widget.Label // the guide's notes, shown as warnings
	copyRedirect            *button
	scopes                  *wheelEntry
	tenant, issuer          *wheelEntry
	publishing              *widget.RadioGroup // Google's publishing status; nil elsewhere
	accountTypes            *widget.Select     // Microsoft's supported account types; nil elsewhere
	fetch                   *button
	discovered              *widget.Label
	authURL, tokenURL       *wheelEntry
	revokeURL, userinfoURL  *wheelEntry
	problems                map[string]*widget.Label
	saveMark                // Save, and beside it Unsaved changes, or Saved. until the next edit
	test, remove            *button
	status                  *statusLine
	content                 fyne.CanvasObject
	body                    *container.Scroll // the form
	guideScroll             *container.Scroll // the setup guide, which scrolls on its own
	busy                    bool              // a change is running (see run)
	testHint                *widget.Label
	sandbox                 *sandboxCard // the sandbox's own settings, nil for any other provider
	// initial holds the fields' values as the form started (see track); saved is set once
	// a save succeeded, so the rebuilt form starts from what was saved, not from the edits.
	initial map[string]string
	saved   bool
	lastErr error // what stopped the last save, for the form rebuilt after it saved a part
}

func newIntegrationForm(p *integrationsPane, v core.IntegrationView) *integrationForm {
	f := &integrationForm{p: p, view: v, problems: map[string]*widget.Label{}, status: statusLabel()}
	title := widget.NewLabel(core.Printable(v.Name))
	title.TextStyle.Bold = true
	state := widget.NewLabel(listLine(v, p.probe))
	var header fyne.CanvasObject = container.NewHBox(widget.NewIcon(assets.ProviderIcon(string(v.Provider.ID))), title, state)
	if f.secretDue = secretDueWarning(v); f.secretDue != nil {
		header = container.NewVBox(header, f.secretDue)
	}

	items := f.credentialItems()
	items = append(items, f.enabledItem(), f.redirectItem(), f.scopesItem())
	items = append(items, f.providerItems()...)
	buttons := f.buttons()

	// The form and the setup guide side by side when the window is wide, the guide under
	// the form when it is narrow; each scrolls on its own, never sideways. The header and
	// the buttons stay in view.
	var form fyne.CanvasObject = widget.NewForm(items...)
	if v.Provider.IsSandbox() {
		// A form rebuilt after a save takes over the card, with the edits it did not save.
		if old := p.form; old != nil && old.view.ID == v.ID && old.sandbox != nil {
			f.sandbox = old.sandbox
		} else {
			f.sandbox = newSandboxCard(p.u)
		}
		f.sandbox.changed, f.sandbox.wheel = f.changed, f.scrolled
		form = container.NewVBox(form, f.sandbox.content)
	}
	var both fyne.CanvasObject
	f.body, f.guideScroll, both = newFormAndGuide(form, f.guide())
	f.content = container.NewBorder(header, container.NewVBox(f.status, buttons), nil, nil, both)
	f.showClientType()
	f.track()
	return f
}

// credentialItems are the name of a custom integration, the client ID, the client type where
// core offers a choice, and the client secret.
func (f *integrationForm) credentialItems() []*widget.FormItem {
	v := f.view
	var items []*widget.FormItem
	if v.Custom {
		f.name = f.entry()
		f.name.SetText(v.Name)
		items = append(items, widget.NewFormItem("Name", f.field(core.FieldName, f.name)))
	}
	f.clientID = f.entry()
	f.clientID.SetText(v.ClientID)
	if v.Provider.FixedClientID != "" {
		f.clientID.Disable() // nothing registered anywhere: the provider has its one client
	}
	items = append(items, widget.NewFormItem("Client ID", f.field(core.FieldClientID, f.clientID)))
	if len(v.Provider.ClientTypes) > 0 {
		var labels []string
		for _, t := range v.Provider.ClientTypes {
			labels = append(labels, clientTypeLabels[t])
		}
		f.clientType = widget.NewRadioGroup(labels, func(string) { f.showClientType() })
		f.clientType.Required = true
		f.clientType.Selected = clientTypeLabels[v.ClientType]
		items = append(items, widget.NewFormItem("Client type", f.field(core.FieldClientType, f.clientType)))
	}
	items = append(items, widget.NewFormItem("Client secret", f.field(core.FieldSecret, f.secretRow())))
	expires := f.secretExpiresItem()
	if len(v.Provider.ClientTypes) == 0 && v.SecretPolicyFor("") == core.SecretForbidden {
		return items // never a secret (the sandbox's), so no date of one to ask for
	}
	return append(items, expires)
}

// enabledItem is the Enabled box: an edit like any other field, saved by Save, where core
// refuses it while the integration is not complete.
func (f *integrationForm) enabledItem() *widget.FormItem {
	f.enabled = widget.NewCheck("Enabled", nil)
	f.enabled.SetChecked(f.view.Enabled)
	item := widget.NewFormItem("", f.enabled)
	item.HintText = "Writers may connect sources through it"
	return item
}

// redirectItem is the choice of any port or a fixed one, with the redirect URI to register
// following it.
func (f *integrationForm) redirectItem() *widget.FormItem {
	v := f.view
	f.port = f.entry()
	f.port.SetPlaceHolder(fmt.Sprintf("%d to %d", core.MinFixedPort, core.MaxFixedPort))
	f.redirect = wrapped("")
	f.redirect.TextStyle.Monospace = true
	f.redirectTitle = widget.NewLabel("Redirect URI to register:")
	f.copyRedirect = newButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		f.p.u.fa.Clipboard().SetContent(f.redirect.Text)
	})
	f.portMode = widget.NewRadioGroup([]string{anyPort, fixedPort}, func(mode string) {
		if mode == fixedPort {
			f.port.Enable()
		} else {
			f.port.Disable()
		}
		f.showRedirect()
	})
	// One choice a line: side by side they made the form too wide for a 640-pixel window.
	f.portMode.Required = true
	if v.Port != 0 {
		f.port.SetText(strconv.Itoa(v.Port))
		f.portMode.SetSelected(fixedPort)
	} else {
		f.portMode.SetSelected(anyPort)
	}
	if v.Provider.Redirect.Policy == core.ExactMatch {
		f.portMode.Disable() // the port is part of the registered URI
	}
	f.port.OnChanged = func(string) { f.showRedirect() }
	f.showRedirect()
	return widget.NewFormItem("Redirect", f.field(core.FieldPort, container.NewVBox(f.portMode, f.port)))
}

func (f *integrationForm) scopesItem() *widget.FormItem {
	f.scopes = f.entry()
	f.scopes.SetText(strings.Join(f.view.Scopes, " "))
	if len(f.view.DefaultScopes) > 0 {
		f.scopes.SetPlaceHolder(strings.Join(f.view.DefaultScopes, " "))
	}
	item := widget.NewFormItem("Scopes", f.field(core.FieldScopes, f.scopes))
	item.HintText = "Separated by spaces; empty means the defaults"
	return item
}

// providerItems are the fields only some providers have: Microsoft's tenant, the custom
// OpenID Connect issuer, the custom OAuth 2.0 endpoints.
func (f *integrationForm) providerItems() []*widget.FormItem {
	v := f.view
	var items []*widget.FormItem
	if len(v.Provider.PublishingStatuses) > 0 {
		items = append(items, f.publishingItem())
	}
	switch v.Provider.ID {
	case core.Microsoft:
		items = append(items, f.tenantItems()...)
	case core.OIDC:
		f.issuer = f.entry()
		f.issuer.SetText(v.Issuer)
		f.issuer.SetPlaceHolder("https://idp.example.com")
		f.fetch = newButtonWithIcon("Fetch", theme.DownloadIcon(), f.discover)
		f.discovered = widget.NewLabel(endpointsText(v.AuthURL, v.TokenURL, v.RevokeURL, v.UserinfoURL))
		f.discovered.Wrapping = fyne.TextWrapWord
		// A Fetch error shows right under the issuer it is about, above the endpoints.
		issuerRow := f.field(core.FieldIssuer, container.NewBorder(nil, nil, nil, f.fetch, f.issuer))
		items = append(items, widget.NewFormItem("Issuer", container.NewVBox(issuerRow, f.discovered)))
	case core.OAuth2:
		entry := func(label, key, value, placeholder string) *wheelEntry {
			e := f.entry()
			e.SetText(value)
			e.SetPlaceHolder(placeholder)
			items = append(items, widget.NewFormItem(label, f.field(key, e)))
			return e
		}
		f.authURL = entry("Authorization endpoint", core.FieldAuthURL, v.AuthURL, "https://…/authorize")
		f.tokenURL = entry("Token endpoint", core.FieldTokenURL, v.TokenURL, "https://…/token")
		f.revokeURL = entry("Revocation endpoint", core.FieldRevokeURL, v.RevokeURL, "optional")
		f.userinfoURL = entry("Who-am-I URL", core.FieldUserinfoURL, v.UserinfoURL, "optional, returns JSON")
	}
	return items
}

func (f *integrationForm) buttons() fyne.CanvasObject {
	f.saveMark = newSaveMark("Save", f.submit)
	f.test = newButtonWithIcon("Test authorization…", theme.MediaPlayIcon(), f.showTest)
	f.remove = newButtonWithIcon("Remove…", theme.DeleteIcon(), f.confirmRemove)
	f.remove.Importance = widget.DangerImportance
	// Why Test authorization is off, under it; it wraps so that it cannot widen the window.
	f.testHint = wrapped("")
	f.testHint.TextStyle.Italic = true
	if !f.view.Saved {
		f.remove.Disable()
	}
	// The hint has a line of its own under the buttons, where it need not wrap word by word,
	// kept when empty: the buttons above stay put as it comes and goes.
	row := container.NewBorder(nil, nil, container.NewHBox(f.save, f.mark, f.test), f.remove)
	return container.NewVBox(row, fixedLines(f.testHint, 1))
}

// chosenType is the client type the form shows, "" where the provider offers no choice.
func (f *integrationForm) chosenType() core.ClientType {
	if f.clientType == nil {
		return ""
	}
	for _, t := range f.view.Provider.ClientTypes {
		if clientTypeLabels[t] == f.clientType.Selected {
			return t
		}
	}
	return ""
}

// showClientType fits the secret field and the guide to the client type chosen, as core
// says: a public client has no secret to enter, and one saved before is removed on saving.
func (f *integrationForm) showClientType() {
	if f.secret == nil || f.secretNote == nil {
		return // still being built
	}
	policy := f.view.SecretPolicyFor(f.chosenType())
	if t := f.view.Provider.Guide.AppTypes[f.chosenType()]; t != "" && f.appType != nil {
		f.appType.SetText("Application type: " + t)
	}
	note := ""
	switch policy {
	case core.SecretForbidden:
		f.secret.SetText("")
		f.secret.SetPlaceHolder("None: a public client sends no secret")
		f.secret.Disable()
		f.secretExpires.SetText("")
		// A disabled field looks much like an empty one, in the dark theme above all: its
		// placeholder says why there is nothing to type.
		f.secretExpires.SetPlaceHolder("None: no secret to expire")
		f.secretExpires.Disable()
		if f.replace != nil {
			f.replace.Disable()
		}
		if f.view.DropsSecret(f.chosenType()) {
			note = "Saving removes the saved secret: a public client sends none."
		}
	case core.SecretOptional:
		f.secret.SetPlaceHolder("Optional")
		f.secret.Enable()
		f.secretExpires.Enable()
	case core.SecretRequired:
		f.secret.SetPlaceHolder("Required")
		if !f.view.SecretSetAt.IsZero() {
			f.secret.SetPlaceHolder("The new client secret")
		}
		f.secret.Enable()
		f.secretExpires.Enable()
	}
	if policy != core.SecretForbidden {
		f.secretExpires.SetPlaceHolder(secretDatePlaceHolder)
		if f.replace != nil {
			f.replace.Enable()
		}
	}
	f.secretNote.SetText(note)
	f.secretNote.Hidden = note == ""
	f.secretNote.Refresh()
}

// field puts a validation message under w, hidden until there is one.
func (f *integrationForm) field(key string, w fyne.CanvasObject) fyne.CanvasObject {
	l := errorLabel()
	l.Hide()
	f.problems[key] = l
	return container.NewVBox(w, l)
}

// secretRow is the client secret: a password field, or "saved on … by …" with Replace and
// Remove. The saved secret is never read back.
func (f *integrationForm) secretRow() fyne.CanvasObject {
	v := f.view
	f.secret = newWheelPasswordEntry(f.scrolled)
	f.secretNote = wrapped("")
	f.secretNote.Importance = widget.WarningImportance
	f.secretNote.Hide()
	if v.SecretSetAt.IsZero() {
		return container.NewVBox(f.secret, f.secretNote)
	}
	f.secretInfo = wrapped("Saved on " + v.SecretSetAt.Local().Format("2006-01-02 15:04") + " by " + core.Printable(v.SecretSetBy))
	f.secret.Hide()
	f.replace = newButton("Replace", func() {
		f.secret.Show()
		f.p.u.win.Canvas().Focus(f.secret)
	})
	f.removeSecret = newButton("Remove…", f.confirmRemoveSecret)
	// The note wraps beside the buttons, so a long name cannot make the window wider.
	row := container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(f.replace, f.removeSecret)), f.secretInfo)
	return container.NewVBox(row, f.secret, f.secretNote)
}

// guide is the provider's setup guide: the console, the application type, numbered steps,
// the scopes to add and the redirect URI to register.
func (f *integrationForm) guide() fyne.CanvasObject {
	g := f.view.Provider.Guide
	box := container.NewVBox()
	if u, err := url.Parse(g.ConsoleURL); err == nil && g.ConsoleURL != "" {
		box.Add(widget.NewHyperlink("Open the provider's console", u))
	}
	if g.AppType != "" {
		f.appType = wrapped("Application type: " + g.AppType)
		box.Add(f.appType)
	}
	// The redirect URI comes first: it is what an admin copies, and it follows the port.
	box.Add(container.NewBorder(nil, nil, f.redirectTitle, f.copyRedirect))
	box.Add(f.redirect)
	for i, s := range g.Steps {
		box.Add(wrapped(fmt.Sprintf("%d. %s", i+1, s)))
	}
	// One scope a line: a scope is often a URL, which should wrap nowhere inside.
	if len(g.Scopes) > 0 {
		box.Add(widget.NewLabel("Scopes to add:"))
		for _, s := range g.Scopes {
			l := wrapped(s)
			l.TextStyle.Monospace = true
			box.Add(l)
		}
	}
	for _, a := range g.About {
		box.Add(wrapped(a))
	}
	// The notes are what goes wrong later (expiring tokens, a busy port, a review to pass):
	// they read as warnings, not as the grey of something disabled.
	for _, n := range g.Notes {
		l := wrapped(n)
		l.Importance = widget.WarningImportance
		f.notes = append(f.notes, l)
		icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
		box.Add(container.NewBorder(nil, nil, container.NewVBox(icon), nil, l)) // the icon by the first line
	}
	// A heading, not a card's large title: the guide has a pane of its own, often a small one.
	title := widget.NewLabel("Setup guide")
	title.TextStyle.Bold = true
	return container.NewVBox(title, box)
}

// entry is a field of the form, over which the mouse wheel scrolls the form.
func (f *integrationForm) entry() *wheelEntry { return newWheelEntry(f.scrolled) }

// scrolled scrolls the form and its guide.
func (f *integrationForm) scrolled(ev *fyne.ScrollEvent) {
	if f.body != nil {
		f.body.Scrolled(ev)
	}
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// typedPort is the fixed port the form asks for, 0 for any port or one not readable yet.
func (f *integrationForm) typedPort() int {
	if f.portMode.Selected != fixedPort {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.port.Text))
	if err != nil {
		return 0
	}
	return n
}

// showRedirect shows the redirect URI to register for the port as typed.
func (f *integrationForm) showRedirect() {
	if f.redirect == nil {
		return
	}
	uri := f.view.RedirectURI(f.typedPort())
	if uri == "" {
		// Nothing to register: the guide's steps say so, once.
		f.redirectTitle.Hide()
		f.copyRedirect.Hide()
		f.redirect.SetText("")
		f.redirect.Hide()
		return
	}
	f.redirectTitle.Show()
	f.copyRedirect.Show()
	f.redirect.Show()
	f.redirect.SetText(uri)
}

func endpointsText(auth, token, revoke, userinfo string) string {
	if auth == "" {
		return "Endpoints: press Fetch to read them from the issuer."
	}
	lines := []string{"Authorization: " + auth, "Token: " + token}
	if revoke != "" {
		lines = append(lines, "Revocation: "+revoke)
	}
	if userinfo != "" {
		lines = append(lines, "Userinfo: "+userinfo)
	}
	return strings.Join(lines, "\n")
}

func text(e *wheelEntry) string {
	if e == nil {
		return ""
	}
	return e.Text
}

// input is what the form holds, for core to check and save.
func (f *integrationForm) input() core.IntegrationInput {
	in := core.IntegrationInput{
		ID: f.view.ID, Name: text(f.name), ClientID: f.clientID.Text, ClientType: f.chosenType(), Secret: core.NewSecret(f.secret.Text),
		SecretExpires: f.secretExpires.Text,
		Scopes:        f.scopes.Text, Tenant: text(f.tenant), Issuer: text(f.issuer), PublishingStatus: string(f.chosenPublishing()),
		AccountType: f.chosenAccountType(),
		AuthURL:     text(f.authURL), TokenURL: text(f.tokenURL), RevokeURL: text(f.revokeURL), UserinfoURL: text(f.userinfoURL),
	}
	if f.portMode.Selected == fixedPort {
		in.Port = f.port.Text
	}
	return in
}

// showProblems puts each field's message under it and clears the others. Once no field has
// one, a status that points to them goes too.
func (f *integrationForm) showProblems(fields map[string]string) {
	shown := false
	for key, l := range f.problems {
		if msg := fields[key]; msg != "" {
			l.SetText(msg)
			l.Show()
			shown = true
		} else {
			l.SetText("")
			l.Hide()
		}
	}
	if !shown && f.status.Text == words[core.ReasonInvalid] {
		f.status.SetText("")
	}
}
