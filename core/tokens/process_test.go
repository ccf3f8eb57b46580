package tokens_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/childproc"
)

// The environment of a child process: what it does, and where the workspace is.
const (
	childModeEnv      = "MEDIALAKE_TOKENS_TEST_CHILD"
	childDBEnv        = "MEDIALAKE_TOKENS_TEST_DB"
	childWorkspaceEnv = "MEDIALAKE_TOKENS_TEST_WORKSPACE"
	childSourceEnv    = "MEDIALAKE_TOKENS_TEST_SOURCE"
	childTokenURLEnv  = "MEDIALAKE_TOKENS_TEST_TOKEN_URL"
)

// Child modes.
const (
	// childToken prints "ready", waits for a line on stdin, asks for the source's token and
	// prints "token <fingerprint>".
	childToken = "token"
	// childRefreshLoop refreshes the source until it is killed, printing "saved" after each
	// keychain write of a refreshed token.
	childRefreshLoop = "refresh-loop"
)

// runChild is the main function of the child process; it reports on stdout, one line each.
func runChild(mode string) int {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(childDBEnv))
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	id, err := strconv.ParseInt(os.Getenv(childSourceEnv), 10, 64)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	cfg := &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: os.Getenv(childTokenURLEnv), AuthStyle: oauth2.AuthStyleInHeader}}
	kc := vault.New(os.Getenv(childWorkspaceEnv), vault.Config{})

	switch mode {
	case childToken:
		m := tokens.New(db, kc, tokens.Config{})
		fmt.Println("ready")
		if err := childproc.WaitForGoAhead(); err != nil {
			fmt.Println("error", err)
			return 1
		}
		tok, err := m.Token(ctx, id, cfg)
		if err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Println("token", fingerprint(tok.AccessToken))
	case childRefreshLoop:
		m := tokens.New(db, reporting{kc}, tokens.Config{})
		for {
			if _, err := m.Refresh(ctx, id, cfg); err != nil {
				fmt.Println("error", err)
				return 1
			}
		}
	default:
		fmt.Println("error: unknown mode", mode)
		return 2
	}
	return 0
}

// reporting is a keychain that prints "saved" after every write that succeeded.
type reporting struct{ tokens.Keychain }

func (r reporting) Set(ctx context.Context, key string, s redact.Secret) error {
	err := r.Keychain.Set(ctx, key, s)
	if err == nil {
		fmt.Println("saved")
	}
	return err
}

// fingerprint identifies a token without showing it.
func fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:8])
}

// startChild runs this test binary again in mode, on f's database and the keychain of
// workspace ws, for source id, refreshing at tokenURL.
func startChild(t *testing.T, f *fixture, ws string, id int64, mode, tokenURL string) *childproc.Child {
	t.Helper()
	return childproc.Start(t,
		childModeEnv+"="+mode,
		childDBEnv+"="+f.db.Path(),
		childWorkspaceEnv+"="+ws,
		childSourceEnv+"="+strconv.FormatInt(id, 10),
		childTokenURLEnv+"="+tokenURL,
	)
}

// relay forwards requests to the authorization server. It finishes every request it took,
// even when the client was killed meanwhile, and Close waits for them: after Close the test
// knows every answer the server gave to a killed child.
type relay struct {
	*httptest.Server
	target string

	mu       sync.Mutex
	answered int // answers with status 200
}

func newRelay(t *testing.T, target string) *relay {
	r := &relay{target: target}
	r.Server = httptest.NewServer(r)
	t.Cleanup(r.Close)
	return r
}

func (r *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return
	}
	out, err := http.NewRequestWithContext(context.WithoutCancel(req.Context()), req.Method, r.target+req.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out.Header = req.Header.Clone()
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		r.mu.Lock()
		r.answered++
		r.mu.Unlock()
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

func (r *relay) Answered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answered
}

