package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/medialake/connect/core"
)

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
		u.report(func() {
			dropStarting(steps)
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
			dropStarting(steps) // where it ended before its first step, the outcome says why
			linkRow.Hide()
			button.SetText("Close")
			button.SetIcon(theme.ConfirmIcon())
			showOutcome(outcome, report, err)
		}
	})
}

// showOutcome says in outcome how the test authorization ended.
func showOutcome(outcome *widget.Label, report core.TestReport, err error) {
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

// dropStarting removes the "Starting…" placeholder from steps, once there is more to say.
func dropStarting(steps *fyne.Container) {
	if len(steps.Objects) == 1 && steps.Objects[0].(*widget.Label).Text == "Starting…" {
		steps.RemoveAll()
	}
}
