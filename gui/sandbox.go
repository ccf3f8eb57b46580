package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

// sandboxCard is the built-in sandbox provider's own settings, under its integration's form:
// its port, the lifetime of its access tokens and the switches that make it fail. They are
// edits of the form like its other fields, saved by the form's Save (see saveAll).
type sandboxCard struct {
	u              *UI
	port, lifetime *wheelEntry
	refuse, silent *widget.Check
	issuer         *widget.Label
	status         *statusLine
	problems       map[string]*widget.Label
	content        fyne.CanvasObject
	// initial is what was saved, as the card last read it; loaded is set once it has.
	initial core.SandboxInput
	loaded  bool
	// changed and wheel are the form's, which the card tells of every edit and hands the
	// mouse wheel; a rebuilt form of the sandbox takes the card over with its edits.
	changed func()
	wheel   func(*fyne.ScrollEvent)
}

func newSandboxCard(u *UI) *sandboxCard {
	c := &sandboxCard{u: u, issuer: wrapped(""), status: statusLabel(), problems: map[string]*widget.Label{}}
	wheel := func(ev *fyne.ScrollEvent) {
		if c.wheel != nil {
			c.wheel(ev)
		}
	}
	c.port, c.lifetime = newWheelEntry(wheel), newWheelEntry(wheel)
	c.lifetime.SetPlaceHolder("e.g. 5m or 90s")
	c.refuse = widget.NewCheck("Refuse refreshes (sources then need reconnecting)", nil)
	c.silent = widget.NewCheck("Go silent (sources then go offline)", nil)
	form := widget.NewForm(
		widget.NewFormItem("Port", c.field(core.FieldSandboxPort, c.port)),
		widget.NewFormItem("Access tokens live", c.field(core.FieldTokenTTL, c.lifetime)),
		widget.NewFormItem("", c.refuse),
		widget.NewFormItem("", c.silent),
	)
	c.content = widget.NewCard("Sandbox settings", "", container.NewVBox(form, c.issuer, c.status))
	edited := func() {
		if c.changed != nil {
			c.changed()
		}
	}
	c.port.OnChanged = func(string) { edited() }
	c.lifetime.OnChanged = func(string) { edited() }
	c.refuse.OnChanged = func(bool) { edited() }
	c.silent.OnChanged = func(bool) { edited() }
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

// show puts the saved settings v in the fields: what the card holds is no edit any more.
func (c *sandboxCard) show(v core.SandboxView) {
	in := v.Input()
	c.loaded = false // the fields change one by one: no edit meanwhile
	c.port.SetText(in.Port)
	c.lifetime.SetText(in.AccessTokenTTL)
	c.refuse.SetChecked(in.RefuseRefresh)
	c.silent.SetChecked(in.Silent)
	c.issuer.SetText("Issuer: " + v.Issuer)
	c.initial, c.loaded = in, true
	if c.changed != nil {
		c.changed()
	}
}

func (c *sandboxCard) input() core.SandboxInput {
	return core.SandboxInput{Port: c.port.Text, AccessTokenTTL: c.lifetime.Text,
		RefuseRefresh: c.refuse.Checked, Silent: c.silent.Checked}
}

// dirty reports whether the card holds edits not saved yet.
func (c *sandboxCard) dirty() bool { return c.loaded && c.input() != c.initial }

// save saves in, then reads back what was saved, in the background.
func (c *sandboxCard) save(ctx context.Context, in core.SandboxInput) (core.SandboxView, error) {
	if err := c.u.core.SetSandbox(ctx, c.u.session, in); err != nil {
		return core.SandboxView{}, err
	}
	return c.u.core.Sandbox(ctx, c.u.session)
}

// showProblems puts each field's message under it and clears the others.
func (c *sandboxCard) showProblems(fields map[string]string) {
	for key, l := range c.problems {
		l.SetText(fields[key])
		l.Hidden = fields[key] == ""
		l.Refresh()
	}
}
