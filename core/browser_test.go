// These tests run whole sign-ins in a real Chromium, headless, with JavaScript off, in a tab
// 400 px wide: the start address, the sandbox's sign-in page and the authorization server's
// redirects, the success and failure pages, as a person at the keyboard sees them. They
// need Chromium (scripts/deps.sh test installs it) and the Secret Service (run them under
// scripts/with-secret-service.sh).

package core

import (
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/browsertest"
)

// What the pages say; the tests wait for these words.
const (
	signInWords  = "asks for access to"
	successWords = "You can close this tab and return to Medialake Connect."
	failureWords = "Sign-in not completed"
	usedWords    = "already been used"
)

// inBrowser runs a sign-in on its own goroutine, with the browser hook handing the start
// address to the test, and returns that address and the sign-in's outcome.
func inBrowser(t *testing.T, signIn func(FlowHooks) error) (string, <-chan error) {
	t.Helper()
	opened := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- signIn(FlowHooks{OpenURL: func(u string) error { opened <- u; return nil }}) }()
	select {
	case start := <-opened:
		return start, done
	case err := <-done:
		t.Fatalf("the sign-in ended before it opened the browser: %v", err)
	case <-time.After(browsertest.Wait):
		t.Fatal("the sign-in did not open the browser")
	}
	return "", nil
}

// outcome waits for the sign-in that inBrowser started.
func outcome(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(browsertest.Wait):
		t.Fatal("the sign-in did not end after the browser's answer")
		return nil
	}
}

// sandboxSignIn is a writer's connect through the sandbox in Chromium, its sign-in page open.
type sandboxSignIn struct {
	tm      *sandboxTeam
	browser *browsertest.Browser
	tab     *browsertest.Tab
	start   string // the start address the app gave the browser
	done    <-chan error
	src     chan Source
}

func openSandboxSignIn(t *testing.T) *sandboxSignIn {
	t.Helper()
	s := &sandboxSignIn{tm: newSandboxTeam(t), browser: browsertest.New(t), src: make(chan Source, 1)}
	s.tab = s.browser.Tab(t)
	s.connect(t)
	return s
}

// connect starts a connect and opens its start address in the tab, which shows the sign-in
// page with the focus on the account name.
func (s *sandboxSignIn) connect(t *testing.T) {
	t.Helper()
	s.start, s.done = inBrowser(t, func(h FlowHooks) error {
		src, err := s.tm.app.Connect(context.Background(), s.tm.writer, string(catalog.Sandbox), h)
		s.src <- src
		return err
	})
	s.tab.Go(s.start)
	s.tab.Text(signInWords)
	if f := s.tab.Focused("input account"); f != "input account" {
		t.Errorf("on the sign-in page the focus is on %q, want the account name", f)
	}
}

// connected checks that the connect ended with account's source.
func (s *sandboxSignIn) connected(t *testing.T, account string) {
	t.Helper()
	if err := outcome(t, s.done); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if src := <-s.src; src.Account != account {
		t.Errorf("connected %q, want %s", src.Account, account)
	}
}

