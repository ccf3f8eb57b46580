package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
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
// as the admin, and reports each step (admin only). It saves no source and no token. Steps
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
	in, err := a.loadIntegration(ctx, id)
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
	a.note(ctx, admin.Name, access.IntegrationTest, label, store.OutcomeOK, "signed in as "+report.Account)
	return report, nil
}

// testCause says what usually causes a failed test authorization, and what to do about it.
func testCause(err error, redirectURI string) string {
	register := "Register the redirect URI shown in the setup guide at the provider, exactly."
	if redirectURI != "" {
		register = "Register the redirect URI " + redirectURI + " at the provider, exactly."
	}
	var ex *loopback.ExchangeError
	var pe *loopback.ProviderError
	code := ""
	switch {
	case errors.As(err, &ex):
		code = ex.Code
	case errors.As(err, &pe):
		code = pe.Code
	}
	switch {
	case errors.Is(err, loopback.ErrRedirectNotRegistered): // from error codes, never from free text
		return "Redirect URI not registered. " + register
	case code == "invalid_client" || (ex != nil && code == "unauthorized_client"):
		return "Wrong client secret or client ID: copy both again from the provider's console and save. " +
			"A public (desktop) registration must have no secret at all."
	case code == "invalid_scope":
		return "A scope is missing from the app's registration: add the scopes of the setup guide in the provider's console."
	case code == "access_denied":
		return "The sign-in was declined in the browser, or this account may not use the app yet (for example, not a listed test user)."
	case code == "unauthorized_client", code == "unsupported_response_type":
		return "The app was registered with the wrong application type: choose the type the setup guide names."
	case errors.Is(err, vault.ErrNotFound):
		return "The client secret is not in this computer's keychain: enter it again and save."
	case errors.Is(err, vault.ErrUnavailable):
		return "The keychain is unavailable: unlock it, or start the Secret Service, and try again."
	case errors.Is(err, loopback.ErrPortBusy):
		return "Another program uses the fixed port: close it, or choose another port and register the new redirect URI."
	case errors.Is(err, loopback.ErrTimeout):
		return "Nobody finished the sign-in in the browser in time. If the provider showed an error about the redirect URI: " + register
	case errors.Is(err, loopback.ErrCanceled), errors.Is(err, context.Canceled):
		return "The test was canceled."
	case errors.Is(err, loopback.ErrIssuerMismatch), errors.Is(err, loopback.ErrIssuerMissing), errors.Is(err, catalog.ErrIssuerMismatch):
		return "The answer came from another issuer than the one saved, or did not name its issuer: check the issuer URL."
	case errors.Is(err, catalog.ErrNoAccount):
		return "The provider did not say which account signed in: add the scopes the setup guide names (they allow the \"who am I\" call)."
	case errors.Is(err, catalog.ErrBadDiscovery), errors.Is(err, catalog.ErrMissingEndpoint):
		return "The issuer's discovery document could not be used: check the issuer URL."
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "The provider could not be reached: check the network and the endpoints."
	}
	return "Check the client ID, the client secret, the redirect URI and the scopes against the setup guide."
}
