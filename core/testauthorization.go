package core

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// TestStep is one step of a test authorization, as it happened.
type TestStep struct {
	Step FlowStep
	At   time.Time
	// Elapsed is the time since the test began.
	Elapsed time.Duration
	// Err is set for FlowBrowserFailed and FlowFailed.
	Err error
}

// TestReport is the outcome of TestAuthorization: the steps with their times and, on
// failure, what the provider said. What usually causes a failure is the front ends' to say,
// from the error's Reason, as they word every other error.
type TestReport struct {
	Steps []TestStep
	// Account labels the account that signed in, on success.
	Account string
	OK      bool
	// Problem is what went wrong, in the provider's words where it gave any.
	Problem string
	// RedirectURI is the redirect URI the provider must have registered for this integration,
	// for the front ends' advice when the provider does not know it.
	RedirectURI string
}

// TestAuthorization runs the whole browser sign-in with the integration's saved credentials,
// as the admin, and reports each step (admin only). It saves no source and no token, and
// revokes the token it got where the provider revokes one token alone (see dropToken). Steps
// reach hooks.Progress as they happen. A sign-in that fails returns the report with Problem
// and the error; the test is recorded in the activity log either way.
func (a *App) TestAuthorization(ctx context.Context, s *access.Session, id string, hooks FlowHooks) (TestReport, error) {
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationTest, id, false)
	if err != nil {
		return TestReport{}, err
	}
	p, r, admin, label := t.provider, t.row, t.admin, t.row.Name
	if !t.saved || state(p, r) == StateNotSetUp || state(p, r) == StateSecretMissing {
		return TestReport{}, fmt.Errorf("test %s: %w", label, ErrCredentialsMissing)
	}

	var report TestReport
	var mu sync.Mutex // Progress runs on the flow's goroutines
	start := a.now()
	progress := hooks.Progress
	hooks.NoBrowser, hooks.PastedURL = false, nil
	hooks.Progress = func(ev FlowEvent) {
		mu.Lock()
		report.Steps = append(report.Steps, TestStep{Step: ev.Step, At: ev.At, Elapsed: ev.At.Sub(start), Err: ev.Err})
		mu.Unlock()
		if progress != nil {
			progress(ev)
		}
	}
	in, err := a.resolveRow(ctx, r)
	var res flowResult
	if err == nil {
		res, err = a.runFlow(ctx, in, hooks)
	}
	mu.Lock()
	defer mu.Unlock()
	report.OK, report.Account = err == nil, res.account.Label
	if err != nil {
		report.Problem, report.RedirectURI = err.Error(), p.RedirectToRegister(r.RedirectPort)
		a.note(ctx, admin.Name, access.IntegrationTest, label, store.OutcomeFailed, report.Problem)
		return report, fmt.Errorf("test %s: %w", label, err)
	}
	detail := "signed in as " + report.Account
	if a.dropToken(ctx, in, res.token) {
		detail += "; the test's token was revoked"
	}
	a.note(ctx, admin.Name, access.IntegrationTest, label, store.OutcomeOK, detail)
	return report, nil
}
