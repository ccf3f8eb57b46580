// These tests keep secrets in a real Secret Service: run them under
// scripts/with-secret-service.sh.

package cli

import (
	"strings"
	"testing"

	"github.com/medialake/connect/internal/keychaintest"
)

// TestIntegrationClientType: an admin chooses how the Microsoft app is registered; show
// names the application type to choose for it and the redirect URI to register. Other
// providers, and other values, are refused by core's rule book.
func TestIntegrationClientType(t *testing.T) {
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	show := func() string { return w.must(w.as("root", "integrations", "show", "microsoft")).stdout }
	const redirect = "Redirect URI to register: http://localhost/callback\n"

	w.must(w.as("root", "integrations", "set", "microsoft", "--client-id", "11112222-aaaa-bbbb-cccc-333344445555", "--client-type", "public"))
	out := show()
	for _, want := range []string{"Client type    public\n", "App type: Mobile and desktop applications (public client: no client secret)\n", redirect} {
		if !strings.Contains(out, want) {
			t.Errorf("show of a public client: want %q in\n%s", want, out)
		}
	}

	r := w.as("root", "integrations", "set", "microsoft", "--client-type", "confidential")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "--client-secret-file: A confidential client needs its client secret") {
		t.Errorf("confidential without a secret: got %v, want exit 1 asking for --client-secret-file", r)
	}
	w.must(w.asIn("root", strings.NewReader("web-secret\n"), "integrations", "set", "microsoft",
		"--client-type", "confidential", "--client-secret-file", "-"))
	out = show()
	for _, want := range []string{"Client type    confidential\n", "App type: Web (confidential client: needs a client secret)\n", "saved", redirect} {
		if !strings.Contains(out, want) {
			t.Errorf("show of a confidential client: want %q in\n%s", want, out)
		}
	}

	r = w.must(w.as("root", "integrations", "set", "microsoft", "--client-type", "public"))
	if !strings.Contains(r.stdout, "client secret was removed") {
		t.Errorf("back to public: got %v, want it to say the saved secret was removed", r)
	}
	if out := show(); !strings.Contains(out, "Client secret  none\n") || !strings.Contains(out, "Client type    public\n") {
		t.Errorf("show after going back to public: want public with no client secret in\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		// Core's rule book refuses a client type it does not offer, as it refuses any field.
		{[]string{"microsoft", "--client-type", "web"}, "--client-type: Choose Public or Confidential, as the app is registered at Microsoft OneDrive", ExitFailed},
		{[]string{"dropbox", "--client-id", "x", "--client-type", "public"}, "--client-type: Dropbox has one kind of app, so there is no client type to choose", ExitFailed},
		{[]string{"microsoft", "--client-type", "public", "--remove-secret"}, "--remove-secret goes alone", ExitUsage},
	} {
		r := w.as("root", append([]string{"integrations", "set"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("set %q: got %v\nwant exit %d and %q", c.args, r, c.code, c.want)
		}
	}
	if out := show(); !strings.Contains(out, "Client type    public\n") {
		t.Errorf("a refused set changed the client type:\n%s", out)
	}
	if out := w.must(w.as("root", "integrations", "show", "dropbox")).stdout; strings.Contains(out, "Client type") || !strings.Contains(out, "App type: ") {
		t.Errorf("show of Dropbox: want no client type and its app type in\n%s", out)
	}

	help := w.must(w.run("integrations", "set", "--help")).stdout
	for _, want := range []string{"--client-type TYPE", "integrations set microsoft --client-id 11112222-aaaa-bbbb-cccc-333344445555 --client-type public"} {
		if !strings.Contains(help, want) {
			t.Errorf("integrations set --help: want %q in\n%s", want, help)
		}
	}
}