// TestConcurrentRefreshOnce asks for an expired token from 16 goroutines, and from a second
// process, at the same moment: exactly one refresh reaches the server and everyone gets the
// same, valid access token.
func TestConcurrentRefreshOnce(t *testing.T) {
	for _, tt := range []struct {
		name  string
		child bool
	}{
		{"16 goroutines", false},
		{"16 goroutines and a second process", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			var kc tokens.Keychain = memKeychain()
			var ws string
			if tt.child {
				kc, ws = realKeychain(t)
			}
			f := newFixture(t, kc)
			id := f.connect(t)
			expired := f.load(t, id)
			expired.Expiry = time.Now().Add(-time.Hour)
			if err := tokens.Save(ctx, kc, id, expired); err != nil {
				t.Fatal(err)
			}
			m := tokens.New(f.db, kc, tokens.Config{}) // the real clock, as the child's
			before := f.srv.TokenRequests()

			var c *childproc.Child
			if tt.child {
				c = startChild(t, f, ws, id, childToken, f.cfg.Endpoint.TokenURL)
				c.Expect("ready")
			}
			start := make(chan struct{})
			got := make([]string, 16)
			var wg sync.WaitGroup
			for i := range got {
				wg.Go(func() {
					<-start
					tok, err := m.Token(ctx, id, f.cfg)
					if err != nil {
						t.Errorf("goroutine %d: %v", i, err)
						return
					}
					got[i] = tok.AccessToken
				})
			}
			close(start)
			if c != nil {
				c.GoAhead()
			}
			wg.Wait()
			if t.Failed() {
				return
			}

			want := got[0]
			for i, tok := range got {
				if tok != want {
					t.Errorf("goroutine %d got access token %s, goroutine 0 got %s", i, fingerprint(tok), fingerprint(want))
				}
			}
			if c != nil {
				if line, wantLine := c.Next(), "token "+fingerprint(want); line != wantLine {
					t.Errorf("child: %q, want %q", line, wantLine)
				}
				if _, err := c.End(); err != nil {
					t.Errorf("child: %v; stderr:\n%s", err, c.Stderr())
				}
			}
			if n := f.srv.TokenRequests() - before; n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
			if want == expired.AccessToken {
				t.Errorf("got the expired access token")
			}
			if status := f.userinfo(t, want); status != http.StatusOK {
				t.Errorf("userinfo with the access token everyone got: status %d, want 200", status)
			}
		})
	}
}

// TestKillDuringRefresh kills a process that refreshes in a loop at random moments. After each
// kill the next refresh works, or, where the kill fell between the server's answer and the
// keychain write, the source needs reconnecting; it never fails in another way.
func TestKillDuringRefresh(t *testing.T) {
	const kills = 100
	kc, ws := realKeychain(t)
	f := newFixture(t, kc)
	id := f.connect(t)
	m := tokens.New(f.db, kc, tokens.Config{})
	ctx := t.Context()

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MEDIALAKE_KILL_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("MEDIALAKE_KILL_SEED: %v", err)
		}
	}
	t.Logf("seed %d (set MEDIALAKE_KILL_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	lost, unsaved := 0, 0
	for i := range kills {
		r := newRelay(t, f.srv.URL())
		c := startChild(t, f, ws, id, childRefreshLoop, r.URL+authtest.TokenPath)
		c.Expect("saved")
		t0 := time.Now()
		c.Expect("saved")
		cycle := time.Since(t0)
		// Not a wait for anything: this picks the moment of the kill, anywhere in a cycle.
		time.Sleep(time.Duration(rng.Int64N(int64(cycle) + 1)))
		saves := 2
		for _, line := range c.Kill() {
			switch {
			case line == "saved":
				saves++
			default:
				t.Fatalf("kill %d: child said %q; stderr:\n%s", i+1, line, c.Stderr())
			}
		}
		r.Close() // waits for the server's answer to the killed child's last request
		answered := r.Answered()
		if answered-saves > 1 || answered < saves {
			t.Fatalf("kill %d: server answered %d refreshes, child saved %d: a refresh was lost without a kill", i+1, answered, saves)
		}
		if answered > saves {
			unsaved++
		}

		_, err := m.Refresh(ctx, id, f.cfg)
		switch {
		case err == nil:
			if src := f.source(t, id); src.Status != store.StatusConnected {
				t.Fatalf("kill %d: refresh worked but status = %s, want connected", i+1, src.Status)
			}
		case errors.Is(err, tokens.ErrNeedsReconnect):
			lost++
			if answered == saves {
				t.Fatalf("kill %d: %v, yet every answer of the server was saved", i+1, err)
			}
			if src := f.source(t, id); src.Status != store.StatusNeedsReconnect {
				t.Fatalf("kill %d: status = %s, want needs_reconnect", i+1, src.Status)
			}
			if err := reconnect(ctx, m, f.db, id, f.authorize(t)); err != nil {
				t.Fatalf("kill %d: reconnect: %v", i+1, err)
			}
		default:
			t.Fatalf("kill %d: refresh after the kill: %v", i+1, err)
		}
	}
	t.Logf("%d of %d kills lost the token; %d fell after the server's answer and before the child "+
		"reported its keychain write", lost, kills, unsaved)
}
