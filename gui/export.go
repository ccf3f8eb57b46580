package gui

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// Ways to encrypt a file, as the export dialog offers them.
const (
	toPassphrase = "A passphrase"
	toRecipients = "Age or SSH public keys"
)

// exportDialog is Admin → Settings → Export…: where to write the file and to whom to
// encrypt it.
type exportDialog struct {
	u             *UI
	d             *dialog.CustomDialog
	file          *dialogEntry
	to            *widget.RadioGroup
	pass, confirm *dialogEntry
	hint          *widget.Label // how strong the passphrase is
	recipients    *dialogEntry  // one a line
	armor         *widget.Check
	activity      *widget.Check
	force         *widget.Check
	export        *dialogButton
	progress      *widget.ProgressBarInfinite
	status        *statusLine
	done          func(core.ExportReport, string) // after a successful export
}

func showExport(u *UI, done func(core.ExportReport, string)) {
	e := &exportDialog{u: u, file: newDialogEntry(), pass: newDialogPasswordEntry(), confirm: newDialogPasswordEntry(),
		hint: widget.NewLabel(passphraseHint("")), recipients: newDialogMultiLineEntry(),
		armor: widget.NewCheck("Text file (armoured), for mail", nil), activity: widget.NewCheck("Include the activity log", nil),
		force: widget.NewCheck("Replace the file if it exists", nil), progress: widget.NewProgressBarInfinite(),
		status: statusLabel(), done: done}
	e.progress.Hide()
	e.hint.Wrapping = fyne.TextWrapWord
	e.file.SetPlaceHolder("/path/to/workspace" + core.ExportExt)
	e.file.SetText(u.core.DefaultExportPath())
	e.file.CursorColumn = len([]rune(e.file.Text)) // the file's name in view, its folder scrolled off if need be
	e.recipients.SetPlaceHolder("age1… or ssh-ed25519 AAAA…, one a line")
	e.recipients.SetMinRowsVisible(3)
	e.pass.OnChanged = func(s string) { e.hint.SetText(passphraseHint(s)) }
	e.pass.OnSubmitted = func(string) { u.win.Canvas().Focus(e.confirm) }
	e.confirm.OnSubmitted = func(string) { e.submit() }
	passBox := container.NewVBox(widget.NewForm(widget.NewFormItem("Passphrase", e.pass),
		widget.NewFormItem("Passphrase again", e.confirm)), fixedLines(e.hint, 2))
	e.to = widget.NewRadioGroup([]string{toPassphrase, toRecipients}, func(s string) {
		passBox.Hidden, e.recipients.Hidden = s != toPassphrase, s != toRecipients
		passBox.Refresh()
		e.recipients.Refresh()
	})
	e.to.Horizontal = true
	e.to.Required = true
	e.to.SetSelected(toPassphrase)
	intro := wrapLabel("The file holds the integrations with their client secrets, the users with their passphrase " +
		"hashes and the settings, encrypted. Sources are not in it: their owners reconnect after an import.")
	// The fields scroll, and the progress and the messages come under them, never over the
	// buttons: a short window (540 px) has no room left below the fields for a dialog to grow.
	fields := container.NewVBox(intro, widget.NewForm(widget.NewFormItem("File", fileRow(u, e.file, true, func() { e.force.SetChecked(true) })),
		widget.NewFormItem("Encrypt to", e.to)), passBox, e.recipients, e.armor, e.activity, e.force)
	body := container.NewBorder(nil, container.NewVBox(e.progress, e.status), nil, nil, wrapsInScroll(fields))
	hide := func() { e.d.Hide() }
	escapeFrom(hide, e.file, e.pass, e.confirm, e.recipients)
	cancel := newDialogButton("Cancel", theme.CancelIcon(), hide, hide)
	e.export = newDialogButton("Export", theme.DocumentSaveIcon(), hide, e.submit)
	e.export.Importance = widget.HighImportance
	e.d = dialog.NewCustomWithoutButtons("Export the workspace", body, u.win)
	e.d.SetButtons([]fyne.CanvasObject{cancel, e.export})
	e.d.Resize(fyne.NewSize(560, 560))
	escapeCloses(u.win, e.d, hide)
	e.d.Show()
	u.win.Canvas().Focus(e.file)
}

