package gui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// importDialog is Admin → Settings → Import…, and the first-start screen's "Restore from a
// file…" (restore): the file and what opens it, a preview of what changes, then Confirm.
type importDialog struct {
	u        *UI
	restore  bool
	d        *dialog.CustomDialog
	form     *widget.Form
	file     *dialogEntry
	pass     *dialogEntry // the file's passphrase
	identity *dialogEntry // or the path of an identity file
	// name offers the file's administrators once a preview has read them, and adminPass is
	// the passphrase of the one chosen (restore only).
	name           *widget.Select
	admins         []string // the names name's options show
	adminPass      *dialogEntry
	preview        *widget.Label
	details        *detailsBox        // the file's workspace id and app version
	replace        *widget.CheckGroup // integrations here that the file's may replace
	replaceIDs     map[string]string  // replace's labels → integration ids
	check, confirm *dialogButton
	progress       *widget.ProgressBarInfinite
	status         *statusLine
	done           func(*access.Session, core.ImportPlan)
}

func showImport(u *UI, restore bool, done func(*access.Session, core.ImportPlan)) {
	m := &importDialog{u: u, restore: restore, file: newDialogEntry(), pass: newDialogPasswordEntry(),
		identity: newDialogEntry(), name: widget.NewSelect(nil, nil), adminPass: newDialogPasswordEntry(),
		preview: wrapLabel(""), details: newDetailsBox(), replaceIDs: map[string]string{}, progress: widget.NewProgressBarInfinite(),
		status: statusLabel(), done: done}
	m.progress.Hide()
	m.preview.Hide()
	m.details.box.Hide()
	m.name.PlaceHolder = "Press Preview to list the file's administrators"
	m.name.Disable()
	m.name.OnChanged = func(name string) {
		if name != "" {
			m.status.Say(toneInfo, fmt.Sprintf("Type %s's passphrase, then Confirm.", name))
			u.win.Canvas().Focus(m.adminPass)
		}
	}
	// A tick changes the plan: Confirm waits for the preview of the new one.
	m.replace = widget.NewCheckGroup(nil, func([]string) {
		if m.preview.Visible() {
			m.confirm.Disable()
			m.status.Say(toneInfo, "Press Preview to see what the ticked replacements change, then Confirm.")
		}
	})
	m.replace.Hide()
	m.file.SetPlaceHolder("/path/to/workspace" + core.ExportExt)
	m.identity.SetPlaceHolder("age or SSH key file, if encrypted to keys")
	m.form = widget.NewForm(widget.NewFormItem("File", fileRow(u, m.file, false, nil)),
		widget.NewFormItem("File's passphrase", m.pass), widget.NewFormItem("Or identity file", fileRow(u, m.identity, false, nil)))
	title, intro := "Import into this workspace", "Nothing changes before you confirm the preview. Integrations that "+
		"exist here are kept unless you tick them; users that exist are never changed."
	if restore {
		title, intro = m.forRestore()
	}
	m.pass.OnSubmitted = func(string) { m.run(true) }
	m.adminPass.OnSubmitted = func(string) { m.run(m.confirm.Disabled()) }
	// The status under the form, in view: the preview below may be long.
	body := container.NewVBox(wrapLabel(intro), m.form, m.progress, m.status, m.preview, m.details.box, m.replace)
	hide := func() { m.d.Hide() }
	escapeFrom(hide, m.file, m.pass, m.identity, m.adminPass)
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	m.check = newDialogButton("Preview", theme.SearchIcon(), hide, func() { m.run(true) })
	m.confirm = newDialogButton("Confirm", theme.ConfirmIcon(), hide, func() { m.run(false) })
	m.confirm.Importance = widget.HighImportance
	m.confirm.Disable()
	m.file.OnChanged = func(string) { m.confirm.Disable() } // another file needs its own preview
	m.d = dialog.NewCustomWithoutButtons(title, container.NewVScroll(body), u.win)
	m.d.SetButtons([]fyne.CanvasObject{cancel, m.check, m.confirm})
	m.d.Resize(fyne.NewSize(600, 560))
	escapeCloses(u.win, m.d, hide)
	m.d.Show()
	u.win.Canvas().Focus(m.file)
}

// forRestore makes the dialog the first-start screen's restore, which signs in as one of the
// file's administrators, and returns its title and its words on what it does.
func (m *importDialog) forRestore() (title, intro string) {
	// The export made last, where exports go, is most likely the one to restore.
	m.file.SetText(core.NewestExport(core.ExportFolder()))
	m.file.CursorColumn = len([]rune(m.file.Text))
	m.form.Append("Administrator", m.name)
	m.form.Append("Their passphrase", m.adminPass)
	return "Restore from a file", "Set up this workspace as it was. Preview the file, then choose one of its " +
		"administrators and type that administrator's passphrase: you are signed in as them."
}

// run previews the import (dryRun) or makes it.
func (m *importDialog) run(dryRun bool) {
	if m.check.Disabled() || !dryRun && m.confirm.Disabled() {
		return
	}
	m.u.used()
	if m.restore && !dryRun && m.name.Selected == "" {
		m.status.SetText("Choose the administrator to sign in as.")
		return
	}
	opt := core.ImportOptions{DryRun: dryRun}
	for _, label := range m.replace.Selected {
		opt.Replace = append(opt.Replace, m.replaceIDs[label])
	}
	path, idPath := strings.TrimSpace(m.file.Text), strings.TrimSpace(m.identity.Text)
	if idPath != "" {
		b, err := os.ReadFile(idPath)
		if err != nil {
			m.status.SetText("Could not read the identity file: " + core.Printable(err.Error()))
			return
		}
		opt.Identity = core.NewSecret(string(b))
	} else {
		opt.Passphrase = core.NewSecret(m.pass.Text)
	}
	name, adminPass, s := "", core.NewSecret(m.adminPass.Text), m.u.session
	if i := m.name.SelectedIndex(); i >= 0 {
		name = m.admins[i]
	}
	m.check.Disable()
	m.confirm.Disable()
	m.progress.Show()
	m.status.SetText("")
	m.u.background(func(ctx context.Context) func() {
		var sess *access.Session
		var plan core.ImportPlan
		var err error
		switch {
		case m.restore && dryRun:
			plan, err = m.u.core.PreviewRestore(ctx, path, opt)
		case m.restore:
			sess, plan, err = m.u.core.Restore(ctx, path, opt, name, adminPass)
		default:
			plan, err = m.u.core.Import(ctx, s, path, opt)
		}
		return func() { m.ran(sess, plan, err) }
	})
}

