package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

var privilegeNames = []string{"Admin", "Write", "Read"}

func privilegeLabel(p access.Privilege) string {
	switch p {
	case access.Admin:
		return "Admin"
	case access.Write:
		return "Write"
	}
	return "Read"
}

func parsePrivilegeLabel(s string) access.Privilege {
	p, err := access.ParsePrivilege(strings.ToLower(s))
	if err != nil {
		return access.Read
	}
	return p
}

// usersPane is the Admin tab's list of users with the actions on the selected one.
type usersPane struct {
	u        *UI
	list     *widget.List
	users    []core.User
	selected int
	status   *statusLine
	busy     bool // a change is running: further taps wait for it (no double submit)

	add, privilege, reset, disable, remove *button
	content                                fyne.CanvasObject
}

func newUsersPane(u *UI) *usersPane {
	p := &usersPane{u: u, selected: -1, status: statusLabel()}
	p.list = widget.NewList(
		func() int { return len(p.users) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), widget.NewLabel("privilege"), widget.NewLabel("name"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			usr := p.users[id]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(core.Printable(userLine(usr)))
			c.Objects[2].(*widget.Label).SetText(privilegeLabel(usr.Privilege))
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) { p.selected = id; p.refreshButtons() }
	p.list.OnUnselected = func(widget.ListItemID) { p.selected = -1; p.refreshButtons() }

	p.add = newButtonWithIcon("Add user…", theme.ContentAddIcon(), p.showAdd)
	p.privilege = newButton("Change privilege…", p.showPrivilege)
	p.reset = newButton("Reset passphrase…", p.showReset)
	p.disable = newButton("Disable", p.toggleDisabled)
	p.remove = newButtonWithIcon("Delete…", theme.DeleteIcon(), p.showDelete)
	p.refreshButtons()

	bar := container.NewHBox(p.add, p.privilege, p.reset, p.disable, p.remove)
	p.content = container.NewBorder(container.NewVBox(bar, p.status), nil, nil, nil, p.list)
	p.reload()
	return p
}

func userLine(usr core.User) string {
	parts := []string{usr.Name}
	if usr.Disabled {
		parts = append(parts, "disabled")
	}
	if !usr.LockedUntil.IsZero() {
		parts = append(parts, "locked out until "+usr.LockedUntil.Local().Format("15:04"))
	}
	parts = append(parts, sources(usr.Sources))
	return strings.Join(parts, " · ")
}

func (p *usersPane) current() (core.User, bool) {
	if p.selected < 0 || p.selected >= len(p.users) {
		return core.User{}, false
	}
	return p.users[p.selected], true
}

func (p *usersPane) refreshButtons() {
	usr, ok := p.current()
	for _, b := range []*button{p.privilege, p.reset, p.disable, p.remove} {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if ok && usr.Disabled {
		p.disable.SetText("Enable")
	} else {
		p.disable.SetText("Disable")
	}
}

func (p *usersPane) reload() {
	p.u.background(func(ctx context.Context) func() {
		users, err := p.u.core.Users(ctx, p.u.session)
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			p.users = users
			if p.selected >= len(users) {
				p.selected = -1
				p.list.UnselectAll()
			}
			p.list.Refresh()
			p.refreshButtons()
		}
	})
}

// do runs a user change in the background, then shows its error or reloads the list.
func (p *usersPane) do(change func(ctx context.Context) error, after func(error)) {
	p.u.used()
	if p.busy {
		return
	}
	p.busy = true
	p.u.background(func(ctx context.Context) func() {
		err := change(ctx)
		return func() {
			p.busy = false
			if p.u.sessionLost(err) {
				return
			}
			if after != nil {
				after(err) // a dialog shows its own error, beside what was typed
			} else if err != nil {
				p.status.Fail(err)
			}
			if err != nil {
				return
			}
			p.status.SetText("")
			p.reload()
		}
	})
}

func (p *usersPane) showAdd() {
	name := newDialogEntry()
	priv := newDialogSelect(privilegeNames, nil)
	priv.SetSelected("Write")
	pass, confirm := newDialogPasswordEntry(), newDialogPasswordEntry()
	problem := statusLabel()
	var d dialog.Dialog
	submit := func() {
		p.do(func(ctx context.Context) error {
			_, err := p.u.core.AddUser(ctx, p.u.session, name.Text, parsePrivilegeLabel(priv.Selected),
				core.NewSecret(pass.Text), core.NewSecret(confirm.Text))
			return err
		}, func(err error) {
			if err != nil {
				problem.Fail(err) // the dialog stays open with what was typed
				return
			}
			d.Hide()
		})
	}
	confirm.OnSubmitted = func(string) { submit() }
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Privilege", priv),
		widget.NewFormItem("Initial passphrase", pass),
		widget.NewFormItem("Passphrase again", confirm),
	}
	d = formDialog(p.u.win, "Add user", "Add", items, problem, submit)
	d.Show()
	p.u.win.Canvas().Focus(name)
}

func (p *usersPane) showPrivilege() {
	usr, ok := p.current()
	if !ok {
		return
	}
	priv := newDialogSelect(privilegeNames, nil)
	priv.SetSelected(privilegeLabel(usr.Privilege))
	problem := statusLabel()
	var d dialog.Dialog
	d = formDialog(p.u.win, "Privilege of "+usr.Name, "Save", []*widget.FormItem{widget.NewFormItem("Privilege", priv)}, problem, func() {
		p.do(func(ctx context.Context) error {
			return p.u.core.SetPrivilege(ctx, p.u.session, usr.ID, parsePrivilegeLabel(priv.Selected))
		}, func(err error) {
			if err != nil {
				problem.Fail(err)
				return
			}
			d.Hide()
		})
	})
	d.Show()
}

