package loopback

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// checkLeaks verifies, after every other cleanup of t has run, that t left no goroutine behind.
func checkLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

// noKeepAlive is a client whose connections close after each request, so no idle connection
// goroutine outlives a test.
func noKeepAlive(t testing.TB) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// tokenServer is a token endpoint that records each request and answers with a fixed token or
// with the queued failure.
type tokenServer struct {
	*httptest.Server

	mu       sync.Mutex
	forms    []url.Values
	status   int
	response string
}

func newTokenServer(t testing.TB) *tokenServer {
	ts := &tokenServer{status: http.StatusOK, response: `{"access_token":"at-1","token_type":"Bearer","refresh_token":"rt-1","expires_in":3600}`}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		ts.mu.Lock()
		ts.forms = append(ts.forms, r.PostForm)
		status, response := ts.status, ts.response
		ts.mu.Unlock()
		if strings.HasPrefix(response, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, response)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) answer(status int, body string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.status, ts.response = status, body
}

func (ts *tokenServer) requests() []url.Values {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]url.Values(nil), ts.forms...)
}

// testConfig is a flow against ts's token endpoint; the authorization endpoint is never called.
func testConfig(t testing.TB, ts *tokenServer) Config {
	return Config{
		OAuth2: &oauth2.Config{
			ClientID: "client-1",
			Scopes:   []string{"files.read"},
			Endpoint: oauth2.Endpoint{
				AuthURL:   "https://auth.example/authorize",
				TokenURL:  ts.URL + "/token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		HTTPClient: noKeepAlive(t),
	}
}

func start(t *testing.T, cfg Config) *Flow {
	t.Helper()
	f, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// authParam returns one parameter of the flow's authorization URL.
func authParam(t *testing.T, f *Flow, name string) string {
	t.Helper()
	u, err := url.Parse(f.AuthURL())
	if err != nil {
		t.Fatalf("parse AuthURL: %v", err)
	}
	return u.Query().Get(name)
}

// hostPort is the flow's listener address as the redirect URI names it.
func hostPort(t *testing.T, f *Flow) string {
	t.Helper()
	u, err := url.Parse(f.RedirectURL())
	if err != nil {
		t.Fatalf("parse RedirectURL: %v", err)
	}
	return u.Host
}

// browse plays the browser: a GET of path?query at the flow's listener with the given Host
// header ("" keeps the redirect URI's).
func browse(t *testing.T, f *Flow, method, host, path string, q url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+hostPort(t, f)+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := noKeepAlive(t).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

// callback sends a callback with the right Host and path.
func callback(t *testing.T, f *Flow, q url.Values) (*http.Response, string) {
	t.Helper()
	return browse(t, f, http.MethodGet, "", CallbackPath, q)
}

// valid is the provider's answer carrying the flow's state and a code.
func valid(t *testing.T, f *Flow) url.Values {
	return url.Values{"state": {authParam(t, f, "state")}, "code": {"code-1"}}
}

func with(q url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// assertClosed fails unless nothing listens on the flow's port any more.
func assertClosed(t *testing.T, f *Flow) {
	t.Helper()
	c, err := net.DialTimeout("tcp", hostPort(t, f), 5*time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("dial %s after the flow ended: connected, want refused", hostPort(t, f))
	}
}

func wait(t *testing.T, f *Flow) (*oauth2.Token, error) {
	t.Helper()
	return f.Wait(context.Background())
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func isProviderError(err error, code string) bool {
	var pe *ProviderError
	return errors.As(err, &pe) && pe.Code == code
}
