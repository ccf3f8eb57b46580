package egress

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// elsewhere is a server that counts the requests it receives: the host a hostile endpoint
// redirects to.
func elsewhere(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// redirecting answers every request with status and a Location to target.
func redirecting(t *testing.T, status int, target string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A redirect is never followed, whatever its status and method, with the client's own
// transport and with a test's: the other host receives nothing, and the error names the
// endpoint asked and the host the answer pointed to.
func TestRedirectNotFollowed(t *testing.T) {
	other, hits := elsewhere(t)
	otherHost := strings.TrimPrefix(other.URL, "http://")
	for _, tc := range []struct {
		name   string
		status int
		method string
		client *http.Client
	}{
		{"token endpoint 307", http.StatusTemporaryRedirect, http.MethodPost, New(Config{})},
		{"token endpoint 308", http.StatusPermanentRedirect, http.MethodPost, New(Config{})},
		{"discovery 302", http.StatusFound, http.MethodGet, New(Config{})},
		{"who-am-I 301, test transport", http.StatusMovedPermanently, http.MethodGet,
			New(Config{Transport: &http.Transport{DisableKeepAlives: true}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			front := redirecting(t, tc.status, other.URL+"/steal?x=1")
			body := strings.NewReader(url.Values{"client_secret": {"s3cret"}, "code": {"c0de"}}.Encode())
			req, err := http.NewRequestWithContext(context.Background(), tc.method, front.URL+"/token?q=secret", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer t0ken")
			resp, err := tc.client.Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			if !errors.Is(err, ErrRedirect) {
				t.Fatalf("Do = %v, want ErrRedirect", err)
			}
			msg := err.Error()
			if want := front.URL + "/token redirected to " + otherHost; !strings.Contains(msg, want) {
				t.Errorf("error %q does not say %q", msg, want)
			}
			if strings.Contains(msg, "q=secret") {
				t.Errorf("error %q carries the request's query", msg)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the other host received %d requests, want 0", n)
			}
		})
	}
}

// serving answers every request with body; chunked leaves out the Content-Length.
func serving(t *testing.T, body string, chunked bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if chunked {
			w.Header().Set("Transfer-Encoding", "chunked")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// An answer larger than the limit fails with ErrTooLarge, whether or not its size is
// announced; an answer of exactly the limit is read whole.
func TestResponseSizeLimit(t *testing.T) {
	const limit = 1000
	client := New(Config{MaxBody: limit})
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		wantErr bool
	}{
		{"announced, too large", limit + 1, false, true},
		{"chunked, too large", 3 * limit, true, true},
		{"announced, exactly the limit", limit, false, false},
		{"chunked, exactly the limit", limit, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where := serving(t, strings.Repeat("x", tc.size), tc.chunked)
			got, err := get(client, context.Background(), where)
			if !tc.wantErr {
				if err != nil || len(got) != tc.size {
					t.Fatalf("read %d bytes, %v; want %d, nil", len(got), err, tc.size)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("read %d bytes, %v; want ErrTooLarge", len(got), err)
			}
			if want := "answer of " + where + " is larger than 1000 bytes"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		})
	}
}

// The default limit refuses an answer one byte larger.
func TestDefaultSizeLimit(t *testing.T) {
	where := serving(t, strings.Repeat("x", MaxBody+1), true)
	if _, err := get(New(Config{}), context.Background(), where); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("read %d+1 bytes: %v, want ErrTooLarge", MaxBody, err)
	}
}

func get(c *http.Client, ctx context.Context, where string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// A server that accepts the request and never answers is left when the caller's context
// ends, long before the client's own timeouts.
func TestContextCancelHonoured(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := get(New(Config{}), ctx, srv.URL)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
}

// Only a Bearer token, in any case, or one without a type, is accepted.
func TestCheckBearer(t *testing.T) {
	for _, tc := range []struct {
		typ string
		ok  bool
	}{
		{"Bearer", true}, {"bearer", true}, {"BEARER", true}, {"", true},
		{"mac", false}, {"DPoP", false}, {"N_A", false}, {"Bearer ", false},
	} {
		err := CheckBearer(&oauth2.Token{AccessToken: "a", TokenType: tc.typ})
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrNotBearer)) {
			t.Errorf("CheckBearer(token_type %q) = %v, want ok %v", tc.typ, err, tc.ok)
		}
	}
}

// A server that accepts the request and never answers ends in a timeout error, even for a
// caller whose context has no deadline.
func TestSilentServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	_, err := get(New(Config{Timeout: 50 * time.Millisecond}), context.Background(), srv.URL)
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Fatalf("Do = %v, want a timeout", err)
	}
}

// The zero Config is the client for providers: a field left zero keeps its limit, so that a
// caller setting only Transport (every test) still gets the timeout and the size bound.
func TestZeroConfigFieldsKeepTheLimits(t *testing.T) {
	rt := &http.Transport{}
	for name, cfg := range map[string]Config{"zero": {}, "transport only": {Transport: rt}} {
		c := New(cfg)
		l, ok := c.Transport.(limited)
		if c.Timeout != RequestTimeout || !ok || l.max != MaxBody || c.CheckRedirect == nil {
			t.Errorf("%s: timeout %v, transport %T, want %v, a limited transport of %d bytes and redirects refused",
				name, c.Timeout, c.Transport, RequestTimeout, MaxBody)
		}
	}
	if l := New(Config{}).Transport.(limited); l.next == nil {
		t.Error("zero Config: no transport under the size limit, want the bounded one")
	} else if tr, ok := l.next.(*http.Transport); !ok || tr.ResponseHeaderTimeout != ResponseHeaderTimeout {
		t.Errorf("zero Config: transport %T, want the bounded *http.Transport", l.next)
	}
}
