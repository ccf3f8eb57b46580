package gui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/vault"
)

// Choices of the redirect settings.
const (
	anyPort   = "Any loopback port"
	fixedPort = "Fixed port"
)

// Client types, as the form offers them where the provider has the choice (Microsoft).
var clientTypeChoices = []struct {
	label string
	typ   catalog.ClientType
}{
	{"Public (Mobile and desktop)", catalog.ClientPublic},
	{"Confidential (Web)", catalog.ClientConfidential},
}

// Kinds of a custom integration, as the Add dialog offers them.
var customKinds = map[string]catalog.ID{"OpenID Connect": catalog.OIDC, "OAuth 2.0": catalog.OAuth2}

// integrationsPane is the Admin tab's integrations, laid out as a settings app: the list on
// the left, the selected integration's setup guide and form on the right.
type integrationsPane struct {
	u        *UI
	list     *widget.List
	items    []core.IntegrationView
	probe    error // of the keychain, from the last reload
	selected string
	status   *statusLine
	add      *widget.Button
	detail   *fyne.Container
	form     *integrationForm // the selected integration's, nil when none
	content  fyne.CanvasObject
	// openURL opens the browser for a test authorization; tests put in a browser of their own.
	openURL func(string) error
}

func newIntegrationsPane(u *UI) *integrationsPane {
	p := &integrationsPane{u: u, status: statusLabel(), openURL: browser(u.fa)}
	p.list = widget.NewList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("Integration name")
			name.TextStyle.Bold = true
			icon := widget.NewIcon(assets.ProviderIcon(""))
			return container.NewBorder(nil, nil, icon, nil, container.NewVBox(name, widget.NewLabel("state")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			v := p.items[id]
			c := o.(*fyne.Container)
			lines := c.Objects[0].(*fyne.Container)
			lines.Objects[0].(*widget.Label).SetText(v.Name)
			lines.Objects[1].(*widget.Label).SetText(listLine(v, p.probe))
			c.Objects[1].(*widget.Icon).SetResource(assets.ProviderIcon(string(v.Provider.ID)))
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.u.used()
		// reload selects the integration it has just shown again.
		if id < len(p.items) && (p.form == nil || p.items[id].ID != p.selected) {
			p.show(p.items[id])
		}
	}
	p.add = widget.NewButtonWithIcon("Add custom integration…", theme.ContentAddIcon(), p.showAdd)
	p.detail = container.NewStack(container.NewCenter(widget.NewLabel("Choose an integration on the left.")))
	left := container.NewBorder(nil, container.NewVBox(p.status, p.add), nil, nil, p.list)
	split := container.NewHSplit(left, p.detail)
	split.Offset = 0.25
	p.content = split
	p.reload()
	return p
}

// listLine is the second line of a list entry: the state and the number of sources.
func listLine(v core.IntegrationView, probe error) string {
	line := v.StateGiven(probe).String()
	switch v.Sources {
	case 0:
	case 1:
		line += " · 1 source"
	default:
		line += fmt.Sprintf(" · %d sources", v.Sources)
	}
	return line
}

// reload reads the integrations and probes the keychain, then shows the selected one again.
func (p *integrationsPane) reload() {
	p.u.background(func(ctx context.Context) func() {
		items, err := p.u.core.Integrations(ctx, p.u.session)
		var probe error
		if err == nil && p.u.deps.Probe != nil {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			probe = p.u.deps.Probe(pctx)
			cancel()
		}
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			p.status.SetText("")
			p.items, p.probe = items, probe
			p.list.Refresh()
			for i, v := range items {
				if v.ID == p.selected {
					p.show(v)
					p.list.Select(i)
					return
				}
			}
		}
	})
}

// show puts the integration's guide and form on the right.
func (p *integrationsPane) show(v core.IntegrationView) {
	p.selected = v.ID
	p.form = newIntegrationForm(p, v)
	p.detail.Objects = []fyne.CanvasObject{p.form.content}
	p.detail.Refresh()
}

