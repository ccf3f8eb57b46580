// These tests sign in against a real authorization server (authtest, ory/fosite) and keep
// secrets in a real Secret Service: run them under scripts/with-secret-service.sh.

package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

const clientSecret = "cli-client-secret-value"

// withIntegration sets up the team and, as root through the command line, a custom OpenID
// Connect integration at a fresh authorization server, enabled. It returns the server and
// the integration's id.
func withIntegration(t *testing.T) (*workspace, *authtest.Server, string) {
	t.Helper()
	keychaintest.Require(t)
	w := newWorkspace(t)
	w.team()
	srv := authtest.New(t)
	srv.AddClient(authtest.Client{ID: "cli-client", Secret: clientSecret, RedirectURIs: []string{"http://127.0.0.1/callback"}})

	r := w.must(w.as("root", "integrations", "add", "Test IdP", "--kind", "oidc", "--json"))
	var added struct{ ID, Name string }
	if err := json.Unmarshal([]byte(r.stdout), &added); err != nil || added.ID == "" || added.Name != "Test IdP" {
		t.Fatalf("integrations add --json: got %q (%v), want the id and name", r.stdout, err)
	}
	if r := w.asIn("root", strings.NewReader(clientSecret+"\n"), "integrations", "set", added.ID, "--client-id", "cli-client",
		"--client-secret-file", "-", "--issuer", "ftp://nowhere"); r.code != ExitFailed || !strings.Contains(r.stderr, "--issuer:") {
		t.Errorf("set with a wrong issuer: got %v, want exit 1 naming --issuer", r)
	}
	w.must(w.asIn("root", strings.NewReader(clientSecret+"\n"), "integrations", "set", added.ID, "--client-id", "cli-client",
		"--client-secret-file", "-", "--issuer", srv.Issuer()))
	w.must(w.as("root", "integrations", "enable", added.ID))
	return w, srv, added.ID
}

// linkWatcher is the stderr of a --no-browser run: it hands the link it prints to links.
type linkWatcher struct {
	mu    sync.Mutex
	buf   strings.Builder
	links chan string
	sent  bool
}

func (lw *linkWatcher) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf.Write(p)
	for line := range strings.Lines(lw.buf.String()) {
		if l := strings.TrimSpace(line); !lw.sent && strings.HasPrefix(l, "http") && strings.Contains(l, "/authorize?") {
			lw.links <- l
			lw.sent = true
		}
	}
	return len(p), nil
}

// pasteRun runs a --no-browser command as user: paste turns the printed link into the line
// typed on stdin, after which stdin ends.
func (w *workspace) pasteRun(user string, paste func(link string) string, args ...string) result {
	w.t.Helper()
	pr, pw := io.Pipe()
	w.t.Cleanup(func() { pw.Close() })
	lw := &linkWatcher{links: make(chan string, 1)}
	go func() {
		if link, ok := <-lw.links; ok {
			io.WriteString(pw, paste(link)+"\n")
		}
		pw.Close()
	}()
	w.stderrTee = lw
	defer func() { w.stderrTee = nil }()
	return w.asIn(user, pr, args...)
}

// waitRun runs a --no-browser command as user with stdin held open and nothing typed, and a
// sign-in that times out at once.
func (w *workspace) waitRun(user string, args ...string) result {
	w.t.Helper()
	pr, pw := io.Pipe()
	defer pw.Close()
	w.flowTimeout = time.Millisecond
	defer func() { w.flowTimeout = 0 }()
	return w.asIn(user, pr, args...)
}

// authorized is the address the provider sends the browser to for link.
func authorized(t *testing.T, srv *authtest.Server, link string) *url.URL {
	t.Helper()
	loc, err := srv.Authorize(context.Background(), link)
	if err != nil {
		t.Errorf("Authorize: %v", err)
		return &url.URL{}
	}
	return loc
}

// connect connects an account as user through the integration id, in the browser that
// w.openURL stands in for, and returns the new source.
func (w *workspace) connect(user, id string) sourceJSON {
	w.t.Helper()
	r := w.must(w.as(user, "sources", "connect", id, "--json"))
	var src sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &src); err != nil {
		w.t.Fatalf("sources connect --json does not parse: %v\n%s", err, r.stdout)
	}
	return src
}

func sourcesOf(t *testing.T, r result) []sourceJSON {
	t.Helper()
	var list []sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("sources list --json does not parse: %v\n%s", err, r.stdout)
	}
	return list
}

