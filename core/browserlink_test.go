package core

import (
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The browser is given a page only this user can read, never the sign-in address: a
// process's arguments are readable by every user of the computer.
func TestPrivateLinkKeepsTheAddressOutOfArguments(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	address := "https://idp.example/authorize?client_id=c&state=S3cr3tState&code_challenge=CHAL&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback"
	link, err := PrivateLink(address)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(link, "S3cr3tState") || strings.Contains(link, "CHAL") || !strings.HasPrefix(link, "file:///") {
		t.Fatalf("link %q: want a file:// page that does not carry the state or the challenge", link)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `url=`+html.EscapeString(address)+`"`) {
		t.Errorf("the page does not send the browser on to the address:\n%s", page)
	}
	for path, want := range map[string]os.FileMode{u.Path: 0o600, filepath.Dir(u.Path): 0o700} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, st.Mode().Perm(), err, want)
		}
	}
}
