package loopback

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// The listener is bound to 127.0.0.1 only, and two flows get different ports.
func TestListenerLoopbackOnly(t *testing.T) {
	ts := newTokenServer(t)
	a := start(t, testConfig(t, ts))
	b := start(t, testConfig(t, ts))

	for _, f := range []*Flow{a, b} {
		addr := f.ln.Addr().(*net.TCPAddr)
		if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("listener address = %v, want 127.0.0.1", addr.IP)
		}
		if want := fmt.Sprintf("http://127.0.0.1:%d/callback", addr.Port); f.RedirectURL() != want {
			t.Errorf("RedirectURL = %q, want %q", f.RedirectURL(), want)
		}
		// Any other address of this machine must not reach the listener.
		others := []string{"::1"}
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, ia := range addrs {
				if ip, ok := ia.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
					others = append(others, ip.IP.String())
				}
			}
		}
		for _, ip := range others {
			hp := net.JoinHostPort(ip, strconv.Itoa(addr.Port))
			if c, err := net.DialTimeout("tcp", hp, 5*time.Second); err == nil {
				c.Close()
				t.Errorf("dial %s: connected, want refused (listener must be on 127.0.0.1 only)", hp)
			}
		}
	}
	if hostPort(t, a) == hostPort(t, b) {
		t.Errorf("two flows share %s, want different ports", hostPort(t, a))
	}
	if authParam(t, a, "state") == authParam(t, b, "state") {
		t.Error("two flows share a state")
	}
}

// The authorization URL carries PKCE S256, a 256-bit state, the redirect URI and the extras.
func TestAuthURL(t *testing.T) {
	ts := newTokenServer(t)
	cfg := testConfig(t, ts)
	cfg.AuthParams = []oauth2.AuthCodeOption{oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent")}
	f := start(t, cfg)

	state, err := base64.RawURLEncoding.DecodeString(authParam(t, f, "state"))
	if err != nil || len(state)*8 < 128 {
		t.Errorf("state = %q (%d bits, err %v), want >= 128 random bits", authParam(t, f, "state"), len(state)*8, err)
	}
	for name, want := range map[string]string{
		"response_type":         "code",
		"client_id":             "client-1",
		"redirect_uri":          f.RedirectURL(),
		"scope":                 "files.read",
		"code_challenge_method": "S256",
		"access_type":           "offline",
		"prompt":                "consent",
	} {
		if got := authParam(t, f, name); got != want {
			t.Errorf("AuthURL %s = %q, want %q", name, got, want)
		}
	}
	if !strings.HasPrefix(f.AuthURL(), "https://auth.example/authorize?") {
		t.Errorf("AuthURL = %q, want the provider's authorization endpoint", f.AuthURL())
	}
	if cfg.OAuth2.RedirectURL != "" {
		t.Errorf("caller's config changed: RedirectURL = %q", cfg.OAuth2.RedirectURL)
	}
}

// A wrong or missing state gets a plain 400, the token endpoint is not called, and the
// flow completes afterwards with the verifier and the same redirect URI.
func TestWrongStateKeepsWaiting(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	state := authParam(t, f, "state")
	// One character changed: whatever the random state starts with, the first one differs.
	wrong := "x" + state[1:]
	if state[0] == 'x' {
		wrong = "y" + state[1:]
	}

	bad := map[string]url.Values{
		"missing state":  {"code": {"code-1"}},
		"empty state":    {"state": {""}, "code": {"code-1"}},
		"wrong state":    {"state": {wrong}, "code": {"code-1"}},
		"state prefix":   {"state": {state[:len(state)-1]}, "code": {"code-1"}},
		"state twice":    {"state": {state, "other"}, "code": {"code-1"}},
		"error no state": {"error": {"access_denied"}},
	}
	for name, q := range bad {
		resp, body := callback(t, f, q)
		if resp.StatusCode != http.StatusBadRequest || body != badRequestText {
			t.Errorf("%s: got %d %q, want 400 %q", name, resp.StatusCode, body, badRequestText)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type = %q, want plain text", name, ct)
		}
	}
	if n := len(ts.requests()); n != 0 {
		t.Fatalf("token requests after bad callbacks = %d, want 0", n)
	}

	if resp, body := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK || body != successPage {
		t.Fatalf("valid callback: got %d %q, want 200 and the success page", resp.StatusCode, body)
	}
	tok, err := wait(t, f)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if tok.AccessToken != "at-1" || tok.RefreshToken != "rt-1" {
		t.Errorf("token = %q/%q, want at-1/rt-1", tok.AccessToken, tok.RefreshToken)
	}
	reqs := ts.requests()
	if len(reqs) != 1 {
		t.Fatalf("token requests = %d, want 1", len(reqs))
	}
	form := reqs[0]
	if got := form.Get("grant_type"); got != "authorization_code" {
		t.Errorf("grant_type = %q, want authorization_code", got)
	}
	if got := form.Get("code"); got != "code-1" {
		t.Errorf("code = %q, want code-1", got)
	}
	if got := form.Get("redirect_uri"); got != f.RedirectURL() {
		t.Errorf("redirect_uri = %q, want %q", got, f.RedirectURL())
	}
	if got, want := s256(form.Get("code_verifier")), authParam(t, f, "code_challenge"); got != want {
		t.Errorf("S256(code_verifier) = %q, want the AuthURL's code_challenge %q", got, want)
	}
	assertClosed(t, f)
}

// A valid callback replayed is refused, and the code is exchanged exactly once.
func TestReplayRefused(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))

	if resp, _ := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK {
		t.Fatalf("first callback: status %d, want 200", resp.StatusCode)
	}
	if resp, body := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusGone || body != finishedText {
		t.Errorf("replayed callback: got %d %q, want 410 %q", resp.StatusCode, body, finishedText)
	}
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if _, err := wait(t, f); err != nil {
		t.Errorf("second Wait: %v, want the same success", err)
	}
	if n := len(ts.requests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	assertClosed(t, f)
}

