package testkit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/internal/authtest"
	"golang.org/x/oauth2"
)

func TestClockMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	c := NewClock(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("after Advance: Now = %v, want %v", got, want)
	}
}

// The browser reaches the app's callback with the server's code, tells what the page
// answered, sends the callback's address on Seen, and OpenURL fails only where no page was.
func TestBrowserReachesTheCallback(t *testing.T) {
	srv := authtest.New(t)
	calls := make(chan string, 2)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls <- r.URL.Path + " code=" + r.URL.Query().Get("code")
		http.Error(w, "refused", http.StatusBadRequest)
	}))
	t.Cleanup(app.Close)
	srv.AddClient(authtest.Client{ID: "kit", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	auth, _, _, _, _ := srv.Endpoints()
	cfg := &oauth2.Config{ClientID: "kit", Endpoint: oauth2.Endpoint{AuthURL: auth},
		RedirectURL: app.URL + "/callback", Scopes: []string{"openid"}}
	authURL := cfg.AuthCodeURL("state-0123456789abcdef", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))

	seen := make(chan string, 1)
	b := NewBrowser(t, srv)
	b.Seen = seen
	code, err := b.Visit(authURL)
	if err != nil || code != http.StatusBadRequest {
		t.Fatalf("Visit = %d, %v; want the page's 400", code, err)
	}
	if call := <-calls; !strings.HasPrefix(call, "/callback code=") || call == "/callback code=" {
		t.Errorf("the app saw %q, want its callback with a code", call)
	}
	if cb := <-seen; !strings.HasPrefix(cb, app.URL+"/callback?") {
		t.Errorf("Seen got %q, want the callback address", cb)
	}
	b.Seen = nil
	if err := b.OpenURL(authURL); err != nil {
		t.Errorf("OpenURL on a failure page = %v, want nil: the browser shows it", err)
	}
	app.Close()
	if err := b.OpenURL(authURL); err == nil {
		t.Error("OpenURL with the app gone = nil, want the failed visit")
	}
}
