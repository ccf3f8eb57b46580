package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/internal/sandboxtest"
)

// serve runs a sandbox on a free port over a real SQLite file, with a fresh key.
func serve(t *testing.T) *Server {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "connect.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Serve(ln, Config{DB: db, WorkspaceID: "ws-test", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const verifier = "a-verifier-of-at-least-forty-three-characters-0123456789"

// authURL is the address of a sign-in the app started: its challenge recorded as core does.
func authURL(s *Server) string {
	sum := sha256.Sum256([]byte(verifier))
	_ = store.AddSandboxFlow(context.Background(), s.cfg.DB, base64.RawURLEncoding.EncodeToString(sum[:]), time.Now())
	q := url.Values{"client_id": {catalog.SandboxClientID}, "redirect_uri": {"http://127.0.0.1:40000/callback"},
		"response_type": {"code"}, "scope": {"openid email offline_access"}, "state": {"state-of-the-test-123"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	return s.Issuer() + catalog.SandboxAuthPath + "?" + q.Encode()
}

// openPage opens the sign-in page in a browser with cookies and returns the browser and the form.
func openPage(t *testing.T, s *Server) (*http.Client, sandboxtest.Form, http.Header) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL(s))
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	f, err := sandboxtest.ReadForm(resp)
	if err != nil {
		t.Fatal(err)
	}
	return c, f, h
}

func submit(t *testing.T, c *http.Client, s *Server, v url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(s.Issuer()+catalog.SandboxAuthPath, v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// The sign-in page is a form without script, with the callback page's security headers.
func TestSignInPageHeaders(t *testing.T) {
	s := serve(t)
	_, f, h := openPage(t, s)
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self' http://127.0.0.1:*"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v, want nosniff, no-store, no-referrer", h)
	}
	if !f.Hidden["csrf"] || f.Buttons["Allow"][1] != "allow" || f.Buttons["Deny"][1] != "deny" || !strings.Contains(f.Text, "offline_access") {
		t.Errorf("form %+v: want a CSRF token, Allow, Deny and the scopes asked for", f)
	}
}

// A form posted without the page's cookie, or with a token that is not the sandbox's, is
// refused; so is a request under another host name.
func TestSignInRefusesForgedForms(t *testing.T) {
	s := serve(t)
	c, f, _ := openPage(t, s)
	v, _ := f.Fill(map[string]string{"account": "eve@example.com"}, "Allow")

	bare := &http.Client{CheckRedirect: c.CheckRedirect}
	if resp := submit(t, bare, s, v); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form without the cookie: %s, want 403", resp.Status)
	}
	forged := url.Values{}
	for k, vs := range v {
		forged[k] = vs
	}
	ts, _, _ := strings.Cut(v.Get("csrf"), ".")
	forged.Set("csrf", ts+"."+strings.Repeat("0", 64))
	if resp := submit(t, c, s, forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form with a forged token: %s, want 403", resp.Status)
	}

	req, _ := http.NewRequest(http.MethodGet, authURL(s), nil)
	req.Host = "sandbox.example:80"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("another Host: %s, want 400", resp.Status)
	}
}