// A provider's error=access_denied ends the flow with the provider's error; the port is closed.
func TestProviderErrorEndsFlow(t *testing.T) {
	ts := newTokenServer(t)
	cfg := testConfig(t, ts)
	cfg.Provider = "Example IdP"
	f := start(t, cfg)

	q := url.Values{"state": {authParam(t, f, "state")}, "error": {"access_denied"}, "error_description": {"The user said no"}}
	if resp, body := callback(t, f, q); resp.StatusCode != http.StatusBadRequest || body != failurePage {
		t.Errorf("error callback: got %d %q, want 400 and the failure page", resp.StatusCode, body)
	}
	_, err := wait(t, f)
	var pe *ProviderError
	if !errors.As(err, &pe) {
		t.Fatalf("Wait error = %v, want *ProviderError", err)
	}
	if pe.Code != "access_denied" || pe.Description != "The user said no" {
		t.Errorf("ProviderError = %+v, want access_denied / The user said no", pe)
	}
	if want := "access was denied at Example IdP (access_denied: The user said no)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if n := len(ts.requests()); n != 0 {
		t.Errorf("token requests = %d, want 0", n)
	}
	assertClosed(t, f)
}

// Nothing from the request is reflected, and every answer carries the headers that keep
// the browser from running or sniffing anything.
func TestPageReflectsNothing(t *testing.T) {
	const script = "<script>alert(1)</script>"
	ts := newTokenServer(t)

	type answer struct {
		name        string
		resp        *http.Response
		body        string
		contentType string
	}
	var answers []answer
	// The flow that fails with the provider's error, and its refusals.
	f := start(t, testConfig(t, ts))
	record := func(name, ct string) func(*http.Response, string) {
		return func(resp *http.Response, body string) {
			answers = append(answers, answer{name, resp, body, ct})
		}
	}
	html, text := "text/html; charset=utf-8", "text/plain; charset=utf-8"
	record("bad state", text)(callback(t, f, url.Values{"state": {script}, "code": {script}}))
	record("not found", text)(browse(t, f, http.MethodGet, "", "/"+url.PathEscape(script), url.Values{"x": {script}}))
	record("bad host", text)(browse(t, f, http.MethodGet, "evil.example", CallbackPath, url.Values{"x": {script}}))
	record("error page", html)(callback(t, f, url.Values{
		"state": {authParam(t, f, "state")}, "error": {script}, "error_description": {script}, "error_uri": {"javascript:" + script},
	}))
	record("finished", text)(callback(t, f, url.Values{"state": {authParam(t, f, "state")}, "code": {script}}))
	// A flow that succeeds with a hostile code.
	g := start(t, testConfig(t, ts))
	record("success page", html)(callback(t, g, url.Values{"state": {authParam(t, g, "state")}, "code": {script}}))

	for _, a := range answers {
		if strings.Contains(a.body, "<script") || strings.Contains(a.body, "alert(1)") {
			t.Errorf("%s: body reflects the request: %q", a.name, a.body)
		}
		want := map[string]string{
			"Content-Type":           a.contentType,
			"X-Content-Type-Options": "nosniff",
			"Cache-Control":          "no-store",
			"Referrer-Policy":        "no-referrer",
		}
		for k, v := range want {
			if got := a.resp.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", a.name, k, got, v)
			}
		}
		csp := a.resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script") {
			t.Errorf("%s: Content-Security-Policy = %q, want default-src 'none' and no script source", a.name, csp)
		}
	}
	if _, err := wait(t, f); !isProviderError(err, script) {
		t.Errorf("Wait = %v, want the provider's error", err)
	}
}

