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

// authDialog is the one dialog for a sign-in at a provider: Connect, Reconnect and Test
// authorization. It shows the steps as they happen, the link with Copy link and Open browser
// (for when no browser opened), the time left and Cancel; Escape cancels. At the end the
// caller says what happened in problem, and Cancel becomes Close.
type authDialog struct {
	u *UI
	d dialog.Dialog

	words       func(core.FlowEvent) string // one step in words; "" shows nothing
	openURL     func(string) error
	steps       *fyne.Container // one label per step so far
	stepsScroll *container.Scroll
	link        *widget.Label
	linkRow     *fyne.Container // the link, Copy link and Open browser, with a line of help
	copy        *dialogButton
	open        *dialogButton
	timeLeft    *widget.Label
	problem     *statusLine   // how it ended, where the caller has more to say than the steps
	cancel      *dialogButton // Cancel while the flow runs, Close after
	extra       *dialogButton // the caller's own next step (Reconnect it), hidden until it is set
	more        *dialogButton // Details…, where the caller has details to show (see detail)

	authURL  string
	deadline time.Time
	stop     context.CancelFunc
	canceled bool
	done     bool
}

// preparing is the placeholder step until the flow has something to say.
const preparing = "Preparing the sign-in…"

// newAuthDialog builds the dialog; run shows it. words turns a step into the line shown.
func newAuthDialog(u *UI, title string, openURL func(string) error, words func(core.FlowEvent) string) *authDialog {
	a := &authDialog{u: u, words: words, openURL: openURL, steps: container.NewVBox(wrapLabel(preparing)),
		link: widget.NewLabel(""), timeLeft: widget.NewLabel(""), problem: statusLabel()}
	a.link.Truncation = fyne.TextTruncateEllipsis
	a.copy = newDialogButton("Copy link", theme.ContentCopyIcon(), a.close, func() {
		u.fa.Clipboard().SetContent(a.authURL)
	})
	a.open = newDialogButton("Open browser", theme.ComputerIcon(), a.close, func() {
		link := a.authURL
		u.background(func(context.Context) func() {
			_ = a.openURL(link)
			return nil
		})
	})
	a.copy.Disable()
	a.open.Disable()
	a.cancel = newDialogButton("Cancel", theme.CancelIcon(), a.close, a.close)
	a.extra = newDialogButton("", theme.LoginIcon(), a.close, nil)
	a.extra.Importance = widget.HighImportance
	a.extra.Hide()
	a.more = newDialogButton("Details…", theme.InfoIcon(), a.close, nil)
	a.more.Hide()

	help := wrapLabel("If no browser opened, copy the link into a browser on this computer.")
	a.linkRow = container.NewVBox(widget.NewSeparator(), help,
		container.NewBorder(nil, nil, nil, container.NewHBox(a.copy, a.open), a.link))
	bottom := container.NewVBox(a.linkRow, a.timeLeft, a.problem, container.NewHBox(a.more, layoutSpacer(), a.extra, a.cancel))
	a.stepsScroll = container.NewVScroll(a.steps)
	body := container.NewBorder(nil, bottom, nil, nil, a.stepsScroll)
	a.d = dialog.NewCustomWithoutButtons(title, body, u.win)
	// Room for the steps still to come and for the problem, so the dialog need not grow.
	a.d.Resize(fyne.NewSize(580, bottom.MinSize().Height+8*theme.TextSize()*1.6))
	escapeCloses(u.win, a.d, a.close)
	return a
}