// Allow without an account shows the form again, saying what to type; Allow with one
// redirects with a code, the state and iss; Deny with access_denied. The code buys an ID
// token.
func TestSignInAllowAndDeny(t *testing.T) {
	s := serve(t)
	c, f, _ := openPage(t, s)
	v, _ := f.Fill(map[string]string{"account": "  "}, "Allow")
	resp := submit(t, c, s, v)
	again, err := sandboxtest.ReadForm(&http.Response{StatusCode: http.StatusOK, Header: resp.Header, Body: resp.Body})
	if resp.StatusCode != http.StatusBadRequest || err != nil || !strings.Contains(again.Text, "Type an account name") {
		t.Errorf("Allow without an account: %s, %v, %q; want 400 and the form saying what to type", resp.Status, err, again.Text)
	}

	v, _ = again.Fill(map[string]string{"account": "jane@example.com"}, "Allow")
	loc, err := submit(t, c, s, v).Location()
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "state-of-the-test-123" || loc.Query().Get("iss") != s.Issuer() {
		t.Fatalf("Allow: redirect %v (%v), want a code, the state and iss", loc, err)
	}
	tok, err := http.PostForm(s.Issuer()+catalog.SandboxTokenPath, url.Values{"grant_type": {"authorization_code"},
		"code": {loc.Query().Get("code")}, "code_verifier": {verifier}, "client_id": {catalog.SandboxClientID},
		"redirect_uri": {"http://127.0.0.1:40000/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(tok.Body).Decode(&body)
	if tok.StatusCode != http.StatusOK || body["id_token"] == nil || body["refresh_token"] == nil {
		t.Errorf("code exchange: %s %v, want an ID token and a refresh token", tok.Status, body)
	}

	c, f, _ = openPage(t, s)
	v, _ = f.Fill(map[string]string{"account": ""}, "Deny")
	loc, err = submit(t, c, s, v).Location()
	if err != nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
		t.Errorf("Deny: redirect %v (%v), want error=access_denied and no code", loc, err)
	}
}

// The sandbox answers only sign-ins the app started, once each: another program or another
// user of this computer cannot show its page or mint codes (each would be rows in the
// workspace's database), nor replay a form the app's sign-in used.
func TestSignInOnlyForFlowsTheAppStarted(t *testing.T) {
	s := serve(t)
	c, f, _ := openPage(t, s) // started: recorded as core records it
	v, _ := f.Fill(map[string]string{"account": "jane@example.com"}, "Allow")
	if loc, err := submit(t, c, s, v).Location(); err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("a started sign-in: %v (%v), want a code", loc, err)
	}
	if resp := submit(t, c, s, v); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the same form again: %s, want 403: one answer per sign-in", resp.Status)
	}
	other := strings.Replace(authURL(s), "code_challenge=", "code_challenge=x", 1) // started by nobody
	resp, err := c.Get(other)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("the page of a sign-in nobody started: %s, want 403", resp.Status)
	}
	var n int
	if err := s.cfg.DB.QueryRowContext(context.Background(), `SELECT count(*) FROM sandbox_grants WHERE kind = 'code'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d codes stored (%v), want the one of the started sign-in", n, err)
	}
	// A sign-in started more than an hour ago (left by a cancelled flow, say) is not answered.
	started := authURL(s)
	if _, err := s.cfg.DB.ExecContext(context.Background(), `UPDATE sandbox_flows SET created_at = created_at - ?`,
		(2 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.Get(started); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("the page of a sign-in started 2 hours ago: %v (%v), want 403", resp.Status, err)
	}
}

// The sign-in page opened again in the same browser (another sign-in in another tab, or a
// page loaded in the background) leaves the first page's form good: the CSRF cookie is kept,
// not replaced. A cookie that is not one of the sandbox's values is replaced.
func TestSignInPageKeepsTheCookie(t *testing.T) {
	s := serve(t)
	c, first, _ := openPage(t, s)
	resp, err := c.Get(authURL(s))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	v, _ := first.Fill(map[string]string{"account": "jane@example.com"}, "Allow")
	if loc, err := submit(t, c, s, v).Location(); err != nil || loc.Query().Get("code") == "" {
		t.Errorf("the first page's Allow after the page opened again: %v (%v), want a code", loc, err)
	}

	u, _ := url.Parse(s.Issuer() + catalog.SandboxAuthPath)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: csrfCookie, Value: "not-ours", Path: "/authorize"}})
	resp, err = c.Get(authURL(s))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := c.Jar.Cookies(u); len(got) != 1 || got[0].Value == "not-ours" {
		t.Errorf("cookie after a page with a foreign value: %v, want a new value of the sandbox's", got)
	}
}