// A foreign Host is refused without consuming the state; other paths are 404.
func TestHostAndPath(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	port := strings.TrimPrefix(hostPort(t, f), "127.0.0.1:")

	cases := []struct {
		name, method, host, path string
		want                     int
	}{
		{"foreign host", http.MethodGet, "evil.example:" + port, CallbackPath, http.StatusBadRequest},
		{"host without port", http.MethodGet, "127.0.0.1", CallbackPath, http.StatusBadRequest},
		{"localhost instead of 127.0.0.1", http.MethodGet, "localhost:" + port, CallbackPath, http.StatusBadRequest},
		{"other port", http.MethodGet, "127.0.0.1:1", CallbackPath, http.StatusBadRequest},
		{"root", http.MethodGet, "", "/", http.StatusNotFound},
		{"other path", http.MethodGet, "", "/other", http.StatusNotFound},
		{"callback subpath", http.MethodGet, "", CallbackPath + "/x", http.StatusNotFound},
		{"post", http.MethodPost, "", CallbackPath, http.StatusMethodNotAllowed},
		{"head", http.MethodHead, "", CallbackPath, http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		resp, _ := browse(t, f, c.method, c.host, c.path, valid(t, f))
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
	if n := len(ts.requests()); n != 0 {
		t.Fatalf("token requests after refused callbacks = %d, want 0", n)
	}
	// The state was not consumed: the real callback still completes the flow.
	if resp, _ := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid callback after refusals: status %d, want 200", resp.StatusCode)
	}
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

// RedirectHost "localhost" makes localhost:PORT the only accepted Host; the first listener is on
// 127.0.0.1 (::1 is held as well: see TestLocalhostHoldsIPv6).
func TestRedirectHostLocalhost(t *testing.T) {
	ts := newTokenServer(t)
	cfg := testConfig(t, ts)
	cfg.RedirectHost = "localhost"
	f := start(t, cfg)
	port := f.ln.Addr().(*net.TCPAddr).Port
	if want := fmt.Sprintf("http://localhost:%d/callback", port); f.RedirectURL() != want {
		t.Errorf("RedirectURL = %q, want %q", f.RedirectURL(), want)
	}
	if ip := f.ln.Addr().(*net.TCPAddr).IP; !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("listener on %v, want 127.0.0.1", ip)
	}
	req := func(host string) int {
		r, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s?%s", port, CallbackPath, valid(t, f).Encode()), nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Host = host
		resp, err := noKeepAlive(t).Do(r)
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := req(fmt.Sprintf("127.0.0.1:%d", port)); got != http.StatusBadRequest {
		t.Errorf("Host 127.0.0.1: status %d, want 400", got)
	}
	if got := req(fmt.Sprintf("localhost:%d", port)); got != http.StatusOK {
		t.Errorf("Host localhost: status %d, want 200", got)
	}
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}

	cfg.RedirectHost = "example.com"
	if _, err := Start(context.Background(), cfg); err == nil {
		t.Error("Start with RedirectHost example.com: no error, want refused")
	}
}

// An iss that differs from the issuer is refused with no token request (RFC 9207), and
// so is a missing iss where the provider says it always sends one.
func TestIssuer(t *testing.T) {
	const issuer = "https://issuer.example"
	cases := []struct {
		name, issuer string
		require      bool     // RequireIssuer: the discovery document promises iss
		iss          []string // nil: no iss parameter
		error        bool     // the provider answers error= instead of a code
		want         error
	}{
		{"matching iss", issuer, false, []string{issuer}, false, nil},
		{"no iss sent", issuer, false, nil, false, nil},
		{"other iss", issuer, false, []string{"https://evil.example"}, false, ErrIssuerMismatch},
		{"empty iss", issuer, false, []string{""}, false, ErrIssuerMismatch},
		{"iss with trailing slash", issuer, false, []string{issuer + "/"}, false, ErrIssuerMismatch},
		{"other iss on an error answer", issuer, false, []string{"https://evil.example"}, true, ErrIssuerMismatch},
		{"no issuer configured", "", false, []string{"https://anything.example"}, false, nil},
		{"iss promised and sent", issuer, true, []string{issuer}, false, nil},
		{"iss promised, none sent", issuer, true, nil, false, ErrIssuerMissing},
		{"iss promised, none sent on an error answer", issuer, true, nil, true, ErrIssuerMissing},
		{"iss promised, other sent", issuer, true, []string{"https://evil.example"}, false, ErrIssuerMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTokenServer(t)
			cfg := testConfig(t, ts)
			cfg.Issuer, cfg.RequireIssuer = c.issuer, c.require
			f := start(t, cfg)
			q := valid(t, f)
			if c.error {
				q = with(q, "error", "access_denied")
			}
			if c.iss != nil {
				q["iss"] = c.iss
			}
			wantStatus := http.StatusOK
			if c.want != nil || c.error {
				wantStatus = http.StatusBadRequest // the failure page
			}
			if resp, _ := callback(t, f, q); resp.StatusCode != wantStatus {
				t.Errorf("callback: status %d, want %d", resp.StatusCode, wantStatus)
			}
			_, err := wait(t, f)
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("Wait: %v, want a token", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Fatalf("Wait: %v, want %v", err, c.want)
			}
			wantReqs := 1
			if c.want != nil {
				wantReqs = 0
			}
			if n := len(ts.requests()); n != wantReqs {
				t.Errorf("token requests = %d, want %d", n, wantReqs)
			}
		})
	}
}

