package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/reasontest"
)

// A token endpoint's refusal once carried the advice in loopback's own text; now that text
// says only what happened, so the command's one table says what to do, next to it.
func TestMessageAdvisesOnTokenRefusals(t *testing.T) {
	cases := []struct {
		err        *core.ExchangeError
		wantAdvice string
	}{
		{&core.ExchangeError{Status: 401, Code: "invalid_client"}, "The provider refused the client id or the client secret; copy both again from its console into the integration (a public, desktop registration has no secret at all) ("},
		{&core.ExchangeError{Status: 400, Code: "redirect_uri_mismatch"}, "Register the redirect URI in the provider's app settings ("},
		{&core.ExchangeError{Status: 400, Code: "invalid_grant"}, "Run the command again ("},
	}
	for _, c := range cases {
		msg := message(fmt.Errorf("connect: %w", c.err))
		if !strings.HasPrefix(msg, c.wantAdvice) || !strings.Contains(msg, c.err.Code) {
			t.Errorf("message(%s) = %q, want it to begin %q and name the code", c.err.Code, msg, c.wantAdvice)
		}
		if code := exitCode(c.err); code != ExitFailed {
			t.Errorf("exitCode(%s) = %d, want %d", c.err.Code, code, ExitFailed)
		}
	}
}

// Every reason core can give an error has advice here: a reason added to core without words in
// this command line fails this test instead of printing the bare error.
func TestEveryReasonHasAdvice(t *testing.T) {
	reasontest.Check(t, reasontest.Front{
		Table: func(r core.Reason) bool { return advice[r] != "" },
		Carried: []core.Reason{core.ReasonLockedOut, core.ReasonInvalid, core.ReasonAlreadyConnected,
			core.ReasonSharedGrant, core.ReasonNoScriptAccess, core.ReasonAccessNotGranted},
		Message: message,
		Bare:    func(err error) string { return capitalise(err.Error()) + "." },
	})
}

// A failed test authorization's likely cause comes from the same table as every other error's
// advice, and names the redirect URI to register when the provider does not know it.
func TestTestAdviceNamesTheRedirectURI(t *testing.T) {
	const uri = "http://127.0.0.1:8765/callback"
	got := testAdvice(&core.ExchangeError{Status: 400, Code: "redirect_uri_mismatch"}, uri)
	if !strings.HasPrefix(got, advice[core.ReasonRedirectMismatch]) || !strings.Contains(got, uri) {
		t.Errorf("testAdvice = %q, want the table's advice and %s", got, uri)
	}
	if got := testAdvice(nil, uri); got != "" {
		t.Errorf("testAdvice of a test that succeeded = %q, want none", got)
	}
}
