package tokens_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/keychaintest"
	"github.com/medialake/connect/internal/testkit"
)

func TestMain(m *testing.M) {
	// The cross-process tests run this binary again as the "other process".
	if mode := os.Getenv(childModeEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

// memKeychain is a vault in memory, for tests that need no second process.
func memKeychain() *vault.Vault {
	return vault.New("test", vault.Config{Backend: &keychaintest.Memory{}})
}

// realKeychain is the vault of a fresh workspace in the real Secret Service, and its id.
func realKeychain(t *testing.T) (*vault.Vault, string) {
	t.Helper()
	keychaintest.Require(t)
	ws := "test-" + rand.Text()[:12]
	return vault.New(ws, vault.Config{}), ws
}

// clock is a settable clock.
type clock = testkit.Clock

// sleeps records the waits asked for and returns at once.
type sleeps struct {
	mu  sync.Mutex
	got []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, d)
	return ctx.Err()
}

func (s *sleeps) Got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.got...)
}

const (
	clientID     = "app"
	clientSecret = "s3cret"
	integration  = "test"
)

// fixture is a workspace database with one user and one integration, an authorization
// server, and a Manager on a fake clock.
type fixture struct {
	srv    *authtest.Server
	db     *store.DB
	kc     tokens.Keychain
	cfg    *oauth2.Config
	clock  *clock
	sleeps *sleeps
	m      *tokens.Manager
	owner  int64
	n      int // sources connected so far
}

func newFixture(t *testing.T, kc tokens.Keychain, opts ...authtest.Option) *fixture {
	t.Helper()
	ctx := t.Context()
	srv := authtest.New(t, opts...)
	srv.AddClient(authtest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	auth, token, _, _, _ := srv.Endpoints()
	cfg := &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: auth, TokenURL: token, AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL:  "http://127.0.0.1:49152/callback",
		Scopes:       []string{"openid", "email"},
	}

	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "connect.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().Truncate(time.Second)
	if err := store.PutIntegration(ctx, db, store.Integration{ID: integration, Provider: "custom-oauth",
		Name: "Test", ClientID: clientID, Enabled: true, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	res, err := db.ExecContext(ctx, `INSERT INTO users (name, privilege, passphrase_hash, created_at)
		VALUES ('alice', 'write', '$argon2id$test', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := res.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}

	c := testkit.NewClock(now)
	s := &sleeps{}
	return &fixture{
		srv: srv, db: db, kc: kc, cfg: cfg, clock: c, sleeps: s, owner: owner,
		m: tokens.New(db, kc, tokens.Config{Now: c.Now, Sleep: s.Sleep}),
	}
}

// authorize runs the code flow at the server as the browser would, and returns the token.
func (f *fixture) authorize(t *testing.T) *oauth2.Token {
	t.Helper()
	v := oauth2.GenerateVerifier()
	loc, err := f.srv.Authorize(t.Context(), f.cfg.AuthCodeURL("state-0123456789abcdef", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	tok, err := f.cfg.Exchange(t.Context(), loc.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

// connect adds a source with a fresh grant, as the connect flow does, and returns its id.
func (f *fixture) connect(t *testing.T) int64 {
	t.Helper()
	ctx := t.Context()
	f.n++
	now := f.clock.Now()
	id, err := store.InsertSource(ctx, f.db, store.Source{IntegrationID: integration, OwnerID: f.owner,
		Account: "jane@example.com", AccountSubject: fmt.Sprint("subject-", f.n),
		CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	tok := f.authorize(t)
	if err := tokens.Save(ctx, f.kc, id, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RecordTokenWrite(ctx, f.db, id, tok.Expiry, now); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) source(t *testing.T, id int64) store.Source {
	t.Helper()
	src, err := store.SourceByID(t.Context(), f.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func (f *fixture) load(t *testing.T, id int64) *oauth2.Token {
	t.Helper()
	tok, err := tokens.Load(t.Context(), f.kc, id)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// refreshAt refreshes rt directly at the server, bypassing the manager.
func (f *fixture) refreshAt(ctx context.Context, rt string) (*oauth2.Token, error) {
	return f.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

// userinfo reports the status the server's userinfo endpoint answers for access.
func (f *fixture) userinfo(t *testing.T, access string) int {
	t.Helper()
	_, _, _, u, _ := f.srv.Endpoints()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// retrieveCode is the RFC 6749 error code of a failed token request.
func retrieveCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// reconnect writes tok for the source as a reconnect does: Manager.Write, with RecordWrite as
// the commit.
func reconnect(ctx context.Context, m *tokens.Manager, db *store.DB, id int64, tok *oauth2.Token) error {
	return m.Write(ctx, id, tok, func(ctx context.Context) error {
		return db.Tx(ctx, func(tx *sql.Tx) error { return tokens.RecordWrite(ctx, tx, id, tok, time.Now()) })
	})
}