// Cancel, Close and timeout close the port and leave no goroutine behind.
func TestCancelClosesPort(t *testing.T) {
	checkLeaks(t)
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))

	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	_, err := f.Wait(ctx)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want ErrCanceled wrapping context.Canceled", err)
	}
	assertClosed(t, f)
	// A callback that arrives now finds nothing listening, and nothing is exchanged.
	if n := len(ts.requests()); n != 0 {
		t.Errorf("token requests = %d, want 0", n)
	}
}

func TestCloseClosesPort(t *testing.T) {
	checkLeaks(t)
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	if err := f.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertClosed(t, f)
	if _, err := wait(t, f); !errors.Is(err, ErrCanceled) {
		t.Errorf("Wait after Close = %v, want ErrCanceled", err)
	}
	if _, err := f.CompleteFromURL(context.Background(), f.RedirectURL()+"?"+valid(t, f).Encode()); !errors.Is(err, ErrCanceled) {
		t.Errorf("CompleteFromURL after Close = %v, want ErrCanceled", err)
	}
}

func TestTimeoutClosesPort(t *testing.T) {
	checkLeaks(t)
	ts := newTokenServer(t)
	cfg := testConfig(t, ts)
	cfg.Timeout = time.Millisecond
	f := start(t, cfg)
	_, err := wait(t, f)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Wait = %v, want ErrTimeout", err)
	}
	assertClosed(t, f)
}

func TestDeadline(t *testing.T) {
	ts := newTokenServer(t)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		timeout, want time.Duration
	}{
		{0, 5 * time.Minute},
		{90 * time.Second, 90 * time.Second},
	}
	for _, c := range cases {
		cfg := testConfig(t, ts)
		cfg.Timeout = c.timeout
		cfg.Now = func() time.Time { return now }
		f := start(t, cfg)
		if got := f.Deadline(); !got.Equal(now.Add(c.want)) {
			t.Errorf("Timeout %v: Deadline = %v, want %v", c.timeout, got, now.Add(c.want))
		}
	}
}

