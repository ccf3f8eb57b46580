package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// sandboxCard is the built-in sandbox provider's own settings, under its integration's form:
// its port, the lifetime of its access tokens and the switches that make it fail. It saves
// apart from the form, with its own button.
type sandboxCard struct {
	u              *UI
	port, lifetime *wheelEntry
	refuse, silent *widget.Check
	issuer         *widget.Label
	save           *button
	status         *statusLine
	problems       map[string]*widget.Label
	content        fyne.CanvasObject
}

func newSandboxCard(u *UI, page func(*fyne.ScrollEvent)) *sandboxCard {
	c := &sandboxCard{u: u, port: newWheelEntry(page), lifetime: newWheelEntry(page), issuer: wrapped(""),
		status: statusLabel(), problems: map[string]*widget.Label{}}
	c.lifetime.SetPlaceHolder("e.g. 5m or 90s")
	c.refuse = widget.NewCheck("Refuse refreshes (sources then need reconnecting)", nil)
	c.silent = widget.NewCheck("Go silent (sources then go offline)", nil)
	c.save = newButtonWithIcon("Save sandbox settings", theme.DocumentSaveIcon(), c.submit)
	form := widget.NewForm(
		widget.NewFormItem("Port", c.field(core.FieldSandboxPort, c.port)),
		widget.NewFormItem("Access tokens live", c.field(core.FieldTokenTTL, c.lifetime)),
		widget.NewFormItem("", c.refuse),
		widget.NewFormItem("", c.silent),
	)
	c.content = widget.NewCard("Sandbox settings", "", container.NewVBox(form, c.issuer, c.status, container.NewHBox(c.save)))
	c.load()
	return c
}

func (c *sandboxCard) field(key string, w fyne.CanvasObject) fyne.CanvasObject {
	l := errorLabel()
	l.Hide()
	c.problems[key] = l
	return container.NewVBox(w, l)
}

// load reads the settings and shows them.
func (c *sandboxCard) load() {
	c.u.background(func(ctx context.Context) func() {
		v, err := c.u.core.Sandbox(ctx, c.u.session)
		return func() {
			if c.u.failed(err, c.status) {
				return
			}
			c.show(v)
		}
	})
}

func (c *sandboxCard) show(v core.SandboxView) {
	in := v.Input()
	c.port.SetText(in.Port)
	c.lifetime.SetText(in.AccessTokenTTL)
	c.refuse.SetChecked(in.RefuseRefresh)
	c.silent.SetChecked(in.Silent)
	c.issuer.SetText("Issuer: " + v.Issuer)
}

func (c *sandboxCard) input() core.SandboxInput {
	return core.SandboxInput{Port: c.port.Text, AccessTokenTTL: c.lifetime.Text,
		RefuseRefresh: c.refuse.Checked, Silent: c.silent.Checked}
}

// submit saves the settings; wrong fields are shown under each, nothing is saved.
func (c *sandboxCard) submit() {
	c.u.used()
	in := c.input()
	c.save.Disable()
	c.status.Say(toneInfo, "Saving…")
	c.u.background(func(ctx context.Context) func() {
		err := c.u.core.SetSandbox(ctx, c.u.session, in)
		var v core.SandboxView
		if err == nil {
			v, err = c.u.core.Sandbox(ctx, c.u.session)
		}
		return func() {
			c.save.Enable()
			var invalid *core.ValidationError
			fields := map[string]string{}
			if errors.As(err, &invalid) {
				fields = invalid.Fields
			}
			for key, l := range c.problems {
				l.SetText(fields[key])
				l.Hidden = fields[key] == ""
				l.Refresh()
			}
			if c.u.failed(err, c.status) {
				return
			}
			c.show(v)
			c.status.Say(toneSuccess, "Sandbox settings saved.")
		}
	})
}