// TestWriterConnectsAndUsesSource is the whole story: an admin set up an integration and
// added a writer; the writer connects two accounts (browser, then --no-browser), lists them,
// gets a token, refreshes, and disconnects.
func TestWriterConnectsAndUsesSource(t *testing.T) {
	w, srv, id := withIntegration(t)

	r := w.must(w.as("root", "integrations", "show", id, "--json"))
	var in integrationJSON
	if err := json.Unmarshal([]byte(r.stdout), &in); err != nil {
		t.Fatalf("integrations show --json does not parse: %v\n%s", err, r.stdout)
	}
	if in.State != "Enabled" || in.ClientID != "cli-client" || in.SecretSetBy != "root" || in.Issuer != srv.Issuer() {
		t.Errorf("integration: got %+v, want enabled, client id cli-client, secret set by root, issuer %s", in, srv.Issuer())
	}
	r = w.must(w.as("root", "integrations", "list", "--json"))
	var all []integrationJSON
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) < 5 {
		t.Fatalf("integrations list --json: got %d (%v), want the presets and ours\n%s", len(all), err, r.stdout)
	}
	for _, out := range []string{r.stdout, w.must(w.as("root", "integrations", "show", id)).stdout} {
		if strings.Contains(out, clientSecret) {
			t.Errorf("the client secret is printed:\n%s", out)
		}
	}

	if r := w.as("wendy", "sources", "connect", "nope"); r.code != ExitFailed || !strings.Contains(r.stderr, "choose one of: "+id+" (") {
		t.Errorf("connect through an unknown id: got %v, want exit 1 and %s to choose from", r, id)
	}

	// The browser.
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	r = w.must(w.as("wendy", "sources", "connect", id, "--json"))
	var first sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &first); err != nil {
		t.Fatalf("sources connect --json does not parse: %v\n%s", err, r.stdout)
	}
	if first.Account != authtest.DefaultUser.Email || first.Owner != "wendy" || first.Status != "connected" {
		t.Errorf("connected source: got %+v, want %s of wendy, connected", first, authtest.DefaultUser.Email)
	}
	if !strings.Contains(r.stderr, "/authorize?") {
		t.Errorf("the link is not printed: %q", r.stderr)
	}
	w.openURL = func(string) error { t.Error("--no-browser opened the browser"); return nil }

	// No browser: the address is pasted.
	srv.SetUser(authtest.User{Subject: "user-2", Email: "joe@example.com", Name: "Joe"})
	r = w.pasteRun("wendy", func(link string) string { return authorized(t, srv, link).String() },
		"sources", "connect", id, "--no-browser")
	if r.code != ExitOK || !strings.Contains(r.stdout, "joe@example.com") {
		t.Fatalf("connect --no-browser: got %v, want joe@example.com connected", r)
	}

	list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json")))
	if len(list) != 2 {
		t.Fatalf("wendy's sources: got %+v, want 2", list)
	}
	src := strconv.FormatInt(first.ID, 10)

	// token prints the access token and nothing else; while valid, it is not refreshed.
	r = w.must(w.as("wendy", "token", src))
	tok := strings.TrimSuffix(r.stdout, "\n")
	if tok == "" || strings.ContainsAny(tok, " \n") || r.stderr != "" {
		t.Fatalf("token: got stdout %q, stderr %q, want one token alone", r.stdout, r.stderr)
	}
	calls := srv.TokenRequests()
	if again := w.must(w.as("wendy", "token", src)).stdout; again != r.stdout || srv.TokenRequests() != calls {
		t.Errorf("second token: got %q after %d token requests, want %q and no request", again, srv.TokenRequests()-calls, r.stdout)
	}

	if h := w.must(w.as("wendy", "token", src, "--header")).stdout; h != "Authorization: Bearer "+r.stdout {
		t.Errorf("token --header: got %q, want the header line %q", h, "Authorization: Bearer "+r.stdout)
	}

	w.must(w.as("wendy", "sources", "refresh", src))
	if fresh := w.must(w.as("wendy", "token", src)).stdout; fresh == r.stdout {
		t.Errorf("token after refresh is the old one")
	}

	revokes := srv.RevokeRequests()
	w.must(w.as("wendy", "sources", "disconnect", src))
	if srv.RevokeRequests() != revokes+1 {
		t.Errorf("disconnect: %d revocations, want 1", srv.RevokeRequests()-revokes)
	}
	if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 1 || list[0].Account != "joe@example.com" {
		t.Errorf("after disconnect: got %+v, want joe's source only", list)
	}

	// The log has each step, and never the token.
	r = w.must(w.as("root", "activity", "--json", "--user", "wendy"))
	if strings.Contains(r.stdout, tok) {
		t.Errorf("the activity log holds the access token")
	}
	var entries []entryJSON
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		if e.Outcome == "ok" {
			count[e.Action]++
		}
	}
	for action, n := range map[access.Action]int{access.SourceConnect: 2, access.SourceToken: 4, access.SourceRefresh: 1, access.SourceDisconnect: 1} {
		if count[string(action)] != n {
			t.Errorf("%s entries: got %d, want %d (all: %v)", action, count[string(action)], n, count)
		}
	}
}