func (p *integrationsPane) showAdd() {
	p.u.used()
	name := newDialogEntry()
	kind := newDialogSelect([]string{"OpenID Connect", "OAuth 2.0"}, nil)
	kind.SetSelected("OpenID Connect")
	problem := statusLabel()
	var d dialog.Dialog
	submit := func() {
		n, k := name.Text, customKinds[kind.Selected]
		p.u.background(func(ctx context.Context) func() {
			id, err := p.u.core.AddCustomIntegration(ctx, p.u.session, n, k)
			return func() {
				if p.u.sessionLost(err) {
					d.Hide()
					return
				}
				var verr *core.ValidationError
				if errors.As(err, &verr) {
					problem.SetText(verr.Fields[core.FieldName])
					return
				}
				if err != nil {
					problem.SetText(message(err))
					return
				}
				d.Hide()
				p.selected = id
				p.reload()
			}
		})
	}
	name.OnSubmitted = func(string) { submit() }
	d = formDialog(p.u.win, "Add custom integration", "Add", []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Kind", kind),
	}, problem, submit)
	d.Show()
	p.u.win.Canvas().Focus(name)
}

// integrationForm is one integration's setup guide and form; it keeps the widgets its
// tests touch.
type integrationForm struct {
	p    *integrationsPane
	view core.IntegrationView

	name, clientID, secret *widget.Entry
	clientType             *widget.RadioGroup // nil where the provider offers no choice
	secretInfo             *widget.Label
	secretNote             *widget.Label // what the chosen client type means for the secret
	appType                *widget.Label // the guide's application type, as the client type says
	replace, removeSecret  *widget.Button
	enabled                *widget.Check
	portMode               *widget.RadioGroup
	port                   *widget.Entry
	redirect               *widget.Label
	copyRedirect           *widget.Button
	scopes                 *widget.Entry
	tenant, issuer         *widget.Entry
	fetch                  *widget.Button
	discovered             *widget.Label
	authURL, tokenURL      *widget.Entry
	revokeURL, userinfoURL *widget.Entry
	problems               map[string]*widget.Label
	save, test, remove     *widget.Button
	status                 *statusLine
	content                fyne.CanvasObject
	// The last test authorization's steps and outcome, for tests.
	testSteps   *fyne.Container
	testOutcome *widget.Label
	busy        bool // a change is running (see run)
}

