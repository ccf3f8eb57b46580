package loopback

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/oauth2"
)

// The placeholders let fuzz inputs carry the flow's real state and Host, which are random per
// flow, so the fuzzer also explores requests that get past the first checks.
const (
	statePlaceholder = "STATE"
	hostPlaceholder  = "HOSTPORT"
)

var staticBodies = []string{successPage, failurePage, usedPage, badRequestText, notFoundText, methodText, finishedText}

// fuzzFlow is a flow without a listener: the handler is exercised directly.
func fuzzFlow(t *testing.T, issuer string) *Flow {
	cfg := Config{
		OAuth2: &oauth2.Config{ClientID: "c", Endpoint: oauth2.Endpoint{AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token"}},
		Issuer: issuer,
	}
	f, err := newFlow(cfg, defaultHost, 49152)
	if err != nil {
		t.Fatalf("newFlow: %v", err)
	}
	return f
}

// checkAnswer asserts what every answer must be: one of the static bodies with the safe headers.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	found := false
	for _, s := range staticBodies {
		found = found || body == s
	}
	if !found {
		t.Fatalf("body is not one of the static pages: %q", body)
	}
	h := rec.Header()
	if h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("missing safety headers: %v", h)
	}
}

// FuzzCallback sends arbitrary requests to the callback handler: it never panics, never answers
// with anything but a static page, and never ends the flow unless the request is GET /callback
// with the right Host and exactly the flow's state.
func FuzzCallback(f *testing.F) {
	f.Add("GET", "/callback?state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "/callback?state=STATE&error=access_denied&error_description=%3Cscript%3E", "HOSTPORT")
	f.Add("GET", "/callback?state=STATE&code=abc&iss=https%3A%2F%2Fevil.example", "HOSTPORT")
	f.Add("GET", "/callback?state=STATE&state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "/callback?state=STATEx&code=abc", "HOSTPORT")
	f.Add("GET", "/callback?state=STATE;code=abc", "HOSTPORT")
	f.Add("GET", "/callback?code=abc", "HOSTPORT")
	f.Add("GET", "/callback?state=STATE&code=abc", "evil.example:49152")
	f.Add("GET", "http://HOSTPORT/callback?state=STATE&code=abc", "evil.example")
	f.Add("GET", "/Callback?state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "/callback/../callback?state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "//callback?state=STATE&code=abc", "HOSTPORT")
	f.Add("POST", "/callback?state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "/?state=STATE&code=abc", "HOSTPORT")
	f.Add("GET", "/callback?state=%53TATE&code=abc", "HOSTPORT")
	f.Add("GET", "*", "HOSTPORT")

	f.Fuzz(func(t *testing.T, method, target, host string) {
		fl := fuzzFlow(t, "https://issuer.example")
		target = strings.ReplaceAll(target, statePlaceholder, fl.state)
		host = strings.ReplaceAll(host, hostPlaceholder, fl.hostPort)
		raw := method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return // the server's parser would refuse it before any handler runs
		}
		rec := httptest.NewRecorder()
		fl.serveHTTP(rec, r)
		checkAnswer(t, rec)

		fl.mu.Lock()
		ended, res := fl.ended, fl.res
		fl.mu.Unlock()
		if !ended {
			if rec.Code == http.StatusOK {
				t.Fatalf("status 200 without ending the flow for %q", raw)
			}
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if r.Method != http.MethodGet || r.URL.Path != CallbackPath || !strings.EqualFold(r.Host, fl.hostPort) ||
			err != nil || len(q["state"]) != 1 || q.Get("state") != fl.state {
			t.Fatalf("flow ended by a request that is not this flow's callback: %q", raw)
		}
		if res.err == nil && (res.code == "" || res.code != q.Get("code") || rec.Code != http.StatusOK || rec.Body.String() != successPage) {
			t.Fatalf("flow ended with code %q, status %d for %q", res.code, rec.Code, raw)
		}
		if q.Has("iss") && q.Get("iss") != "https://issuer.example" && res.err != ErrIssuerMismatch {
			t.Fatalf("iss %q accepted, want ErrIssuerMismatch; got %v", q.Get("iss"), res.err)
		}
	})
}

// FuzzPage puts arbitrary values in every parameter of a callback that carries the right state:
// the page never echoes them, and the error text the app shows stays printable and short.
func FuzzPage(f *testing.F) {
	f.Add("", "access_denied", "<script>alert(1)</script>", "javascript:alert(1)", "")
	f.Add("abc", "", "", "", "https://issuer.example")
	f.Add("\"><img src=x onerror=alert(1)>", "", "", "", "")
	f.Add("", "server_error", "line\r\nSet-Cookie: x=1\x00\x1b[31m", "", "https://evil.example")
	f.Add("", "temporarily_unavailable", strings.Repeat("é", 1000), "", "")

	f.Fuzz(func(t *testing.T, code, errCode, description, uri, iss string) {
		fl := fuzzFlow(t, "https://issuer.example")
		q := url.Values{"state": {fl.state}}
		for k, v := range map[string]string{"code": code, "error": errCode, "error_description": description, "error_uri": uri, "iss": iss} {
			if v != "" {
				q.Set(k, v)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "http://"+fl.hostPort+CallbackPath+"?"+q.Encode(), nil)
		rec := httptest.NewRecorder()
		fl.serveHTTP(rec, r)
		checkAnswer(t, rec)
		if body, ct := rec.Body.String(), rec.Header().Get("Content-Type"); (body == successPage || body == failurePage) && ct != "text/html; charset=utf-8" {
			t.Fatalf("page Content-Type = %q, want text/html; charset=utf-8", ct)
		}

		fl.mu.Lock()
		err := fl.res.err
		fl.mu.Unlock()
		if err == nil {
			return
		}
		msg := err.Error()
		for _, r := range msg {
			if unicode.IsControl(r) {
				t.Fatalf("error text carries control character %U: %q", r, msg)
			}
		}
		if n := len([]rune(msg)); n > maxDescription+200 {
			t.Fatalf("error text is %d runes long", n)
		}
	})
}