// A connection that sends nothing, or half a request, does not block the flow, and it is
// closed when the flow ends.
func TestSilentConnectionDoesNotBlock(t *testing.T) {
	checkLeaks(t)
	for _, sent := range []string{"", "GET /callback?state=x HTTP/1.1\r\nHost: 127.0.0.1\r\n"} {
		ts := newTokenServer(t)
		f := start(t, testConfig(t, ts))
		c, err := net.Dial("tcp", hostPort(t, f))
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, sent); err != nil {
			t.Fatalf("write: %v", err)
		}

		if resp, _ := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK {
			t.Fatalf("sent %q: callback status %d, want 200", sent, resp.StatusCode)
		}
		if _, err := wait(t, f); err != nil {
			t.Fatalf("sent %q: Wait: %v", sent, err)
		}
		assertClosed(t, f)
		// The deadline only guards against a hang; the server must already have closed it.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, err := bufio.NewReader(c).Read(make([]byte, 1)); !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
			t.Errorf("sent %q: read on the idle connection = %d, %v; want it closed by the server", sent, n, err)
		}
	}
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// A busy fixed port fails Start (core opens the browser only after it); a free fixed port is
// used and released.
func TestFixedPort(t *testing.T) {
	ts := newTokenServer(t)
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	cfg := testConfig(t, ts)
	cfg.Port = busy.Addr().(*net.TCPAddr).Port
	if _, err := Start(context.Background(), cfg); !errors.Is(err, ErrPortBusy) {
		t.Errorf("Start on a busy port = %v, want ErrPortBusy", err)
	}

	busy.Close()
	for i := range 2 { // the second flow proves the first released the port
		f := start(t, cfg)
		if want := fmt.Sprintf("http://127.0.0.1:%d/callback", cfg.Port); f.RedirectURL() != want {
			t.Fatalf("flow %d: RedirectURL = %q, want %q", i, f.RedirectURL(), want)
		}
		callback(t, f, valid(t, f))
		if _, err := wait(t, f); err != nil {
			t.Fatalf("flow %d: Wait: %v", i, err)
		}
	}
}

// The flow reports its own steps in order; the browser's are core's, which opens it.
func TestProgress(t *testing.T) {
	ts := newTokenServer(t)
	cfg := testConfig(t, ts)
	var (
		mu    sync.Mutex
		steps []Step
	)
	cfg.Progress = func(s Step) { mu.Lock(); steps = append(steps, s); mu.Unlock() }
	f := start(t, cfg)
	callback(t, f, valid(t, f))
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []Step{StepListening, StepCallbackReceived, StepCodeExchanged}; !slices.Equal(steps, want) {
		t.Errorf("steps = %v, want %v", steps, want)
	}
}

