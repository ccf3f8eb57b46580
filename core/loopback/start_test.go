package loopback

import (
	"net/http"
	"strings"
	"testing"
)

// The browser is given the start address, which carries neither the state nor the PKCE
// challenge (other users can read a process's arguments) and sends it on to the sign-in
// address once; a second visit, or a wrong key, gets no address.
func TestStartAddressSendsOnOnce(t *testing.T) {
	checkLeaks(t)
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	start := f.StartURL()
	if strings.Contains(start, authParam(t, f, "state")) || strings.Contains(start, authParam(t, f, "code_challenge")) {
		t.Fatalf("start address %q carries the state or the challenge", start)
	}
	c := noKeepAlive(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(u string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp, resp.Header.Get("Location")
	}
	if resp, loc := get(start + "x"); resp.StatusCode != http.StatusBadRequest || loc != "" {
		t.Errorf("a wrong key: %s, Location %q; want 400 and no address", resp.Status, loc)
	}
	if resp, loc := get(start); resp.StatusCode != http.StatusSeeOther || loc != f.AuthURL() {
		t.Errorf("the start address: %s, Location %q; want 303 to the sign-in address", resp.Status, loc)
	}
	if resp, loc := get(start); resp.StatusCode != http.StatusGone || loc != "" {
		t.Errorf("a second visit: %s, Location %q; want 410 and no address", resp.Status, loc)
	}
}