// run shows the dialog and runs flow in the background with hooks that report here, the time
// left moving every tick. What flow returns runs on Fyne's goroutine once the flow has ended;
// it starts with ended.
func (a *authDialog) run(tick time.Duration, flow func(ctx context.Context, h core.FlowHooks) func()) {
	a.u.used()
	ctx, stop := context.WithCancel(context.Background())
	a.stop = stop
	a.d.Show()
	a.u.win.Canvas().Focus(a.cancel) // Escape or Enter cancels; Tab reaches Copy link

	hooks := core.FlowHooks{
		OpenURL:  a.openURL,
		Progress: func(ev core.FlowEvent) { a.u.report(func() { a.apply(ev) }) },
	}
	a.u.background(func(context.Context) func() {
		stopTicks := a.u.every(tick, func(context.Context) func() bool {
			return func() bool {
				a.showTimeLeft()
				return false
			}
		})
		then := flow(ctx, hooks)
		stopTicks()
		stop()
		return then
	})
}

// apply shows one step of the flow.
func (a *authDialog) apply(ev core.FlowEvent) {
	if a.done {
		return
	}
	if ev.AuthURL != "" && a.authURL == "" {
		a.authURL, a.deadline = ev.AuthURL, ev.Deadline
		a.link.SetText(ev.AuthURL)
		a.copy.Enable()
		a.open.Enable()
		a.showTimeLeft()
	}
	if text := a.words(ev); text != "" {
		a.dropPreparing()
		a.steps.Add(wrapLabel(text))
	}
}

// dropPreparing removes the placeholder step, once there is more to say.
func (a *authDialog) dropPreparing() {
	if len(a.steps.Objects) == 1 && a.steps.Objects[0].(*widget.Label).Text == preparing {
		a.steps.RemoveAll()
	}
}

// showTimeLeft counts down to the flow's deadline.
func (a *authDialog) showTimeLeft() {
	if a.done || a.deadline.IsZero() {
		return
	}
	left := a.deadline.Sub(a.u.deps.Now()).Round(time.Second)
	if left < 0 {
		left = 0
	}
	a.timeLeft.SetText(fmt.Sprintf("Time left: %d:%02d", int(left.Minutes()), int(left.Seconds())%60))
}

// close is Cancel while the flow runs (it stops the flow and its listener) and Close after.
func (a *authDialog) close() {
	if !a.done {
		a.canceled = true
		a.stop()
	}
	a.d.Hide()
}

// ended marks the flow over and tells whether the caller has an outcome to show: not when the
// session is gone (the lock screen shows) or the person cancelled. Cancel becomes Close.
func (a *authDialog) ended(err error) bool {
	a.done = true
	if a.u.sessionLost(err) {
		a.d.Hide()
		return false
	}
	if a.canceled {
		return false
	}
	a.dropPreparing() // where it ended before its first step, the outcome says why
	a.linkRow.Hide()
	a.timeLeft.Hide() // its line goes to the steps
	a.cancel.SetText("Close")
	if err == nil {
		a.cancel.SetIcon(theme.ConfirmIcon())
	}
	return true
}

// offer shows the caller's next step as the dialog's main button, with the keyboard focus.
func (a *authDialog) offer(label string, tapped func()) {
	a.extra.SetText(label)
	a.extra.OnTapped = func() {
		a.d.Hide()
		tapped()
	}
	a.extra.Show()
	a.u.win.Canvas().Focus(a.extra)
}

// offerAgain offers to run the same sign-in again where the person declined at the provider,
// most often a slip of the mouse, and tells whether it did.
func (a *authDialog) offerAgain(err error, again func()) bool {
	if core.ReasonOf(err) != core.ReasonDenied {
		return false
	}
	a.offer("Try again", again)
	return true
}

// detail shows Details…, which shows text (the steps' timings, say) under the steps and
// hides it again.
func (a *authDialog) detail(text string) {
	l := wrapLabel(text)
	l.TextStyle.Monospace = true
	l.Hide()
	a.steps.Add(l)
	a.more.OnTapped = func() {
		if l.Visible() {
			l.Hide()
			a.more.SetText("Details…")
		} else {
			l.Show()
			a.more.SetText("Hide details")
		}
		a.steps.Refresh()
		a.stepsScroll.ScrollToBottom() // the details come last
	}
	a.more.Show()
}