// ran shows a preview, or ends the dialog after the import.
func (m *importDialog) ran(sess *access.Session, plan core.ImportPlan, err error) {
	m.progress.Hide()
	m.check.Enable()
	if !m.restore && m.u.sessionLost(err) {
		return
	}
	if err != nil && m.restore && core.ReasonOf(err) == core.ReasonWrongPassphrase {
		// The file opened (its passphrase is right); the administrator's is not.
		m.status.Say(toneError, fmt.Sprintf("The file opened, but %s's passphrase is wrong. Check Caps Lock and try again.",
			core.Printable(m.name.Selected)))
		m.confirm.Enable()
		m.u.win.Canvas().Focus(m.adminPass)
		return
	}
	if err != nil {
		m.status.Fail(err)
		return
	}
	if !plan.DryRun {
		m.d.Hide()
		m.done(sess, plan)
		return
	}
	m.preview.SetText(planText(plan))
	m.preview.Show()
	m.details.SetText(fmt.Sprintf("The file comes from the workspace with id %s, written by version %s of the app.",
		core.Printable(plan.Workspace), core.Printable(plan.AppVersion)))
	m.details.box.Show()
	m.showReplace(plan)
	m.confirm.Enable()
	if m.restore {
		m.offerAdmins(plan.Admins)
		return
	}
	// Not Confirm: Enter twice must not import what the person has not read.
	m.u.win.Canvas().Focus(m.check)
}

// offerAdmins lets the person choose among the file's administrators (one is chosen for
// them), and asks for the passphrase of the one chosen.
func (m *importDialog) offerAdmins(names []string) {
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = core.Printable(n)
	}
	m.name.Options, m.admins = shown, names
	m.name.PlaceHolder = "Choose an administrator of the file"
	m.name.Enable()
	m.form.Refresh() // the label of a field enabled again
	m.status.Say(toneInfo, "Choose the administrator to sign in as, type their passphrase, then Confirm.")
	switch {
	case len(shown) == 1:
		m.name.SetSelected(shown[0]) // OnChanged asks for the passphrase
	case slices.Contains(shown, m.name.Selected):
		m.name.OnChanged(m.name.Selected)
	default:
		m.name.ClearSelected()
	}
}

// showReplace offers the file's integrations that exist here for replacing, ticked as before.
func (m *importDialog) showReplace(plan core.ImportPlan) {
	var labels []string
	for _, it := range plan.Integrations {
		if it.Change == core.ChangeAdd {
			continue
		}
		label := fmt.Sprintf("Replace %s (%s) with the file's", core.Printable(it.Name), core.Printable(it.ID))
		m.replaceIDs[label] = it.ID
		labels = append(labels, label)
	}
	m.replace.Options = labels
	m.replace.Hidden = len(labels) == 0
	m.replace.Refresh()
}

// planText says what an import changes, or changed.
func planText(p core.ImportPlan) string {
	var lines []string
	for _, it := range p.Integrations {
		lines = append(lines, fmt.Sprintf("Integration %s: %s", core.Printable(it.Name), changeWords[it.Change]))
	}
	for _, it := range p.Users {
		lines = append(lines, fmt.Sprintf("User %s (%s): %s", core.Printable(it.Name), privilegeLabel(it.Privilege), changeWords[it.Change]))
	}
	if p.Settings {
		lines = append(lines, "The settings, and "+core.Counted(p.Activity, "activity entry", "activity entries")+".")
	}
	if p.SourcesLeftOut > 0 {
		lines = append(lines, core.Counted(p.SourcesLeftOut, "source is", "sources are")+" not in the file: their owners reconnect them here.")
	}
	return planHeader(p) + "\n" + strings.Join(lines, "\n")
}

// planHeader says where a file comes from as people know it: when and by whom it was
// written, and what it holds.
func planHeader(p core.ImportPlan) string {
	by := ""
	if p.ExportedBy != "" {
		by = " by " + core.Printable(p.ExportedBy)
	}
	return fmt.Sprintf("Exported on %s%s. It holds %s and %s:", p.ExportedAt.Local().Format("2 January 2006 at 15:04"), by,
		core.Counted(len(p.Integrations), "integration"), core.Counted(len(p.Users), "user"))
}

var changeWords = map[core.Change]string{
	core.ChangeAdd:     "added",
	core.ChangeReplace: "replaced",
	core.ChangeSkip:    "exists here, kept",
}

// importDone says what an import changed.
func importDone(p core.ImportPlan) string {
	msg := fmt.Sprintf("Imported: %s added, %d replaced; %s added.",
		core.Counted(core.Count(p.Integrations, core.ChangeAdd), "integration"), core.Count(p.Integrations, core.ChangeReplace),
		core.Counted(core.Count(p.Users, core.ChangeAdd), "user"))
	if p.SourcesLeftOut > 0 {
		msg += " " + core.Counted(p.SourcesLeftOut, "source was", "sources were") + " not in the file: their owners reconnect them."
	}
	return msg
}