// TestPastedAddressRefused pastes addresses that must not finish the sign-in.
func TestPastedAddressRefused(t *testing.T) {
	w, srv, id := withIntegration(t)
	state := func(link string) string {
		u, _ := url.Parse(link)
		return u.Query().Get("state")
	}
	cases := []struct {
		name  string
		paste func(link string) string // nil: stdin stays open and nothing is pasted
		want  string
	}{
		{"wrong state", func(link string) string {
			loc := authorized(t, srv, link)
			q := loc.Query()
			q.Set("state", "not-"+q.Get("state"))
			loc.RawQuery = q.Encode()
			return loc.String()
		}, "belongs to another sign-in"},
		{"provider error", func(link string) string {
			loc := authorized(t, srv, link)
			loc.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {"The user said no"},
				"state": {state(link)}, "iss": {srv.Issuer()}}.Encode()
			return loc.String()
		}, "Access was not allowed on the provider's page"},
		{"garbage", func(string) string { return "hello, this is not an address" }, "not the address the browser ended on"},
		{"nothing", func(string) string { return "\n" }, "No address was pasted"},
		{"timeout", nil, "The sign-in took too long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r result
			if c.paste != nil {
				r = w.pasteRun("wendy", c.paste, "sources", "connect", id, "--no-browser")
			} else {
				r = w.waitRun("wendy", "sources", "connect", id, "--no-browser")
			}
			if r.code != ExitFailed || !strings.Contains(r.stderr, c.want) {
				t.Errorf("got %v\nwant exit 1 and %q", r, c.want)
			}
			// Every failed sign-in is recorded, the ones that end with stdin (which cancels
			// the flow) too.
			if e := w.activity("wendy", 1); len(e) != 1 || e[0].Action != string(access.SourceConnect) || e[0].Outcome != "failed" {
				t.Errorf("newest entry: got %+v, want a failed source.connect", e)
			}
			if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 0 {
				t.Errorf("a source was saved: %+v", list)
			}
		})
	}
}

// TestSourceCommandsRefused runs the source commands as a reader and as a writer who does
// not own the source: exit code 3, and the refusal is logged.
func TestSourceCommandsRefused(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	sid := strconv.FormatInt(w.connect("wendy", id).ID, 10)
	w.openURL = func(string) error { t.Error("a refused command opened the browser"); return nil }

	for _, c := range sourceRefusals(id, sid) {
		for _, user := range []string{"rita", "walter"} {
			if user == "walter" && access.Allowed(access.Write, c.action, false) {
				continue // a writer may connect an account of their own
			}
			t.Run(user+" "+strings.Join(c.args[:len(c.args)-1], " "), func(t *testing.T) {
				assertRefused(t, w, user, w.as(user, c.args...), c.action)
			})
		}
	}
	// A token acts as its owner's account: an administrator who is not the owner is refused.
	r := w.as("root", "token", sid)
	if r.code != ExitForbidden || r.stdout != "" || !strings.Contains(r.stderr, "Only the owner of the source") {
		t.Errorf("root takes wendy's token: got %v, want exit 3 saying only the owner may", r)
	}
	// The newest is the sign-in of the read itself.
	if e := w.activity("root", 2); len(e) != 2 || e[1].Action != string(access.SourceToken) || e[1].Outcome != "denied" {
		t.Errorf("root's entries: got %+v, want a denied source.token before the read's sign-in", e)
	}
	if list := sourcesOf(t, w.must(w.as("wendy", "sources", "list", "--json"))); len(list) != 1 {
		t.Errorf("wendy's source after the refusals: got %+v, want it untouched", list)
	}
}

// TestNeedsReconnect: a refresh token the provider refuses gives exit code 4 and says how to
// reconnect; reconnecting makes the source usable again.
func TestNeedsReconnect(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	sid := strconv.FormatInt(w.connect("wendy", id).ID, 10)

	srv.FailNextToken(http.StatusBadRequest, `{"error":"invalid_grant","error_description":"revoked"}`,
		http.Header{"Content-Type": {"application/json"}})
	r := w.as("wendy", "sources", "refresh", sid)
	if r.code != ExitNeedsReconnect || !strings.Contains(r.stderr, "sources reconnect "+sid+"'") {
		t.Fatalf("refresh with a refused refresh token: got %v, want exit 4 and the command 'sources reconnect %s'", r, sid)
	}
	if r := w.as("wendy", "token", sid); r.code != ExitNeedsReconnect || r.stdout != "" {
		t.Errorf("token of a source that needs reconnecting: got %v, want exit 4 and no output", r)
	}
	w.must(w.as("wendy", "sources", "reconnect", sid))
	w.must(w.as("wendy", "token", sid))
}

// TestIntegrationTest: an admin tests the saved credentials in the browser; a wrong client
// secret fails with its likely cause.
func TestIntegrationTest(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	r := w.must(w.as("root", "integrations", "test", id, "--json"))
	var report testJSON
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("integrations test --json does not parse: %v\n%s", err, r.stdout)
	}
	if !report.OK || report.Account != authtest.DefaultUser.Email || len(report.Steps) < 3 {
		t.Errorf("report: got %+v, want ok as %s with its steps", report, authtest.DefaultUser.Email)
	}

	w.must(w.asIn("root", strings.NewReader("not the secret\n"), "integrations", "set", id, "--client-secret-file", "-"))
	r = w.as("root", "integrations", "test", id)
	if r.code != ExitFailed || !strings.Contains(r.stdout, "Likely cause: The provider refused the client id or the client secret") {
		t.Errorf("test with a wrong secret: got %v, want exit 1 and the likely cause", r)
	}
	if list := sourcesOf(t, w.must(w.as("root", "sources", "list", "--json"))); len(list) != 0 {
		t.Errorf("a test saved a source: %+v", list)
	}
}
