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
		outcome.SetText(capitalise(report.Problem) + ".\n" + testAdvice(err, report.RedirectURI))
	default:
		outcome.Fail(err)
	}
}

// testAdvice says what likely caused a failed test authorization: the window's words for its
// reason, with the redirect URI to register where the provider does not know it.
func testAdvice(err error, redirectURI string) string {
	reason := core.ReasonOf(err)
	w, ok := words[reason]
	if !ok {
		w = "Check the client ID, the client secret, the redirect URI and the scopes against the integration's guide."
	}
	if reason == core.ReasonRedirectMismatch && redirectURI != "" {
		w += " The redirect URI to register is " + redirectURI + "."
	}
	return w
}
