// These tests keep secrets in a real Secret Service: run them under
// scripts/with-secret-service.sh.

package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/keychaintest"
)

// The admin records a Web secret's expiry with --secret-expires; integrations list marks it
// and warns on stderr once it is 30 days away, and show says the date. (Core's test walks the
// 30 days with an injected clock; here the dates are relative to today.)
func TestSecretExpiresFlagAndWarning(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	set := func(days int) result {
		date := time.Now().AddDate(0, 0, days).Format("2006-01-02")
		return w.asIn("root", strings.NewReader("web-secret\n"), "integrations", "set", "microsoft", "--client-id", "11112222-aaaa-bbbb-cccc-333344445555",
			"--client-type", "confidential", "--client-secret-file", "-", "--secret-expires", date)
	}
	w.must(set(90))
	r := w.must(w.as("root", "integrations", "list"))
	if strings.Contains(r.stdout, "EXPIRES SOON") || strings.Contains(r.stderr, "Warning") {
		t.Errorf("a secret 90 days from expiry is flagged:\n%v", r)
	}
	if out := w.must(w.as("root", "integrations", "show", "microsoft")).stdout; !strings.Contains(out, "Secret expires  "+time.Now().AddDate(0, 0, 90).Format("2006-01-02")) {
		t.Errorf("show does not say the expiry:\n%s", out)
	}

	w.must(set(10))
	r = w.must(w.as("root", "integrations", "list"))
	if !strings.Contains(r.stdout, "EXPIRES SOON") || !strings.Contains(r.stderr, "Warning: the client secret of Microsoft OneDrive expires on") ||
		!strings.Contains(r.stderr, "--user root integrations set microsoft --client-secret-file - --secret-expires DATE") {
		t.Errorf("a secret 10 days from expiry is not warned about:\n%v", r)
	}

	r = w.asIn("root", strings.NewReader("web-secret\n"), "integrations", "set", "microsoft", "--client-secret-file", "-", "--secret-expires", "next year")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "--secret-expires: Enter the date as YYYY-MM-DD") {
		t.Errorf("a date that is not one: got %v, want exit 1 naming --secret-expires", r)
	}
}

// The refusals that a provider's real behaviour brings say what to do.
func TestProviderRefusalsAdvise(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&core.AccessNotGrantedError{Access: "Drive", Scopes: []string{"drive.readonly"}}, "Drive access was not granted: run the command again and keep it ticked"},
		{fmt.Errorf("connect: %w", core.ErrClientTypeMissing), "--client-type public|confidential"},
	} {
		if msg := message(fmt.Errorf("sign in: %w", c.err)); !strings.Contains(msg, c.want) {
			t.Errorf("message(%v) = %q, want %q in it", c.err, msg, c.want)
		}
	}
}
