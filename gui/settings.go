package gui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// settingsPane is the Admin tab's workspace settings: the idle lock and the keep-alive.
type settingsPane struct {
	u          *UI
	idle       *widget.Entry // minutes
	idleErr    *widget.Label
	keepAlive  *widget.Check
	whenClosed *widget.Check // the system's schedule runs the upkeep while the app is closed
	schedule   *widget.Label // whether it does, in words
	// scheduleName is the schedule's name as the system shows it, behind Details….
	scheduleName *detailsBox
	installed    bool           // whenClosed as last read, so that Save changes the system only when asked
	saveMark                    // Save settings, and beside it Unsaved changes, or Saved. until the next change
	saved        settingsValues // what the fields held as last read or saved, to tell an edit
	busy         bool           // a save runs
	status       *statusLine
	// exportButton and importButton open the dialogs of the workspace file (export.go, import.go).
	exportButton, importButton *button
	content                    fyne.CanvasObject
}

func newSettingsPane(u *UI) *settingsPane {
	p := &settingsPane{u: u, idle: widget.NewEntry(), idleErr: errorLabel(), scheduleName: newDetailsBox(), status: statusLabel()}
	p.idle.SetPlaceHolder("15")
	p.idle.OnSubmitted = func(string) { p.submit() }
	p.idleErr.Hide()
	// A short label: a check box does not wrap, and a long one would widen the window.
	p.whenClosed = widget.NewCheck("Keep connections alive when the app is closed", nil)
	p.keepAlive = widget.NewCheck("Keep unused connections alive", func(on bool) {
		if on {
			p.whenClosed.Enable()
			return
		}
		p.whenClosed.SetChecked(false)
		p.whenClosed.Disable()
	})
	p.schedule = widget.NewLabel("")
	p.schedule.Wrapping = fyne.TextWrapWord
	p.saveMark = newSaveMark("Save settings", p.submit)
	p.idle.OnChanged = func(string) { p.changed() }
	keep := p.keepAlive.OnChanged
	p.keepAlive.OnChanged = func(on bool) { keep(on); p.changed() }
	p.whenClosed.OnChanged = func(bool) { p.changed() }
	help := widget.NewLabel(fmt.Sprintf("The app returns to the sign-in screen after this many minutes without use "+
		"(%d to %d). Box refresh tokens die after 60 days unused, Microsoft's after 90, Google's after about six months: "+
		"with keep-alive on, the running app refreshes them before the provider lets them expire. When the app is "+
		"closed, nothing does, unless you let your system run the app's upkeep once a day.",
		int(core.MinIdleLock.Minutes()), int(core.MaxIdleLock.Minutes())))
	help.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Idle lock (minutes)", container.NewVBox(p.idle, p.idleErr)),
		widget.NewFormItem("", p.keepAlive),
		widget.NewFormItem("", container.NewVBox(p.whenClosed, p.schedule, p.scheduleName.box)),
	)
	// Scrolled, so that the pane fits a small window (640×480) whatever its length; the
	// message of the last Save, export or import under the scroll, in view wherever it is
	// scrolled to, as the integration page's is.
	p.content = container.NewBorder(nil, p.status, nil, nil, container.NewVScroll(container.NewVBox(form, help,
		container.NewHBox(p.save, p.mark), widget.NewSeparator(), p.fileButtons())))
	p.reload()
	return p
}

func (p *settingsPane) reload() {
	s := p.u.session
	p.u.background(func(ctx context.Context) func() {
		set, err := p.u.core.Settings(ctx, s)
		return func() {
			if p.u.failed(err, p.status) {
				return
			}
			p.idle.SetText(strconv.Itoa(int(set.IdleLock.Minutes())))
			p.keepAlive.SetChecked(set.KeepAlive)
			p.whenClosed.SetChecked(set.WhenClosed)
			p.scheduleName.SetText("Your system knows it as " + core.Printable(set.Schedule) + ".")
			p.setInstalled(set.WhenClosed)
			p.saved = p.values()
			p.changed()
		}
	})
}

