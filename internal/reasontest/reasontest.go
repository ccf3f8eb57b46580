// Package reasontest checks that a front end has words for every core.Reason: a reason added
// to core fails each front end's test until that front end says what it means and what to do.
package reasontest

import (
	"testing"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// samples are errors of the reasons a front end may word from what the error carries, not
// from its table alone.
var samples = map[core.Reason]error{
	core.ReasonLockedOut:        &access.LockedError{Until: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)},
	core.ReasonInvalid:          &core.ValidationError{Fields: map[string]string{"name": "needed"}},
	core.ReasonAlreadyConnected: &core.AlreadyConnectedError{SourceID: 3, Account: "jane@example.com"},
	core.ReasonDifferentAccount: &core.DifferentAccountError{Want: "jane@example.com", Got: "joe@example.com"},
	core.ReasonSharedGrant:      &core.SharedGrantError{Others: 1, Ends: "Revoking ends every sign-in of the account."},
	core.ReasonNoScriptAccess:   &core.NoScriptAccessError{SourceID: 3, Owner: "jane"},
	core.ReasonAccessNotGranted: &core.AccessNotGrantedError{Access: "Drive", Scopes: []string{"drive"}},
	core.ReasonDenied:           &core.ProviderError{Code: "access_denied"},
	core.ReasonScope:            &core.ProviderError{Code: "invalid_scope"},
	core.ReasonWrongAppType:     &core.ProviderError{Code: "unauthorized_client"},
	core.ReasonProviderRefused:  &core.ProviderError{Code: "server_error"},
	core.ReasonExchangeRefused:  &core.ExchangeError{Status: 400, Code: "invalid_grant"},
}

// Front is how a front end words errors.
type Front struct {
	// Table reports whether the front end's table has words for the reason.
	Table func(core.Reason) bool
	// Carried are the reasons the front end words from what the error carries; Message must
	// word a sample error of each.
	Carried []core.Reason
	// Message words an error; Bare is what it shows of an error it has no words for.
	Message, Bare func(error) string
}

// Check fails for each reason, ReasonUnknown aside (its words are the error's own), that f
// has no words for.
func Check(t *testing.T, f Front) {
	t.Helper()
	carried := map[core.Reason]bool{}
	for _, r := range f.Carried {
		carried[r] = true
	}
	for _, r := range core.Reasons() {
		switch {
		case r == core.ReasonUnknown:
		case carried[r]:
			checkCarried(t, f, r)
		case !f.Table(r):
			t.Errorf("reason %d has no words in the table", r)
		}
	}
}

func checkCarried(t *testing.T, f Front, r core.Reason) {
	t.Helper()
	err, ok := samples[r]
	switch {
	case !ok:
		t.Errorf("reason %d: no sample error that carries it", r)
	case core.ReasonOf(err) != r:
		t.Errorf("sample error %v has reason %d, want %d", err, core.ReasonOf(err), r)
	case f.Message(err) == f.Bare(err):
		t.Errorf("reason %d: message(%v) = %q, the bare error without words", r, err, f.Message(err))
	}
}