// The token endpoint's refusal becomes an *ExchangeError that says what usually causes it. The
// redirect URI is blamed only for an error code or a documented provider code that says so,
// never for the word "redirect" in free text.
func TestExchangeErrors(t *testing.T) {
	cases := []struct {
		name, body   string
		status       int
		wantCode     string
		wantText     string
		wantRedirect bool // errors.Is(err, ErrRedirectNotRegistered)
	}{
		{"wrong secret", `{"error":"invalid_client","error_description":"Client authentication failed"}`, 401, "invalid_client", "client id or client secret", false},
		{"invalid_grant naming the redirect URI", `{"error":"invalid_grant","error_description":"The redirect_uri does not match"}`, 400, "invalid_grant", "did not match this sign-in", false},
		{"redirect_uri_mismatch", `{"error":"redirect_uri_mismatch","error_description":"Bad Request"}`, 400, "redirect_uri_mismatch", "redirect URI is not registered", true},
		{"Microsoft AADSTS50011", `{"error":"invalid_request","error_description":"AADSTS50011: The redirect URI 'http://localhost:1/callback' specified in the request does not match the redirect URIs configured for the application."}`, 400, "invalid_request", "redirect URI is not registered", true},
		{"Microsoft AADSTS500113", `{"error":"invalid_request","error_description":"AADSTS500113: No reply address is registered for the application."}`, 400, "invalid_request", "redirect URI is not registered", true},
		{"Microsoft AADSTS70000 on the redirect_uri", `{"error":"invalid_grant","error_description":"AADSTS70000: The provided value for the 'redirect_uri' is not valid."}`, 400, "invalid_grant", "did not match this sign-in", false},
		{"AADSTS50011 not at the head", `{"error":"invalid_grant","error_description":"see AADSTS50011: redirect"}`, 400, "invalid_grant", "expired, was already used", false},
		{"expired code", `{"error":"invalid_grant","error_description":"code expired"}`, 400, "invalid_grant", "expired, was already used", false},
		{"missing scope", `{"error":"invalid_scope"}`, 400, "invalid_scope", "scope is missing", false},
		{"server down", `<html>Bad Gateway</html>`, 502, "", "answered 502 Bad Gateway", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.answer(c.status, c.body)
			f := start(t, testConfig(t, ts))
			callback(t, f, valid(t, f))
			_, err := wait(t, f)
			var xe *ExchangeError
			if !errors.As(err, &xe) {
				t.Fatalf("Wait = %v, want *ExchangeError", err)
			}
			if xe.Code != c.wantCode || xe.Status != c.status {
				t.Errorf("ExchangeError code %q status %d, want %q %d", xe.Code, xe.Status, c.wantCode, c.status)
			}
			if !strings.Contains(err.Error(), c.wantText) {
				t.Errorf("message = %q, want it to contain %q", err.Error(), c.wantText)
			}
			if got := errors.Is(err, ErrRedirectNotRegistered); got != c.wantRedirect {
				t.Errorf("errors.Is(err, ErrRedirectNotRegistered) = %t, want %t", got, c.wantRedirect)
			}
			if n := len(ts.requests()); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
		})
	}
}

// Provider and exchange errors keep the provider's text printable and short: controls are
// shown as escapes (escape.Text), not obeyed and not silently dropped.
func TestErrorTextSanitized(t *testing.T) {
	long := strings.Repeat("x", 1000)
	e := &ProviderError{Code: "server_error", Description: "line1\r\nline2\x00\x1b[31m" + long}
	msg := e.Error()
	if strings.ContainsAny(msg, "\r\n\x00\x1b") {
		t.Errorf("message carries control characters: %q", msg)
	}
	if len(msg) > 400 {
		t.Errorf("message is %d bytes, want it cut to about %d", len(msg), maxDescription)
	}
	if !strings.HasPrefix(msg, `the provider had an internal error (server_error: line1\r\nline2\x00\x1b[31m`) {
		t.Errorf("message = %.80q..., want the internal-error text first", msg)
	}
}

// CompleteFromURL accepts the pasted address the browser ended on, with the callback's checks.
func TestCompleteFromURL(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	state := authParam(t, f, "state")
	port := strings.TrimPrefix(hostPort(t, f), "127.0.0.1:")
	good := valid(t, f).Encode()

	refused := []struct {
		name, pasted string
		want         error
	}{
		{"empty", "", ErrNotCallback},
		{"garbage", "%%not a url\x7f", ErrNotCallback},
		{"just a code", "code-1", ErrNotCallback},
		{"other port", "http://127.0.0.1:1/callback?" + good, ErrNotCallback},
		{"other host", "http://evil.example:" + port + "/callback?" + good, ErrNotCallback},
		{"https", "https://127.0.0.1:" + port + "/callback?" + good, ErrNotCallback},
		{"other path", "http://127.0.0.1:" + port + "/other?" + good, ErrNotCallback},
		{"wrong state", "http://127.0.0.1:" + port + "/callback?state=nope&code=c", ErrStateMismatch},
		{"no state", "http://127.0.0.1:" + port + "/callback?code=c", ErrStateMismatch},
		{"no code", "http://127.0.0.1:" + port + "/callback?state=" + state, ErrNotCallback},
		{"code twice", "http://127.0.0.1:" + port + "/callback?state=" + state + "&code=a&code=b", ErrNotCallback},
	}
	for _, c := range refused {
		tok, err := f.CompleteFromURL(context.Background(), c.pasted)
		if tok != nil || !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, %v; want %v", c.name, tok, err, c.want)
		}
	}
	// The flow still waits: the listener answers.
	c, err := net.Dial("tcp", hostPort(t, f))
	if err != nil {
		t.Fatalf("listener closed after refused pastes: %v", err)
	}
	c.Close()
	if n := len(ts.requests()); n != 0 {
		t.Fatalf("token requests after refused pastes = %d, want 0", n)
	}

	// Surrounding blanks, as a paste brings them, are fine.
	tok, err := f.CompleteFromURL(context.Background(), "  "+f.RedirectURL()+"?"+good+"\n")
	if err != nil || tok.AccessToken != "at-1" {
		t.Fatalf("CompleteFromURL(valid) = %v, %v; want token at-1", tok, err)
	}
	if n := len(ts.requests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	assertClosed(t, f)
}

