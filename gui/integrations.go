package gui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/assets"
	"github.com/medialake/connect/core"
)

// Kinds of a custom integration, as the Add dialog offers them.
var customKinds = map[string]core.ProviderID{"OpenID Connect": core.OIDC, "OAuth 2.0": core.OAuth2}

// integrationsPane is the Admin tab's integrations, laid out as a settings app: the list on
// the left, the selected integration's setup guide and form on the right.
type integrationsPane struct {
	u        *UI
	list     *widget.List
	items    []core.IntegrationView
	probe    error // of the keychain, from the last reload
	selected string
	status   *statusLine
	add      *button
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
			lines.Objects[0].(*widget.Label).SetText(core.Printable(v.Name))
			lines.Objects[1].(*widget.Label).SetText(listLine(v, p.probe))
			c.Objects[1].(*widget.Icon).SetResource(assets.ProviderIcon(string(v.Provider.ID)))
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		p.u.used()
		// reload selects the integration it has just shown again.
		if id >= len(p.items) || (p.form != nil && p.items[id].ID == p.selected) {
			return
		}
		if p.form != nil && p.form.dirty() {
			p.askBeforeSwitching(p.items[id])
			return
		}
		p.show(p.items[id])
	}
	p.add = newButtonWithIcon("Add custom integration…", theme.ContentAddIcon(), p.showAdd)
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
	if w := secretDueWords[v.SecretDue]; w != "" {
		line += " · " + w
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

// show puts the integration's guide and form on the right; the unsaved edits of the form it
// replaces, and where its form and guide were scrolled to, stay when it is the same
// integration's (reloaded after a Save, say), so that the field just saved stays in view.
func (p *integrationsPane) show(v core.IntegrationView) {
	p.selected = v.ID
	old := p.form
	p.form = newIntegrationForm(p, v)
	p.form.keepEdits(old)
	p.detail.Objects = []fyne.CanvasObject{p.form.content}
	p.detail.Refresh()
	if old != nil && old.view.ID == v.ID {
		p.form.body.ScrollToOffset(old.body.Offset)
		p.form.guideScroll.ScrollToOffset(old.guideScroll.Offset)
	}
}

// showAdd asks for a new custom integration's name and kind, after asking about the unsaved
// edits of the form on show, which the new integration replaces.
func (p *integrationsPane) showAdd() {
	p.u.used()
	if p.form != nil && p.form.dirty() {
		p.askBeforeAdding()
		return
	}
	p.showAddDialog()
}

// showAddDialog is the Add dialog itself: a name and a kind.
func (p *integrationsPane) showAddDialog() {
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
					problem.Fail(err)
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
			f.changed()
			if after != nil {
				after(err) // a refusal undoes what the form shows, the lock's too
			}
			if u.sessionLost(err) {
				f.status.SetText("Nothing was changed: the window locked first. Do it again.")
			}
			if err != nil {
				return
			}
			f.p.reload()
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
			if err != nil {
				f.discovered.SetText(endpointsText(f.view.AuthURL, f.view.TokenURL, f.view.RevokeURL, f.view.UserinfoURL))
				if !u.sessionLost(err) {
					f.showProblems(map[string]string{core.FieldIssuer: message(err)})
				}
				return
			}
			f.showProblems(nil)
			f.discovered.SetText(endpointsText(d.AuthorizationEndpoint, d.TokenEndpoint, d.RevocationEndpoint, d.UserinfoEndpoint))
		}
	})
}

func (f *integrationForm) confirmRemoveSecret() {
	showConfirm(f.p.u.win, "Remove the client secret?",
		"The secret will be deleted from this computer's keychain. Sources will keep working only where the provider needs no secret.",
		"Remove", func() {
			f.run(func(ctx context.Context) error {
				return f.p.u.core.RemoveSecret(ctx, f.p.u.session, f.view.ID)
			}, func(err error) { f.status.Fail(err) })
		})
}

func (f *integrationForm) confirmRemove() {
	v := f.view
	msg := "Its client ID and secret will be deleted."
	switch v.Sources {
	case 0:
	case 1:
		msg += " 1 source will be disconnected, and revoked at the provider where it can be."
	default:
		msg += fmt.Sprintf(" %d sources will be disconnected, and revoked at the provider where they can be.", v.Sources)
	}
	showConfirm(f.p.u.win, "Remove "+core.Printable(v.Name)+"?", msg, "Remove", func() {
		f.run(func(ctx context.Context) error {
			return f.p.u.core.RemoveIntegration(ctx, f.p.u.session, v.ID, v.Sources > 0)
		}, func(err error) {
			if err == nil && v.Custom {
				f.p.selected, f.p.form = "", nil
				f.p.list.UnselectAll()
				f.p.detail.Objects = []fyne.CanvasObject{container.NewCenter(widget.NewLabel("Choose an integration on the left."))}
				f.p.detail.Refresh()
			}
			f.status.Fail(err)
		})
	})
}
