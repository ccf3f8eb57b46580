package gui

import (
	"context"
	"fmt"
	"time"

	"github.com/medialake/connect/core"
)

// showTest runs a test authorization in the sign-in dialog, its steps timed and with the
// provider's words for what went wrong, and says at the end how it went; nothing is saved.
func (f *integrationForm) showTest() {
	u := f.p.u
	start := time.Now()
	d := newAuthDialog(u, "Test authorization: "+f.view.Name, f.p.openURL, func(ev core.FlowEvent) string {
		line := fmt.Sprintf("%s  %s", ev.At.Sub(start).Round(10*time.Millisecond), ev.Step)
		if ev.Err != nil {
			line += ": " + message(ev.Err)
		}
		return line
	})
	f.testDialog = d
	id, s := f.view.ID, u.session
	d.run(time.Second, func(ctx context.Context, h core.FlowHooks) func() {
		report, err := u.core.TestAuthorization(ctx, s, id, h)
		return func() {
			if d.ended(err) {
				showOutcome(d.problem, report, err)
			}
		}
	})
}

// showOutcome says in outcome how the test authorization ended.
func showOutcome(outcome *statusLine, report core.TestReport, err error) {
	switch {
	case report.OK:
		outcome.Say(toneSuccess, "Signed in as "+core.Printable(report.Account)+". Nothing was saved.")
	case report.Problem != "":
		outcome.SetText(capitalise(report.Problem) + ".\n" + report.Cause)
	default:
		outcome.Fail(err)
	}
}