func (p *usersPane) showReset() {
	usr, ok := p.current()
	if !ok {
		return
	}
	pass, confirm := newDialogPasswordEntry(), newDialogPasswordEntry()
	problem := statusLabel()
	var d dialog.Dialog
	submit := func() {
		p.do(func(ctx context.Context) error {
			return p.u.core.ResetPassphrase(ctx, p.u.session, usr.ID, core.NewSecret(pass.Text), core.NewSecret(confirm.Text))
		}, func(err error) {
			if err != nil {
				problem.Fail(err)
				return
			}
			d.Hide()
		})
	}
	confirm.OnSubmitted = func(string) { submit() }
	d = formDialog(p.u.win, "New passphrase for "+usr.Name, "Reset", []*widget.FormItem{
		widget.NewFormItem("New passphrase", pass),
		widget.NewFormItem("Passphrase again", confirm),
	}, problem, submit)
	d.Show()
	p.u.win.Canvas().Focus(pass)
}

func (p *usersPane) toggleDisabled() {
	usr, ok := p.current()
	if !ok {
		return
	}
	p.do(func(ctx context.Context) error {
		if usr.Disabled {
			return p.u.core.EnableUser(ctx, p.u.session, usr.ID)
		}
		return p.u.core.DisableUser(ctx, p.u.session, usr.ID)
	}, nil)
}

func (p *usersPane) showDelete() {
	usr, ok := p.current()
	if !ok {
		return
	}
	if usr.Sources == 0 {
		showConfirm(p.u.win, "Delete "+core.Printable(usr.Name)+"?", "The profile will be deleted. This cannot be undone.", "Delete", func() {
			p.do(func(ctx context.Context) error {
				return p.u.core.DeleteUser(ctx, p.u.session, usr.ID, core.SourcePolicy{})
			}, nil)
		})
		return
	}
	p.showDeleteWithSources(usr)
}

// The choices for the sources of a user to be deleted: a radio group's option is its own
// value, so each is named once and compared by that name.
const (
	giveSources       = "Give them to another user"
	disconnectSources = "Disconnect them"
)

// showDeleteWithSources asks what becomes of the sources of usr, who is to be deleted.
func (p *usersPane) showDeleteWithSources(usr core.User) {
	var heirs []string
	heirIDs := map[string]int64{}
	for _, other := range p.users {
		if other.MayInherit(usr.ID) {
			heirs = append(heirs, other.Name)
			heirIDs[other.Name] = other.ID
		}
	}
	choice := widget.NewRadioGroup([]string{giveSources, disconnectSources}, nil)
	heir := newDialogSelect(heirs, nil)
	heir.PlaceHolder = "Choose a user with Write or Admin privilege"
	choice.OnChanged = func(s string) {
		if s == giveSources {
			heir.Enable()
		} else {
			heir.Disable()
		}
	}
	choice.SetSelected(giveSources)
	problem := statusLabel()
	text := widget.NewLabel(fmt.Sprintf("%s owns %s. What should happen to them?", usr.Name, sources(usr.Sources)))
	text.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	d = formDialog(p.u.win, "Delete "+usr.Name, "Delete", []*widget.FormItem{
		widget.NewFormItem("", text),
		widget.NewFormItem("Sources", choice),
		widget.NewFormItem("New owner", heir),
	}, problem, func() {
		policy := core.SourcePolicy{Disconnect: choice.Selected == disconnectSources}
		if !policy.Disconnect {
			if heir.Selected == "" {
				problem.SetText("Choose who receives the sources, or choose to disconnect them.")
				return
			}
			policy.TransferTo = heirIDs[heir.Selected]
		}
		p.do(func(ctx context.Context) error {
			return p.u.core.DeleteUser(ctx, p.u.session, usr.ID, policy)
		}, func(err error) {
			if err != nil {
				problem.Fail(err)
				return
			}
			d.Hide()
		})
	})
	d.Show()
}

// formDialog is a dialog with a form, an error line, Cancel and a confirm button that does
// not close the dialog by itself: submit closes it once the change has succeeded, so a
// refused change keeps what the person typed. Escape cancels, also from a dialogEntry or
// dialogSelect among the items.
func formDialog(w fyne.Window, title, confirm string, items []*widget.FormItem, problem *statusLine, submit func()) dialog.Dialog {
	var d dialog.Dialog
	hide := func() { d.Hide() }
	for _, it := range items {
		switch o := it.Widget.(type) {
		case *dialogEntry:
			o.escape = hide
		case *dialogSelect:
			o.escape = hide
		}
	}
	form := widget.NewForm(items...)
	ok := newDialogButton(confirm, theme.ConfirmIcon(), hide, submit)
	ok.Importance = widget.HighImportance
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	body := container.NewVBox(form, problem, container.NewHBox(layoutSpacer(), cancel, ok))
	d = dialog.NewCustomWithoutButtons(title, body, w)
	d.Resize(fyne.NewSize(520, body.MinSize().Height+80))
	escapeCloses(w, d, hide)
	return d
}
