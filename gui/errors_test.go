package gui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/internal/reasontest"
)

// Every reason core can give an error has a sentence here: a reason added to core without words
// in the window fails this test instead of showing the bare error.
func TestEveryReasonHasWords(t *testing.T) {
	reasontest.Check(t, reasontest.Front{
		Table: func(r core.Reason) bool { return words[r] != "" },
		Carried: []core.Reason{core.ReasonLockedOut, core.ReasonAlreadyConnected, core.ReasonDifferentAccount,
			core.ReasonSharedGrant, core.ReasonAccessNotGranted, core.ReasonExchangeRefused},
		Message: message,
		Bare:    func(err error) string { return capitalise(core.Printable(err.Error())) + "." },
	})
}

// A refusal that only the source's owner is spared says so: no administrator can lift it, so
// sending the person to one would send them to someone who cannot help.
func TestOwnerOnlyNamesTheOwner(t *testing.T) {
	msg := message(fmt.Errorf("disconnect source 3: %w", access.ErrOwnerOnly))
	if !strings.Contains(msg, "owner") || strings.Contains(msg, "Ask an administrator") {
		t.Errorf("message = %q, want it to send the person to the source's owner, not an administrator", msg)
	}
}

// A failed test authorization's likely cause comes from the same table as every other error's
// words, and names the redirect URI to register when the provider does not know it.
func TestTestAdviceNamesTheRedirectURI(t *testing.T) {
	const uri = "http://127.0.0.1:8765/callback"
	got := testAdvice(&core.ExchangeError{Status: 400, Code: "redirect_uri_mismatch"}, uri)
	if !strings.HasPrefix(got, words[core.ReasonRedirectMismatch]) || !strings.Contains(got, uri) {
		t.Errorf("testAdvice = %q, want the table's words and %s", got, uri)
	}
}

// Details show only what the words do not say already, in the status line as in the problem
// dialog: an error without a reason reads as its own text, and a reason's words need no
// "signin \"bob\": wrong passphrase" beside them; a chain of causes is worth showing.
func TestDetailsOnlyWhenTheyAddSomething(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	for _, tc := range []struct {
		name    string
		err     error
		details bool
	}{
		{"no reason: the words are its text", errors.New("disk quota exceeded"), false},
		{"a reason after what was being done", fmt.Errorf("signin %q: %w", "bob", access.ErrWrongPassphrase), false},
		{"a reason after a chain of causes", fmt.Errorf("discover http://idp.example: dial tcp 10.0.0.1:443: %w", core.ErrIntegrationDisabled), true},
		{"field errors", &core.ValidationError{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words := message(tc.err)
			l := statusLabel()
			l.Fail(tc.err)
			if got := l.Text != words; got != tc.details {
				t.Errorf("status line %q after the words %q: details %v, want %v", l.Text, words, got, tc.details)
			}
			p := showProblem(w, "Problem", tc.err)
			defer p.d.Hide()
			if p.toggle.Visible() != tc.details || (p.details.Text != "") != tc.details {
				t.Errorf("dialog for %q: Details button shown %v (details %q), want %v", words, p.toggle.Visible(), p.details.Text, tc.details)
			}
		})
	}
}
