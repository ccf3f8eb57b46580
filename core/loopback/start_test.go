package loopback

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
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

// On Linux the start address answers this user's connections only: another user who read it
// from the browser's arguments gets nothing. The test needs root, to connect as another user.
func TestStartAddressRefusesOtherUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("connecting as another user needs root")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl to connect with")
	}
	ts := newTokenServer(t)
	f := start(t, testConfig(t, ts))
	cmd := exec.Command(curl, "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f.StartURL())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl as uid 65534: %v", err)
	}
	if got := string(out); !strings.HasPrefix(got, "403") || strings.Contains(got, "authorize") {
		t.Errorf("another user's visit: %q, want 403 and no address", got)
	}
	// The key is not used up by the refusal: this user's browser still gets on.
	c := noKeepAlive(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.StartURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("this user's visit after another's: %s, want 303", resp.Status)
	}
}