func newIntegrationForm(p *integrationsPane, v core.IntegrationView) *integrationForm {
	f := &integrationForm{p: p, view: v, problems: map[string]*widget.Label{}, status: statusLabel()}
	prov := v.Provider

	title := widget.NewLabel(v.Name)
	title.TextStyle.Bold = true
	state := widget.NewLabel(listLine(v, p.probe))
	header := container.NewHBox(widget.NewIcon(assets.ProviderIcon(string(prov.ID))), title, state)

	// The form.
	var items []*widget.FormItem
	if v.Custom {
		f.name = widget.NewEntry()
		f.name.SetText(v.Name)
		items = append(items, widget.NewFormItem("Name", f.field(core.FieldName, f.name)))
	}
	f.clientID = widget.NewEntry()
	f.clientID.SetText(v.ClientID)
	items = append(items, widget.NewFormItem("Client ID", f.field(core.FieldClientID, f.clientID)))
	if len(prov.ClientTypes) > 0 {
		var labels []string
		for _, c := range clientTypeChoices {
			labels = append(labels, c.label)
		}
		f.clientType = widget.NewRadioGroup(labels, func(string) { f.showClientType() })
		f.clientType.Required = true
		for _, c := range clientTypeChoices {
			if c.typ == v.ClientType {
				f.clientType.Selected = c.label
			}
		}
		items = append(items, widget.NewFormItem("Client type", f.field(core.FieldClientType, f.clientType)))
	}
	items = append(items, widget.NewFormItem("Client secret", f.field(core.FieldSecret, f.secretRow())))

	f.enabled = widget.NewCheck("Enabled", nil)
	f.enabled.SetChecked(v.Enabled)
	f.enabled.OnChanged = f.setEnabled
	if !v.Saved {
		f.enabled.Disable()
	}
	enabledItem := widget.NewFormItem("", f.enabled)
	enabledItem.HintText = "Writers may connect sources through it"
	items = append(items, enabledItem)

	f.port = widget.NewEntry()
	f.port.SetPlaceHolder(fmt.Sprintf("%d to %d", core.MinFixedPort, core.MaxFixedPort))
	f.redirect = widget.NewLabel("")
	f.redirect.Wrapping = fyne.TextWrapBreak
	f.redirect.TextStyle.Monospace = true
	f.copyRedirect = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		p.u.fa.Clipboard().SetContent(f.redirect.Text)
	})
	f.portMode = widget.NewRadioGroup([]string{anyPort, fixedPort}, func(mode string) {
		if mode == fixedPort {
			f.port.Enable()
		} else {
			f.port.Disable()
		}
		f.showRedirect()
	})
	f.portMode.Horizontal = true
	f.portMode.Required = true
	if v.Port != 0 {
		f.port.SetText(strconv.Itoa(v.Port))
		f.portMode.SetSelected(fixedPort)
	} else {
		f.portMode.SetSelected(anyPort)
	}
	if prov.Redirect.Policy == catalog.ExactMatch {
		f.portMode.Disable() // the port is part of the registered URI
	}
	f.port.OnChanged = func(string) { f.showRedirect() }
	f.showRedirect()
	items = append(items, widget.NewFormItem("Redirect", f.field(core.FieldPort, container.NewVBox(f.portMode, f.port))))

	f.scopes = widget.NewEntry()
	f.scopes.SetText(strings.Join(v.Scopes, " "))
	if len(v.DefaultScopes) > 0 {
		f.scopes.SetPlaceHolder(strings.Join(v.DefaultScopes, " "))
	}
	scopesItem := widget.NewFormItem("Scopes", f.field(core.FieldScopes, f.scopes))
	scopesItem.HintText = "Separated by spaces; empty means the defaults"
	items = append(items, scopesItem)

	switch prov.ID {
	case catalog.Microsoft:
		f.tenant = widget.NewEntry()
		f.tenant.SetText(v.Tenant)
		f.tenant.SetPlaceHolder("common")
		t := widget.NewFormItem("Tenant", f.field(core.FieldTenant, f.tenant))
		t.HintText = "common, organizations, consumers or a tenant ID"
		items = append(items, t)
	case catalog.OIDC:
		f.issuer = widget.NewEntry()
		f.issuer.SetText(v.Issuer)
		f.issuer.SetPlaceHolder("https://idp.example.com")
		f.fetch = widget.NewButtonWithIcon("Fetch", theme.DownloadIcon(), f.discover)
		f.discovered = widget.NewLabel(endpointsText(v.AuthURL, v.TokenURL, v.RevokeURL, v.UserinfoURL))
		f.discovered.Wrapping = fyne.TextWrapBreak
		issuerRow := container.NewBorder(nil, nil, nil, f.fetch, f.issuer)
		items = append(items, widget.NewFormItem("Issuer", f.field(core.FieldIssuer, container.NewVBox(issuerRow, f.discovered))))
	case catalog.OAuth2:
		entry := func(label, key, value, placeholder string) *widget.Entry {
			e := widget.NewEntry()
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

	f.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), f.submit)
	f.save.Importance = widget.HighImportance
	f.test = widget.NewButtonWithIcon("Test authorization…", theme.MediaPlayIcon(), f.showTest)
	f.remove = widget.NewButtonWithIcon("Remove…", theme.DeleteIcon(), f.confirmRemove)
	f.remove.Importance = widget.DangerImportance
	if !v.Saved {
		f.test.Disable()
		f.remove.Disable()
	}
	buttons := container.NewHBox(f.save, f.test, layoutSpacer(), f.remove)

	// The form and the setup guide side by side, each scrolling on its own; the header and
	// the buttons stay in view.
	split := container.NewHSplit(container.NewScroll(widget.NewForm(items...)), container.NewVScroll(f.guide()))
	split.Offset = 0.55
	f.content = container.NewBorder(header, container.NewVBox(f.status, buttons), nil, nil, split)
	f.showClientType()
	return f
}

