package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/medialake/connect/core"
)

// showTest runs a test authorization in the sign-in dialog, its steps in Connect's words and
// their timings behind Details…, and says at the end how it went; nothing is saved. Where the
// person declined at the provider, it offers to try again, as Connect does.
func (f *integrationForm) showTest() {
	u := f.p.u
	d := newAuthDialog(u, "Test authorization: "+core.Printable(f.view.Name), f.p.openURL, stepText)
	id, s := f.view.ID, u.session
	d.run(time.Second, func(ctx context.Context, h core.FlowHooks) func() {
		report, err := u.core.TestAuthorization(ctx, s, id, h)
		return func() {
			if !d.ended(err) {
				return
			}
			showOutcome(d.problem, report, err)
			if len(report.Steps) > 0 {
				d.detail(timings(report.Steps))
			}
			d.offerAgain(err, f.showTest)
		}
	})
}

// timings are the test's steps, each with the time since the test began.
func timings(steps []core.TestStep) string {
	lines := make([]string, len(steps))
	for i, st := range steps {
		lines[i] = fmt.Sprintf("%6.2f s  %s", st.Elapsed.Seconds(), st.Step)
		if st.Err != nil {
			lines[i] += ": " + core.Printable(st.Err.Error())
		}
	}
	return strings.Join(lines, "\n")
}

// showOutcome says in outcome how the test authorization ended: a refusal the person chose
// in the words Connect uses, another failure with the provider's words and its likely cause.
func showOutcome(outcome *statusLine, report core.TestReport, err error) {
	switch {
	case report.OK:
		outcome.Say(toneSuccess, "Signed in as "+core.Printable(report.Account)+". Nothing was saved.")
	case slices.Contains(ownChoice, core.ReasonOf(err)):
		outcome.Fail(err)
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
