package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Without Chromium the browser tests skip, saying why.
func TestSkipsWithoutChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("MEDIALAKE_REQUIRE_CHROMIUM", "")
	skipped := false
	t.Run("browser", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		New(t)
	})
	if !skipped {
		t.Error("New without Chromium on PATH did not skip the test")
	}
}

// The check finds what makes a page hard to read, each in the theme where it happens, and
// nothing on a page that is fine.
func TestUnreadable(t *testing.T) {
	pages := map[string]string{
		"/fine": `<style>:root{color-scheme:light dark}</style><p>Fine in both themes.</p>`,
		"/bad": `<style>:root{color-scheme:light dark}p{color:#222}.small{font-size:9px}</style>` +
			`<p>Dark text.</p><p class="small">Small.</p><div style="width:600px">Wide.</div>` +
			`<img src="https://images.example/logo.png">`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><meta charset="utf-8"></head><body>`+pages[r.URL.Path]+`</body></html>`)
	}))
	t.Cleanup(srv.Close)
	b := New(t)

	tab := b.Tab(t)
	tab.Go(srv.URL + "/fine")
	tab.Text("Fine")
	if p := tab.Unreadable(); len(p) > 0 || len(tab.Outside()) > 0 {
		t.Errorf("a fine page: %q, requests outside %v; want nothing", p, tab.Outside())
	}

	tab = b.Tab(t)
	tab.Go(srv.URL + "/bad")
	tab.Text("Wide")
	got := strings.Join(tab.Unreadable(), "\n")
	for _, want := range []string{"light theme: the page is 6", "dark theme: p text: contrast 1.", "light theme: p.small: text of 9px"} {
		if !strings.Contains(got, want) {
			t.Errorf("the bad page's problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "light theme: p text: contrast") {
		t.Errorf("dark text on the light theme reported as hard to read:\n%s", got)
	}
	if out := tab.Outside(); len(out) != 1 || !strings.Contains(out[0], "images.example") {
		t.Errorf("requests outside: %v, want the image's", out)
	}
}