// passphraseHint says how strong a file's passphrase is: anyone who has the file can try
// passphrases offline, at their own pace. Each fits the two lines fixedLines keeps for it.
func passphraseHint(s string) string {
	n := len([]rune(s))
	switch {
	case n < access.MinPassphraseLen:
		return fmt.Sprintf("Strength: too short, at least %d characters.", access.MinPassphraseLen)
	case n < 20:
		return "Strength: fair. Anyone with the file can guess offline: a few more words make it much harder."
	}
	return "Strength: good."
}

// fixedLines keeps n lines of text's height for l, a wrapping label, whatever it says: a
// message that grows as the person types moves nothing below it.
func fixedLines(l *widget.Label, n int) fyne.CanvasObject {
	space := canvas.NewRectangle(color.Transparent)
	space.SetMinSize(fyne.NewSize(0, widget.NewLabel(strings.Repeat("\n", n-1)).MinSize().Height))
	return container.NewStack(space, l)
}

func (e *exportDialog) submit() {
	if e.export.Disabled() {
		return
	}
	e.u.used()
	path := strings.TrimSpace(e.file.Text)
	if path == "" {
		e.status.SetText("Choose where to write the file.")
		e.u.win.Canvas().Focus(e.file)
		return
	}
	opt := core.ExportOptions{Armor: e.armor.Checked, WithActivity: e.activity.Checked, Force: e.force.Checked}
	if e.to.Selected == toRecipients {
		opt.Recipients = strings.Split(e.recipients.Text, "\n")
	} else {
		opt.Passphrase, opt.Confirm = core.NewSecret(e.pass.Text), core.NewSecret(e.confirm.Text)
	}
	s := e.u.session
	e.export.Disable()
	e.progress.Show()
	e.status.SetText("")
	e.u.background(func(ctx context.Context) func() {
		rep, err := e.u.core.Export(ctx, s, path, opt)
		return func() {
			e.progress.Hide()
			e.export.Enable()
			if e.u.sessionLost(err) {
				return
			}
			if err != nil {
				e.status.Fail(err)
				return
			}
			e.d.Hide()
			e.done(rep, path)
		}
	})
}

// exportDone says what went into the file.
func exportDone(rep core.ExportReport, path string) string {
	msg := fmt.Sprintf("Exported %s and %s to %s, encrypted to %s.", core.Counted(rep.Integrations, "integration"),
		core.Counted(rep.Users, "user"), core.Printable(path), core.Printable(rep.To))
	if rep.SourcesLeftOut > 0 {
		msg += " " + core.Counted(rep.SourcesLeftOut, "source is", "sources are") + " not in the file: their owners reconnect after an import."
	}
	if len(rep.SecretsMissing) > 0 {
		msg += " The keychain no longer had the client secret of " + core.Printable(strings.Join(rep.SecretsMissing, ", ")) + "."
	}
	return msg
}

// fileFolder is where a file dialog opens for the path typed: its folder where that exists,
// else the folder where exports go.
func fileFolder(path string) string {
	if path != "" {
		if st, err := os.Stat(filepath.Dir(path)); err == nil && st.IsDir() {
			return filepath.Dir(path)
		}
	}
	return core.ExportFolder()
}

// fileRow is a path field with a Choose… button that opens the file dialog: to save a new
// file, or to open one. Fyne's save dialog asks before it picks an existing file, and
// creates the file it picks, empty: chosen then runs, so that the export may overwrite it.
func fileRow(u *UI, entry *dialogEntry, save bool, chosen func()) fyne.CanvasObject {
	choose := newButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		path := strings.TrimSpace(entry.Text)
		if path == "" && save {
			path = u.core.DefaultExportPath()
		}
		set := func(uri fyne.URI) {
			if uri != nil {
				entry.SetText(uri.Path())
				if chosen != nil {
					chosen()
				}
			}
		}
		var d interface {
			Show()
			SetLocation(fyne.ListableURI)
		}
		if save {
			fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if w != nil {
					set(w.URI())
					w.Close() // the export writes the file itself, through a temporary file
				}
			}, u.win)
			fd.SetFileName(filepath.Base(path))
			d = fd
		} else {
			d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if r != nil {
					set(r.URI())
					r.Close()
				}
			}, u.win)
		}
		if l, err := storage.ListerForURI(storage.NewFileURI(fileFolder(path))); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	})
	return container.NewBorder(nil, nil, nil, choose, entry)
}