// Connect through the sandbox from the keyboard alone: the sign-in page focuses the account
// name (again after a blank name was refused), Tab reaches Allow, Enter signs in, and the browser lands on the success page. A
// second tab on the same start address is told it was used; Deny lands on the failure page.
// Every page is readable at 400 px in both themes and loads nothing from outside.
func TestBrowserSandboxSignIn(t *testing.T) {
	s := openSandboxSignIn(t)
	tab := s.tab
	tab.AssertReadable("the sandbox's sign-in page")

	again := s.browser.Tab(t)
	again.Go(s.start)
	again.Text(usedWords)
	again.AssertReadable("the start address, used")

	tab.Keys(" ")
	tab.Keys(kb.Enter)
	tab.Text("Type an account name")
	tab.AssertReadable("the sign-in page saying what to type")
	if f := tab.Focused("input account"); f != "input account" {
		t.Errorf("on the sign-in page shown again the focus is on %q, want the account name", f)
	}
	tab.Keys("jane@example.com")
	tab.Keys(kb.Tab)
	if f := tab.Focused("button Allow"); f != "button Allow" {
		t.Errorf("Tab from the account name reaches %q, want Allow", f)
	}
	if o := tab.Eval(`getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
		t.Error("the button with the keyboard focus shows no outline")
	}
	tab.Keys(kb.Enter)
	tab.Text(successWords)
	tab.AssertReadable("the success page")
	s.connected(t, "jane@example.com")

	s.connect(t)
	tab.Keys(kb.Tab)
	tab.Keys(kb.Tab)
	if f := tab.Focused("button Deny"); f != "button Deny" {
		t.Errorf("Tab, Tab from the account name reaches %q, want Deny", f)
	}
	tab.Keys(kb.Enter)
	tab.Text(failureWords)
	tab.AssertReadable("the failure page")
	if err := outcome(t, s.done); ReasonOf(err) != ReasonDenied {
		t.Errorf("Connect with Deny: %v (reason %v), want the access-denied reason", err, ReasonOf(err))
	}
	<-s.src
}

// Through the tests' authorization server, which approves at once: Connect and the admin's
// Test authorization both land the browser on the success page.
func TestBrowserAuthServer(t *testing.T) {
	tm := newConnectTeam(t)
	tm.addIntegration(t, integrationSpec{id: "idp", provider: "oidc", atServer: "s3cret", sent: "s3cret"})
	b := browsertest.New(t)
	ctx := context.Background()

	var src Source
	start, done := inBrowser(t, func(h FlowHooks) (err error) {
		src, err = tm.app.Connect(ctx, tm.writer, "idp", h)
		return err
	})
	tab := b.Tab(t)
	tab.Go(start)
	tab.Text(successWords)
	tab.AssertReadable("the success page")
	if err := outcome(t, done); err != nil || src.Account != authtest.DefaultUser.Email {
		t.Fatalf("Connect = %+v, %v; want %s connected", src, err, authtest.DefaultUser.Email)
	}

	var report TestReport
	start, done = inBrowser(t, func(h FlowHooks) (err error) {
		report, err = tm.app.TestAuthorization(ctx, tm.admin, "idp", h)
		return err
	})
	tab.Go(start)
	tab.Text(successWords)
	if err := outcome(t, done); err != nil || !report.OK {
		t.Fatalf("TestAuthorization = %+v, %v; want OK", report, err)
	}
}

// A page on another origin of this machine, in the person's own browser while the sign-in
// page is open there, can neither read the sign-in page (nor frame it) nor submit it; a
// page whose name was rebound to 127.0.0.1 gets nothing from the sandbox or the listener.
// The person's sign-in still works afterwards.
func TestBrowserSignInPageKeptFromOtherPages(t *testing.T) {
	s := openSandboxSignIn(t)
	signIn := s.tab.Location()

	evil := s.browser.ScriptTab(t)
	evil.Go(hostilePage(t, signIn))
	got := evil.Text("done")
	for _, f := range evil.Frames() {
		if !strings.HasPrefix(f, "chrome-error:") {
			t.Errorf("the other origin's page shows the sign-in page in a frame: %s", f)
		}
	}
	for _, leak := range []string{"csrf", "code_challenge", "asks for access"} {
		if strings.Contains(got, leak) {
			t.Errorf("the other origin's page read the sign-in page (%q):\n%s", leak, got)
		}
	}
	evil.Eval(`document.forms[0].submit(), ""`)
	if text := evil.Text("start the sign-in again"); strings.Contains(text, "Signed in") {
		t.Errorf("the other origin's form was taken: %s", text)
	}
	evil.AssertReadable("the sandbox's refusal of a forged form")

	for name, address := range map[string]string{"the sandbox": signIn, "the start address": s.start} {
		r, _ := url.Parse(address)
		r.Host = browsertest.RebindHost + ":" + r.Port()
		evil.Go(r.String())
		if text := evil.Text("bad request"); strings.Contains(text, signInWords) {
			t.Errorf("%s under a rebound name answered: %s", name, text)
		}
	}

	s.tab.Keys("jane@example.com")
	s.tab.Keys(kb.Enter)
	s.tab.Text(successWords)
	s.connected(t, "jane@example.com")
}

// hostile is a page of another origin on this machine: its script tries to read the sign-in
// page and to frame it, and writes what it got, then "done"; its form posts an Allow to the
// sandbox with the sign-in's own parameters and a made-up CSRF token.
var hostile = template.Must(template.New("hostile").Parse(`<!doctype html><html><body><pre id="out"></pre>
<form method="post" action="{{.Action}}">{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<input type="hidden" name="account" value="eve@example.com"><input type="hidden" name="csrf" value="1.forged">
<input type="hidden" name="decision" value="allow"></form>
<iframe id="frame" src="{{.SignIn}}"></iframe>
<script>
const say = s => document.getElementById("out").textContent += s + "\n";
let left = 2;
const one = () => { if (--left === 0) say("done"); };
fetch({{.SignIn}}, {credentials: "include"}).then(r => r.text()).then(t => say("fetch read: " + t), e => say("fetch refused: " + e)).then(one);
document.getElementById("frame").onload = () => {
  try { say("frame read: " + document.getElementById("frame").contentDocument.body.innerText); }
  catch (e) { say("frame refused: " + e); }
  one();
};
</script></body></html>`))

// hostilePage serves hostile on a port of its own and returns its address.
func hostilePage(t *testing.T, signIn string) string {
	t.Helper()
	u, err := url.Parse(signIn)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for k, v := range u.Query() {
		fields[k] = v[0]
	}
	action := *u
	action.RawQuery = ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = hostile.Execute(w, map[string]any{"Action": action.String(), "Fields": fields, "SignIn": signIn})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