// chosenType is the client type the form shows, "" where the provider offers no choice.
func (f *integrationForm) chosenType() catalog.ClientType {
	if f.clientType == nil {
		return ""
	}
	for _, c := range clientTypeChoices {
		if c.label == f.clientType.Selected {
			return c.typ
		}
	}
	return ""
}

// showClientType fits the secret field and the guide to the client type chosen: a public
// client has no secret to enter, and one saved before is removed on saving.
func (f *integrationForm) showClientType() {
	if f.secret == nil || f.secretNote == nil {
		return // still being built
	}
	policy := f.view.SecretPolicy
	if f.clientType != nil {
		policy = f.view.Provider.SecretFor(f.chosenType())
		if t := f.view.Provider.Guide.AppTypes[f.chosenType()]; t != "" && f.appType != nil {
			f.appType.SetText("Application type: " + t)
		}
	}
	note := ""
	switch policy {
	case catalog.SecretForbidden:
		f.secret.SetText("")
		f.secret.SetPlaceHolder("None: a public client sends no secret")
		f.secret.Disable()
		if f.replace != nil {
			f.replace.Disable()
		}
		if !f.view.SecretSetAt.IsZero() {
			note = "Saving removes the saved secret: a public client sends none."
		}
	case catalog.SecretOptional:
		f.secret.SetPlaceHolder("Optional")
		f.secret.Enable()
	case catalog.SecretRequired:
		f.secret.SetPlaceHolder("Required")
		if !f.view.SecretSetAt.IsZero() {
			f.secret.SetPlaceHolder("The new client secret")
		}
		f.secret.Enable()
	}
	if policy != catalog.SecretForbidden && f.replace != nil {
		f.replace.Enable()
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
	f.secret = widget.NewPasswordEntry()
	f.secretNote = wrapped("")
	f.secretNote.Importance = widget.WarningImportance
	f.secretNote.Hide()
	if v.SecretSetAt.IsZero() {
		return container.NewVBox(f.secret, f.secretNote)
	}
	f.secretInfo = wrapped("Saved on " + v.SecretSetAt.Local().Format("2006-01-02 15:04") + " by " + v.SecretSetBy)
	f.secret.Hide()
	f.replace = widget.NewButton("Replace", func() {
		f.secret.Show()
		f.p.u.win.Canvas().Focus(f.secret)
	})
	f.removeSecret = widget.NewButton("Remove…", f.confirmRemoveSecret)
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
	box.Add(container.NewBorder(nil, nil, widget.NewLabel("Redirect URI to register:"), f.copyRedirect))
	box.Add(f.redirect)
	for i, s := range g.Steps {
		box.Add(wrapped(fmt.Sprintf("%d. %s", i+1, s)))
	}
	if len(g.Scopes) > 0 {
		box.Add(wrapped("Scopes to add: " + strings.Join(g.Scopes, ", ")))
	}
	for _, n := range g.Notes {
		l := wrapped(n)
		l.Importance = widget.LowImportance
		box.Add(l)
	}
	return widget.NewCard("Setup guide", "", box)
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
		f.redirect.SetText("none: " + f.view.Provider.Name + " accepts any loopback port without registration")
		f.copyRedirect.Disable()
		return
	}
	f.redirect.SetText(uri)
	f.copyRedirect.Enable()
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

func text(e *widget.Entry) string {
	if e == nil {
		return ""
	}
	return e.Text
}

// input is what the form holds, for core to check and save.
func (f *integrationForm) input() core.IntegrationInput {
	in := core.IntegrationInput{
		ID: f.view.ID, Name: text(f.name), ClientID: f.clientID.Text, ClientType: f.chosenType(), Secret: vault.NewSecret(f.secret.Text),
		Scopes: f.scopes.Text, Tenant: text(f.tenant), Issuer: text(f.issuer),
		AuthURL: text(f.authURL), TokenURL: text(f.tokenURL), RevokeURL: text(f.revokeURL), UserinfoURL: text(f.userinfoURL),
	}
	if f.portMode.Selected == fixedPort {
		in.Port = f.port.Text
	}
	return in
}

// showProblems puts each field's message under it and clears the others.
func (f *integrationForm) showProblems(fields map[string]string) {
	for key, l := range f.problems {
		if msg := fields[key]; msg != "" {
			l.SetText(msg)
			l.Show()
		} else {
			l.SetText("")
			l.Hide()
		}
	}
}

// run does a change to the integration in the background; after sees its error, then the
// list reloads on success.
func (f *integrationForm) run(change func(ctx context.Context) error, after func(error)) {
	u := f.p.u
	u.used()
	if f.busy {
		return // one change at a time: a second Save must not race the first
	}
	f.busy = true
	f.save.Disable()
	u.background(func(ctx context.Context) func() {
		err := change(ctx)
		return func() {
			f.busy = false
			f.save.Enable()
			if u.sessionLost(err) {
				return
			}
			if after != nil {
				after(err)
			}
			if err != nil {
				return
			}
			f.p.reload()
		}
	})
}

func (f *integrationForm) submit() {
	in := f.input()
	f.status.SetText("Saving…")
	f.run(func(ctx context.Context) error {
		return f.p.u.core.SaveIntegration(ctx, f.p.u.session, in)
	}, func(err error) {
		var verr *core.ValidationError
		switch {
		case errors.As(err, &verr):
			f.showProblems(verr.Fields)
			f.status.SetText(message(err))
		case err != nil:
			f.showProblems(nil)
			f.status.SetText(message(err))
		default:
			f.showProblems(nil)
			f.status.SetText("")
		}
	})
}

func (f *integrationForm) setEnabled(on bool) {
	f.run(func(ctx context.Context) error {
		return f.p.u.core.SetEnabled(ctx, f.p.u.session, f.view.ID, on)
	}, func(err error) {
		if err != nil {
			f.status.SetText(message(err))
			f.enabled.OnChanged = nil
			f.enabled.SetChecked(!on)
			f.enabled.OnChanged = f.setEnabled
		}
	})
}

// discover fetches the issuer's discovery document and shows its endpoints; saving fetches
// it again and keeps them.
func (f *integrationForm) discover() {
	u, issuer := f.p.u, f.issuer.Text
	u.used()
	f.discovered.SetText("Fetching the discovery document…")
	u.background(func(ctx context.Context) func() {
		d, err := u.core.DiscoverIssuer(ctx, u.session, issuer)
		return func() {
			if u.sessionLost(err) {
				return
			}
			if err != nil {
				f.discovered.SetText(endpointsText(f.view.AuthURL, f.view.TokenURL, f.view.RevokeURL, f.view.UserinfoURL))
				f.showProblems(map[string]string{core.FieldIssuer: message(err)})
				return
			}
			f.showProblems(nil)
			f.discovered.SetText(endpointsText(d.AuthorizationEndpoint, d.TokenEndpoint, d.RevocationEndpoint, d.UserinfoEndpoint))
		}
	})
}

func (f *integrationForm) confirmRemoveSecret() {
	showConfirm(f.p.u.win, "Remove the client secret?",
		"The secret is deleted from this computer's keychain. Sources keep working only where the provider needs no secret.",
		"Remove", func() {
			f.run(func(ctx context.Context) error {
				return f.p.u.core.RemoveSecret(ctx, f.p.u.session, f.view.ID)
			}, func(err error) { f.status.SetText(message(err)) })
		})
}

func (f *integrationForm) confirmRemove() {
	v := f.view
	msg := "Its client ID and secret are deleted."
	switch v.Sources {
	case 0:
	case 1:
		msg += " 1 source will be disconnected, and revoked at the provider where it can be."
	default:
		msg += fmt.Sprintf(" %d sources will be disconnected, and revoked at the provider where they can be.", v.Sources)
	}
	showConfirm(f.p.u.win, "Remove "+v.Name+"?", msg, "Remove", func() {
		f.run(func(ctx context.Context) error {
			return f.p.u.core.RemoveIntegration(ctx, f.p.u.session, v.ID, v.Sources > 0)
		}, func(err error) {
			if err == nil && v.Custom {
				f.p.selected = ""
				f.p.list.UnselectAll()
				f.p.detail.Objects = []fyne.CanvasObject{container.NewCenter(widget.NewLabel("Choose an integration on the left."))}
				f.p.detail.Refresh()
			}
			f.status.SetText(message(err))
		})
	})
}

// showTest runs a test authorization and lists its steps as they happen, with Cancel.
func (f *integrationForm) showTest() {
	u := f.p.u
	u.used()
	steps := container.NewVBox(widget.NewLabel("Starting…"))
	outcome := wrapped("")
	f.testSteps, f.testOutcome = steps, outcome
	ctx, cancel := context.WithCancel(context.Background())
	var d dialog.Dialog
	stop := func() { cancel(); d.Hide() }
	button := newDialogButton("Cancel", theme.CancelIcon(), stop, stop)
	// The link, for when no browser opens: shown once the flow has built it.
	var authURL string
	link := widget.NewLabel("")
	link.Truncation = fyne.TextTruncateEllipsis
	copyLink := newDialogButton("Copy link", theme.ContentCopyIcon(), stop, func() { u.fa.Clipboard().SetContent(authURL) })
	linkRow := container.NewBorder(nil, nil, nil, copyLink, link)
	linkRow.Hide()
	body := container.NewBorder(nil, container.NewVBox(linkRow, outcome, container.NewHBox(layoutSpacer(), button)), nil, nil,
		container.NewVScroll(steps))
	d = dialog.NewCustomWithoutButtons("Test authorization: "+f.view.Name, body, u.win)
	d.Resize(fyne.NewSize(560, 380))
	escapeCloses(u.win, d, stop)
	d.Show()
	u.win.Canvas().Focus(button)

	start := time.Now()
	hooks := core.FlowHooks{OpenURL: f.p.openURL, Progress: func(ev core.FlowEvent) {
		line := fmt.Sprintf("%s  %s", ev.At.Sub(start).Round(10*time.Millisecond), ev.Step)
		if ev.Err != nil {
			line += ": " + message(ev.Err)
		}
		fyne.Do(func() {
			if len(steps.Objects) == 1 && steps.Objects[0].(*widget.Label).Text == "Starting…" {
				steps.RemoveAll()
			}
			steps.Add(wrapped(line))
			if ev.AuthURL != "" && authURL == "" {
				authURL = ev.AuthURL
				link.SetText(authURL)
				linkRow.Show()
			}
		})
	}}
	id, s := f.view.ID, u.session
	u.background(func(context.Context) func() {
		defer cancel()
		report, err := u.core.TestAuthorization(ctx, s, id, hooks)
		return func() {
			if u.sessionLost(err) {
				d.Hide()
				return
			}
			linkRow.Hide()
			button.SetText("Close")
			button.SetIcon(theme.ConfirmIcon())
			switch {
			case report.OK:
				outcome.Importance = widget.SuccessImportance
				outcome.SetText("Signed in as " + core.Printable(report.Account) + ". Nothing was saved.")
			case report.Problem != "":
				outcome.Importance = widget.DangerImportance
				outcome.SetText(capitalise(report.Problem) + ".\n" + report.Cause)
			default:
				outcome.Importance = widget.DangerImportance
				outcome.SetText(message(err))
			}
		}
	})
}
