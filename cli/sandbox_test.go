// The whole story through the command line against the built-in sandbox provider, each
// command a process of its own as a person or a script would run it: the browser is a
// stand-in that reads the sign-in page's HTML form and submits it. Run under
// scripts/with-secret-service.sh.

package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/sandboxtest"
)

// withSandbox is the team with the sandbox enabled by root on a free port.
func withSandbox(t *testing.T) (*workspace, *sandboxtest.Browser, int) {
	t.Helper()
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	port := freeCLIPort(t)
	w.must(w.as("root", "integrations", "sandbox", "--port", strconv.Itoa(port)))
	w.must(w.as("root", "integrations", "enable", "sandbox"))
	t.Cleanup(func() { w.as("root", "integrations", "remove", "sandbox", "--disconnect") })
	b := sandboxtest.New("jane@example.com")
	w.openURL = b.Open
	return w, b, port
}

func freeCLIPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSandboxStoryThroughCommands(t *testing.T) {
	w, b, _ := withSandbox(t)

	r := w.must(w.as("root", "integrations", "list", "--json"))
	var all []integrationJSON
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil {
		t.Fatal(err)
	}
	for _, in := range all {
		if in.ID == "sandbox" && (!in.Sandbox || in.State != "Enabled") {
			t.Errorf("sandbox in the list: %+v, want enabled and marked sandbox", in)
		}
		if in.ID != "sandbox" && in.Sandbox {
			t.Errorf("%s is marked sandbox", in.ID)
		}
	}
	if out := w.must(w.as("root", "integrations", "show", "sandbox")).stdout; !strings.Contains(out, "connects no real storage") {
		t.Errorf("integrations show sandbox does not say it connects no real storage:\n%s", out)
	}

	src := w.connect("wendy", "sandbox")
	if src.Account != "jane@example.com" || !src.Sandbox || src.Status != "connected" {
		t.Errorf("connected: %+v, want jane@example.com, marked sandbox", src)
	}
	id := strconv.FormatInt(src.ID, 10)
	first := w.must(w.as("wendy", "token", id)).stdout
	w.must(w.as("wendy", "sources", "refresh", id))
	if again := w.must(w.as("wendy", "token", id)).stdout; again == first || strings.TrimSpace(again) == "" {
		t.Errorf("the token after a refresh is the same, or empty")
	}

	b.Set("joe@example.com", true)
	if r := w.as("wendy", "sources", "connect", "sandbox"); r.code != ExitFailed || !strings.Contains(strings.ToLower(r.stderr), "denied") {
		t.Errorf("connect with Deny: %v, want exit 1 saying access was denied", r)
	}
	b.Set("jane@example.com", false)

	w.must(w.as("root", "integrations", "sandbox", "--silent", "on"))
	if r := w.as("wendy", "sources", "refresh", id); r.code == ExitOK {
		t.Errorf("refresh of a silent sandbox: %v, want a failure", r)
	}
	if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 1 || list[0].Status != "offline" {
		t.Errorf("after the silent refresh: %+v, want one source, offline", list)
	}
	w.must(w.as("root", "integrations", "sandbox", "--silent", "off", "--refuse-refreshes", "on"))
	if r := w.as("wendy", "sources", "refresh", id); r.code != ExitNeedsReconnect {
		t.Errorf("refresh refused by the sandbox: %v, want exit %d", r, ExitNeedsReconnect)
	}
	w.must(w.as("root", "integrations", "sandbox", "--refuse-refreshes", "off"))
	w.must(w.as("wendy", "sources", "reconnect", id))
	w.must(w.as("wendy", "sources", "disconnect", id))
	if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 0 {
		t.Errorf("after disconnect: %+v, want none", list)
	}
	if n := b.Visits(); n != 3 {
		t.Errorf("the browser opened %d sign-in pages, want 3 (connect, deny, reconnect)", n)
	}
}

func TestSandboxSettingsAndTakenPort(t *testing.T) {
	w, _, port := withSandbox(t)
	if r := w.as("root", "integrations", "sandbox", "--port", "80", "--access-token-lifetime", "1y"); r.code != ExitFailed ||
		!strings.Contains(r.stderr, "--port:") || !strings.Contains(r.stderr, "--access-token-lifetime:") {
		t.Errorf("bad settings: %v, want exit 1 naming --port and --access-token-lifetime", r)
	}
	if r := w.as("root", "integrations", "sandbox", "--silent", "maybe"); r.code != ExitUsage {
		t.Errorf("--silent maybe: %v, want a usage error", r)
	}
	var st sandboxJSON
	if err := json.Unmarshal([]byte(w.must(w.as("root", "integrations", "sandbox", "--access-token-lifetime", "90s", "--json")).stdout), &st); err != nil ||
		st.Port != port || st.AccessTokenLifetime != "1m30s" {
		t.Errorf("settings: %+v (%v), want port %d and 1m30s", st, err, port)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	other := &http.Server{Handler: http.NotFoundHandler()}
	go other.Serve(ln)
	defer other.Close()
	// A writer cannot change the port: the message sends them to an administrator, and tells
	// the administrator how.
	r := w.as("wendy", "sources", "connect", "sandbox")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "ask an administrator") || !strings.Contains(r.stderr, "an administrator runs") ||
		!strings.Contains(r.stderr, "integrations sandbox --port") || !strings.Contains(r.stderr, strconv.Itoa(port)) {
		t.Errorf("connect with the port taken: %v, want exit 1, the port and who changes it how", r)
	}
}

// While the app (another process of the workspace: here a core.App, as the window holds
// one) serves the sandbox, a command uses that one instead of failing on the taken port.
func TestSandboxServedByTheAppIsUsed(t *testing.T) {
	w, _, port := withSandbox(t)
	src := w.connect("wendy", "sandbox")
	ctx := t.Context()
	app, err := core.Open(ctx, core.Config{Home: w.home})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	s, err := app.SignIn(ctx, "wendy", core.NewSecret("wendy passphrase 123"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Refresh(ctx, s, src.ID); err != nil {
		t.Fatalf("the app's refresh: %v", err)
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		ln.Close()
		t.Fatalf("nothing serves port %d: the app does not serve the sandbox", port)
	}
	w.must(w.as("wendy", "sources", "refresh", strconv.FormatInt(src.ID, 10)))
}