func TestCompleteFromURLProviderError(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	q := url.Values{"state": {authParam(t, f, "state")}, "error": {"access_denied"}}
	_, err := f.CompleteFromURL(context.Background(), f.RedirectURL()+"?"+q.Encode())
	if !isProviderError(err, "access_denied") || !strings.Contains(err.Error(), "denied") {
		t.Errorf("CompleteFromURL(error=access_denied) = %v, want the provider's access_denied", err)
	}
	assertClosed(t, f)
}

// Wait and CompleteFromURL running together return one outcome from one token request.
func TestCompleteFromURLWhileWaiting(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	type outcome struct {
		tok *oauth2.Token
		err error
	}
	waited := make(chan outcome)
	go func() {
		tok, err := f.Wait(context.Background())
		waited <- outcome{tok, err}
	}()
	tok, err := f.CompleteFromURL(context.Background(), f.RedirectURL()+"?"+valid(t, f).Encode())
	if err != nil {
		t.Fatalf("CompleteFromURL: %v", err)
	}
	w := <-waited
	if w.err != nil || w.tok != tok {
		t.Errorf("Wait = %v, %v; want the same token as CompleteFromURL", w.tok, w.err)
	}
	if n := len(ts.requests()); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestStartRefusesBadConfig(t *testing.T) {
	ts := newTokenServer(t)
	cases := map[string]func(*Config){
		"no oauth2":                      func(c *Config) { c.OAuth2 = nil },
		"no token url":                   func(c *Config) { c.OAuth2.Endpoint.TokenURL = "" },
		"negative port":                  func(c *Config) { c.Port = -1 },
		"port too large":                 func(c *Config) { c.Port = 70000 },
		"iss required without an issuer": func(c *Config) { c.RequireIssuer = true },
	}
	for name, change := range cases {
		cfg := testConfig(t, ts)
		change(&cfg)
		if f, err := Start(context.Background(), cfg); err == nil {
			f.Close()
			t.Errorf("%s: Start succeeded, want an error", name)
		}
	}
}

// An oversized request is refused by the server, and the flow completes afterwards; the server
// has a header timeout, so a slow sender is cut off even while the flow waits.
func TestOversizedHeader(t *testing.T) {
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	if f.srv.ReadHeaderTimeout <= 0 || f.srv.MaxHeaderBytes <= 0 {
		t.Errorf("server ReadHeaderTimeout %v, MaxHeaderBytes %d; want both set", f.srv.ReadHeaderTimeout, f.srv.MaxHeaderBytes)
	}
	req, err := http.NewRequest(http.MethodGet, f.RedirectURL()+"?"+valid(t, f).Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 64<<10))
	resp, err := noKeepAlive(t).Do(req)
	if err != nil {
		t.Fatalf("GET with a 64 KiB header: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB header: status %d, want 431", resp.StatusCode)
	}
	if resp, _ := callback(t, f, valid(t, f)); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid callback after the oversized one: status %d, want 200", resp.StatusCode)
	}
	if _, err := wait(t, f); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

// BenchmarkFlowWithSilentConnection times a whole flow while a connection that sends nothing is
// open: it must stay in the milliseconds, not wait for the header timeout.
func BenchmarkFlowWithSilentConnection(b *testing.B) {
	ts := newTokenServer(b)
	client := noKeepAlive(b)
	for b.Loop() {
		f, err := Start(context.Background(), testConfig(b, ts))
		if err != nil {
			b.Fatal(err)
		}
		c, err := net.Dial("tcp", f.ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, f.RedirectURL()+"?"+url.Values{"state": {f.state}, "code": {"c"}}.Encode(), nil)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if _, err := f.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
