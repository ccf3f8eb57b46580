package gui

import (
	"context"
	"fmt"
	"os"
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
	file     *widget.Entry
	pass     *widget.Entry // the file's passphrase
	identity *widget.Entry // or the path of an identity file
	// name and adminPass are an administrator's of the file (restore only).
	name, adminPass *widget.Entry
	preview         *widget.Label
	replace         *widget.CheckGroup // integrations here that the file's may replace
	replaceIDs      map[string]string  // replace's labels → integration ids
	check, confirm  *dialogButton
	progress        *widget.ProgressBarInfinite
	status          *statusLine
	done            func(*access.Session, core.ImportPlan)
}

func showImport(u *UI, restore bool, done func(*access.Session, core.ImportPlan)) *importDialog {
	m := &importDialog{u: u, restore: restore, file: widget.NewEntry(), pass: widget.NewPasswordEntry(),
		identity: widget.NewEntry(), name: widget.NewEntry(), adminPass: widget.NewPasswordEntry(),
		preview: wrapLabel(""), replaceIDs: map[string]string{}, progress: widget.NewProgressBarInfinite(),
		status: statusLabel(), done: done}
	m.progress.Hide()
	m.preview.Hide()
	// A tick changes the plan: Confirm waits for the preview of the new one.
	m.replace = widget.NewCheckGroup(nil, func([]string) {
		if m.preview.Visible() {
			m.confirm.Disable()
			m.status.Say(toneInfo, "Press Preview to see what the ticked replacements change, then Confirm.")
		}
	})
	m.replace.Hide()
	m.file.SetPlaceHolder("/path/to/workspace.age")
	m.identity.SetPlaceHolder("age or SSH key file, if encrypted to keys")
	form := widget.NewForm(widget.NewFormItem("File", fileRow(u, m.file, false, nil)),
		widget.NewFormItem("File's passphrase", m.pass), widget.NewFormItem("Or identity file", fileRow(u, m.identity, false, nil)))
	intro := "Nothing changes before you confirm the preview. Integrations that exist here are kept unless you tick them; " +
		"users that exist are never changed."
	if restore {
		intro = "Set up this workspace as it was: sign in as an administrator named in the file, with that administrator's passphrase."
		form.Append("Administrator", m.name)
		form.Append("Their passphrase", m.adminPass)
	}
	m.pass.OnSubmitted = func(string) { m.run(true) }
	m.adminPass.OnSubmitted = func(string) { m.run(true) }
	body := container.NewVBox(wrapLabel(intro), form, m.preview, m.replace, m.progress, m.status)
	hide := func() { m.d.Hide() }
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	m.check = newDialogButton("Preview", theme.SearchIcon(), hide, func() { m.run(true) })
	m.confirm = newDialogButton("Confirm", theme.ConfirmIcon(), hide, func() { m.run(false) })
	m.confirm.Importance = widget.HighImportance
	m.confirm.Disable()
	title := "Import into this workspace"
	if restore {
		title = "Restore from a file"
	}
	m.d = dialog.NewCustomWithoutButtons(title, container.NewVScroll(body), u.win)
	m.d.SetButtons([]fyne.CanvasObject{cancel, m.check, m.confirm})
	m.d.Resize(fyne.NewSize(600, 560))
	escapeCloses(u.win, m.d, hide)
	m.d.Show()
	u.win.Canvas().Focus(m.file)
	return m
}

// run previews the import (dryRun) or makes it.
func (m *importDialog) run(dryRun bool) {
	if m.check.Disabled() {
		return
	}
	m.u.used()
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
	name, adminPass, s := m.name.Text, core.NewSecret(m.adminPass.Text), m.u.session
	m.check.Disable()
	m.confirm.Disable()
	m.progress.Show()
	m.status.SetText("")
	m.u.background(func(ctx context.Context) func() {
		var sess *access.Session
		var plan core.ImportPlan
		var err error
		if m.restore {
			sess, plan, err = m.u.core.Restore(ctx, path, opt, name, adminPass)
		} else {
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
			core.Printable(strings.TrimSpace(m.name.Text))))
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
	m.showReplace(plan)
	m.confirm.Enable()
	// Not Confirm: Enter twice must not import what the person has not read.
	m.u.win.Canvas().Focus(m.check)
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
	return fmt.Sprintf("From workspace %s, exported %s:\n", core.Printable(p.Workspace), p.ExportedAt.Local().Format("2006-01-02 15:04")) +
		strings.Join(lines, "\n")
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
