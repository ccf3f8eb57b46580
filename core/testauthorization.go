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
// failure, what the provider said and what usually causes it.
type TestReport struct {
	Steps []TestStep
	// Account labels the account that signed in, on success.
	Account string
	OK      bool
	// Problem is what went wrong, in the provider's words where it gave any.
	Problem string
	// Cause is what usually causes Problem and how to fix it.
	Cause string
}

// TestAuthorization runs the whole browser sign-in with the integration's saved credentials,
// as the admin, and reports each step (admin only). It saves no source and no token, and
// revokes the token it got where the provider revokes one token alone (see dropToken). Steps
// reach hooks.Progress as they happen. A sign-in that fails returns the report with Problem
// and Cause and the error; the test is recorded in the activity log either way.
func (a *App) TestAuthorization(ctx context.Context, s *access.Session, id string, hooks FlowHooks) (TestReport, error) {
	p, r, saved, err := a.integrationRow(ctx, id)
	label := id
	if err == nil {
		label = r.Name
	}
	admin, aerr := a.authorize(ctx, s, access.IntegrationTest, label, false)
	if aerr != nil {
		return TestReport{}, aerr
	}
	if err == nil && (!saved || state(p, r) == StateNotSetUp || state(p, r) == StateSecretMissing) {
		err = ErrCredentialsMissing
	}
	if err != nil {
		return TestReport{}, fmt.Errorf("test %s: %w", label, err)
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
	in, err := a.prepareIntegration(ctx, r)
	var res flowResult
	if err == nil {
		res, err = a.runFlow(ctx, in, hooks)
	}
	mu.Lock()
	defer mu.Unlock()
	report.OK, report.Account = err == nil, res.account.Label
	if err != nil {
		report.Problem, report.Cause = err.Error(), testCause(err, p.RedirectToRegister(r.RedirectPort))
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

// testCause says what usually causes a failed test authorization, and what to do about it.
func testCause(err error, redirectURI string) string {
	register := "Register the redirect URI shown in the setup guide at the provider, exactly."
	if redirectURI != "" {
		register = "Register the redirect URI " + redirectURI + " at the provider, exactly."
	}
	switch ReasonOf(err) {
	case ReasonRedirectMismatch:
		return "Redirect URI not registered. " + register
	case ReasonBadClient:
		return "Wrong client secret or client ID: copy both again from the provider's console and save. " +
			"A public (desktop) registration must have no secret at all."
	case ReasonScope:
		return "A scope is missing from the app's registration: add the scopes of the setup guide in the provider's console."
	case ReasonDenied:
		return "The sign-in was declined in the browser, or this account may not use the app yet (for example, not a listed test user)."
	case ReasonSingleTenant:
		return "The registration allows accounts of its own directory only (single tenant), and the sign-in went to common: " +
			"choose the account types as the registration shows them and, for a single tenant, enter its Directory (tenant) ID."
	case ReasonAppNotInTenant:
		return "Microsoft knows no app of this client ID in the directory the sign-in went to: copy the Application (client) ID " +
			"again, and check that the account types and the tenant are those of the directory the app is registered in."
	case ReasonWrongAppType:
		return "The app was registered with the wrong application type: choose the type the setup guide names."
	case ReasonSecretMissing:
		return "The client secret is not in this computer's keychain: enter it again and save."
	case ReasonKeychain:
		return "The keychain is unavailable: unlock it, or start the Secret Service, and try again."
	case ReasonPortBusy:
		return "Another program uses the fixed port: close it, or choose another port and register the new redirect URI."
	case ReasonTimeout:
		return "Nobody finished the sign-in in the browser in time. If the provider showed an error about the redirect URI: " + register
	case ReasonCancelled:
		return "The test was canceled."
	case ReasonIssuerMismatch, ReasonIssuerMissing:
		return "The answer came from another issuer than the one saved, or did not name its issuer: check the issuer URL."
	case ReasonNoAccount:
		return "The provider did not say which account signed in: add the scopes the setup guide names (they allow the \"who am I\" call)."
	case ReasonBadDiscovery, ReasonMissingEndpoint:
		return "The issuer's discovery document could not be used: check the issuer URL."
	case ReasonOffline:
		return "The provider could not be reached: check the network and the endpoints."
	}
	return "Check the client ID, the client secret, the redirect URI and the scopes against the setup guide."
}