// setInstalled notes whether the system's schedule runs the upkeep, and says so.
func (p *settingsPane) setInstalled(on bool) {
	p.installed = on
	if on {
		p.schedule.SetText("Daily check while the app is closed: on. Your system runs the app's upkeep once a day.")
	} else {
		p.schedule.SetText("Daily check while the app is closed: off.")
	}
}

// settingsValues are what the pane's fields hold, compared to tell an unsaved edit.
type settingsValues struct {
	idle                  string
	keepAlive, whenClosed bool
}

func (p *settingsPane) values() settingsValues {
	return settingsValues{idle: p.idle.Text, keepAlive: p.keepAlive.Checked, whenClosed: p.whenClosed.Checked}
}

// dirty reports whether the fields hold a change not saved yet.
func (p *settingsPane) dirty() bool { return p.values() != p.saved }

// changed enables Save while something is to save, and says so beside it.
func (p *settingsPane) changed() { p.followEdits(p.dirty(), p.busy) }

// parseMinutes reads the idle-lock field: whole minutes within core's bounds.
func parseMinutes(text string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	d := time.Duration(n) * time.Minute
	if err != nil || d < core.MinIdleLock || d > core.MaxIdleLock {
		return 0, fmt.Errorf("enter whole minutes from %d to %d", int(core.MinIdleLock.Minutes()), int(core.MaxIdleLock.Minutes()))
	}
	return d, nil
}

func (p *settingsPane) submit() {
	p.u.used()
	if !p.dirty() || p.busy {
		return // Enter in the idle field, with nothing to save or a save running
	}
	p.status.SetText("") // the last try's message no longer holds while this one runs
	d, err := parseMinutes(p.idle.Text)
	if err != nil {
		p.idleErr.SetText(capitalise(err.Error()) + ".")
		p.idleErr.Show()
		return
	}
	p.idleErr.Hide()
	idleText, keep, closed, installed := p.idle.Text, p.keepAlive.Checked, p.whenClosed.Checked, p.installed
	s := p.u.session
	p.busy = true
	p.save.Disable()
	p.status.Say(toneInfo, "Saving…")
	p.u.background(func(ctx context.Context) func() {
		var note string
		err := p.u.core.SetIdleLock(ctx, s, d)
		if err == nil {
			err = p.u.core.SetKeepAlive(ctx, s, keep) // off also removes the schedule
		}
		if err == nil && closed != installed && keep {
			note, err = p.u.core.SetKeepAliveWhenClosed(ctx, s, closed)
		}
		return func() {
			p.busy = false
			if p.u.sessionLost(err) {
				return
			}
			if err != nil {
				// The box shows what the system has: a refused schedule is not installed.
				p.whenClosed.SetChecked(p.installed)
				p.status.Fail(err)
				p.changed()
				return
			}
			p.setInstalled(closed && keep)
			p.saved = settingsValues{idle: idleText, keepAlive: keep, whenClosed: closed && keep}
			p.status.Say(toneInfo, note) // what the system says of its schedule, if anything
			p.changed()
			if !p.dirty() {
				p.showMark(toneSuccess, "Saved.")
			}
		}
	})
}

// fileButtons are Export… and Import… of the workspace file, with a word on what they are for.
func (p *settingsPane) fileButtons() fyne.CanvasObject {
	p.exportButton = newButtonWithIcon("Export…", theme.UploadIcon(), func() {
		p.u.used()
		showExport(p.u, func(rep core.ExportReport, path string) {
			p.status.Say(toneSuccess, exportDone(rep, path))
		})
	})
	p.importButton = newButtonWithIcon("Import…", theme.DownloadIcon(), func() {
		p.u.used()
		showImport(p.u, false, func(_ *access.Session, plan core.ImportPlan) {
			p.status.Say(toneSuccess, importDone(plan))
			if h := p.u.home; h != nil {
				h.integrations.reload()
				h.users.reload()
			}
		})
	})
	about := widget.NewLabel("Move the integrations, their secrets and the users to another computer, or keep a backup: " +
		"an encrypted file.")
	about.Wrapping = fyne.TextWrapWord
	return container.NewVBox(about, container.NewHBox(p.exportButton, p.importButton))
}
