package tokens

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/filelock"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// ExpiryMargin is how long before its expiry an access token counts as expired, so that a
// token handed out still works for the request it is meant for.
const ExpiryMargin = time.Minute

// Manager hands out the tokens of the workspace's sources and keeps them alive. It is safe
// for concurrent use, and several processes may each run one on the same workspace.
type Manager struct {
	db       *store.DB
	keychain Keychain
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	client   *http.Client
	log      *slog.Logger
	locks    *filelock.Dir // the per-source lock files
}

// Config changes the Manager New returns. The zero Config is the one the app runs with; a
// zero field keeps its default, so that a test sets only what it replaces.
type Config struct {
	// Now reads the time; nil means time.Now.
	Now func() time.Time
	// Sleep waits between retries, returning early with ctx's error when ctx ends; nil means
	// a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// HTTPClient calls providers; nil means egress.New(egress.Config{}). Its Timeout must be
	// set: a refresh, once sent, is not cancelled with the caller's ctx.
	HTTPClient *http.Client
	// Logger receives refresh outcomes (never a token); nil means they are not logged.
	Logger *slog.Logger
	// LockDir holds the per-source lock files; "" means the "locks" folder beside the
	// database. Every process using the workspace must use the same folder.
	LockDir string
}

// New returns a manager of the sources in db whose tokens are in kc.
func New(db *store.DB, kc Keychain, cfg Config) *Manager {
	m := &Manager{
		db:       db,
		keychain: kc,
		now:      cfg.Now,
		sleep:    cfg.Sleep,
		client:   cfg.HTTPClient,
		log:      cfg.Logger,
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.sleep == nil {
		m.sleep = sleep
	}
	if m.client == nil {
		m.client = egress.New(egress.Config{})
	}
	if m.log == nil {
		m.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dir := cfg.LockDir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(db.Path()), "locks")
	}
	m.locks = filelock.New(dir)
	return m
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Token returns a valid access token of the source: the keychain's while it is valid for
// ExpiryMargin more, else a refreshed one, saved before it is returned. cfg is the source's
// integration's OAuth configuration; set its Endpoint.AuthStyle, or x/oauth2 may send every
// failing refresh twice.
func (m *Manager) Token(ctx context.Context, sourceID int64, cfg *oauth2.Config) (*oauth2.Token, error) {
	return m.token(ctx, sourceID, cfg, false)
}

// Refresh refreshes the source's token now, even if it is still valid ("Refresh now", and
// keep-alive), and returns it. If another process refreshed it while Refresh waited for the
// source's lock, that token is returned instead of refreshing twice.
func (m *Manager) Refresh(ctx context.Context, sourceID int64, cfg *oauth2.Config) (*oauth2.Token, error) {
	return m.token(ctx, sourceID, cfg, true)
}

// TokenSource returns a token source for HTTP clients (oauth2.NewClient) that gets its tokens
// from Token with ctx, and keeps the current one in memory until it expires.
func (m *Manager) TokenSource(ctx context.Context, sourceID int64, cfg *oauth2.Config) oauth2.TokenSource {
	return oauth2.ReuseTokenSource(nil, tokenSource{ctx: ctx, m: m, id: sourceID, cfg: cfg})
}

type tokenSource struct {
	ctx context.Context
	m   *Manager
	id  int64
	cfg *oauth2.Config
}

func (s tokenSource) Token() (*oauth2.Token, error) { return s.m.Token(s.ctx, s.id, s.cfg) }

// Write is the one way a sign-in's token reaches the keychain, for a new source (connect) and
// an existing one (reconnect) alike. Under the source's lock, so that no refresh interleaves,
// the token goes to the keychain first and outside any database transaction: a keychain call
// may wait on an unlock prompt, and SQLite's write lock held meanwhile would stop every other
// writer of the workspace. Then commit writes the row in one transaction: a new source's row,
// or RecordWrite and whatever the caller records with it. If commit fails, the keychain keeps
// the token and the caller decides: a new source drops it with its reservation (a row never
// looks connected without its token), a reconnected source keeps it, the keychain being the
// truth about a token.
func (m *Manager) Write(ctx context.Context, sourceID int64, tok *oauth2.Token, commit func(context.Context) error) error {
	unlock, err := m.lock(ctx, sourceID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := Save(ctx, m.keychain, sourceID, tok); err != nil {
		return err
	}
	return commit(ctx)
}

// RecordWrite notes in the row of an existing source that its token was just written to the
// keychain (token version, expiry, last refresh) and marks it connected, as of at. A refresh
// and a reconnect record their writes through it, inside their own transaction.
func RecordWrite(ctx context.Context, q store.Querier, sourceID int64, tok *oauth2.Token, at time.Time) error {
	if _, err := store.RecordTokenWrite(ctx, q, sourceID, tok.Expiry, at); err != nil {
		return err
	}
	return store.UpdateSourceStatus(ctx, q, sourceID, store.StatusConnected, "", at)
}

// valid reports whether tok can be used for ExpiryMargin more; a token without expiry is
// valid until the provider refuses it.
func (m *Manager) valid(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	return tok.Expiry.IsZero() || tok.Expiry.After(m.now().Add(ExpiryMargin))
}

// Current returns the source's token from the keychain while it is valid for ExpiryMargin
// more, without calling anyone; ok is false when it must be refreshed first (Token does
// that). A source that needs reconnecting or waits for its revocation is refused as Token
// refuses it. Callers use it to skip preparing a refresh (a keychain read of the client
// secret, perhaps a network call) that is not needed.
func (m *Manager) Current(ctx context.Context, sourceID int64) (tok *oauth2.Token, ok bool, err error) {
	src, err := store.SourceByID(ctx, m.db, sourceID)
	if err != nil {
		return nil, false, fmt.Errorf("token of source %d: %w", sourceID, err)
	}
	if err := usable(src); err != nil {
		return nil, false, err
	}
	tok, err = Load(ctx, m.keychain, sourceID)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return nil, false, nil // Token says why under the source's lock
	case err != nil:
		return nil, false, err
	}
	return tok, m.valid(tok), nil
}

func (m *Manager) token(ctx context.Context, id int64, cfg *oauth2.Config, force bool) (*oauth2.Token, error) {
	// before is the row as it was before waiting for the lock: a forced refresh that finds
	// a newer token version under the lock takes that token rather than refresh again.
	var before store.Source
	if force {
		var err error
		if before, err = store.SourceByID(ctx, m.db, id); err != nil {
			return nil, fmt.Errorf("token of source %d: %w", id, err)
		}
		if err := usable(before); err != nil {
			return nil, err
		}
	} else if tok, ok, err := m.Current(ctx, id); err != nil || ok {
		return tok, err
	}

	unlock, err := m.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Whoever held the lock before may have refreshed, or found the grant dead.
	src, err := store.SourceByID(ctx, m.db, id)
	if err != nil {
		return nil, fmt.Errorf("token of source %d: %w", id, err)
	}
	if err := usable(src); err != nil {
		return nil, err
	}
	tok, err := Load(ctx, m.keychain, id)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, m.fail(ctx, id, store.StatusNeedsReconnect,
			"the keychain on this computer holds no token for this source", ErrNeedsReconnect, err)
	}
	if err != nil {
		return nil, err
	}
	if m.valid(tok) && (!force || src.TokenVersion != before.TokenVersion) {
		return tok, nil
	}
	return m.refresh(ctx, id, cfg, tok)
}

// usable refuses a source whose token must not be used or cannot be refreshed.
func usable(src store.Source) error {
	switch src.Status {
	case store.StatusNeedsReconnect:
		return fmt.Errorf("source %d: %w: %s", src.ID, ErrNeedsReconnect, src.StatusDetail)
	case store.StatusRevocationPending:
		return fmt.Errorf("source %d: %w", src.ID, ErrRevocationPending)
	}
	return nil
}

// refresh gets a new token for old from the provider and saves it. The caller holds the
// source's lock.
func (m *Manager) refresh(ctx context.Context, id int64, cfg *oauth2.Config, old *oauth2.Token) (*oauth2.Token, error) {
	if old.RefreshToken == "" {
		return nil, m.fail(ctx, id, store.StatusNeedsReconnect,
			"the provider gave no refresh token; reconnect to get one", ErrNeedsReconnect, nil)
	}
	var tok *oauth2.Token
	err := m.retry(ctx, func() error {
		// Once sent, a refresh runs to its end even if the caller gives up: the provider
		// may already have retired the old refresh token, and the answer must be saved.
		// The client's own timeout bounds it (egress.RequestTimeout).
		rctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, m.client)
		var err error
		tok, err = cfg.TokenSource(rctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
		if err == nil {
			err = egress.CheckBearer(tok)
		}
		return hideBody(err)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("refresh source %d: %w", id, err)
		}
		status, detail, sentinel := classify(err, cfg.Endpoint.TokenURL)
		return nil, m.fail(ctx, id, status, detail, sentinel, err)
	}
	// x/oauth2 keeps the old refresh token when the answer has none; so do we, whatever
	// refreshed it. The same for the scope, which most refresh answers leave out.
	if tok.RefreshToken == "" {
		tok.RefreshToken = old.RefreshToken
	}
	if scope(tok) == "" && scope(old) != "" {
		tok = tok.WithExtra(map[string]any{"scope": scope(old)})
	}
	if err := m.save(context.WithoutCancel(ctx), id, tok); err != nil {
		return nil, err
	}
	m.log.Info("token refreshed", "source", id)
	return tok, nil
}

// save writes tok to the keychain, then records the write in the source's row and marks it
// connected. The caller holds the source's lock.
func (m *Manager) save(ctx context.Context, id int64, tok *oauth2.Token) error {
	if err := Save(ctx, m.keychain, id, tok); err != nil {
		// With a rotating provider the new refresh token is lost, and the next refresh will
		// say so with invalid_grant. The status tells the owner why until then.
		m.log.Error("refreshed token not saved", "source", id, "err", err)
		_ = store.UpdateSourceStatus(ctx, m.db, id, store.StatusError,
			"the keychain did not take the renewed token: "+err.Error(), m.now())
		return err
	}
	now := m.now()
	err := m.db.Tx(ctx, func(tx *sql.Tx) error { return RecordWrite(ctx, tx, id, tok, now) })
	if err != nil {
		// The keychain holds the token, which is what matters: the next refresher reads it
		// there and finds it valid. Only the row's bookkeeping is late.
		m.log.Warn("token saved but not recorded", "source", id, "err", err)
	}
	return nil
}

// fail records status and detail as the source's health, and returns cause wrapped in
// sentinel.
func (m *Manager) fail(ctx context.Context, id int64, status, detail string, sentinel, cause error) error {
	if err := store.UpdateSourceStatus(ctx, m.db, id, status, detail, m.now()); err != nil {
		m.log.Warn("status not recorded", "source", id, "status", status, "err", err)
	}
	m.log.Warn("token refresh failed", "source", id, "status", status, "detail", detail)
	if cause == nil {
		return fmt.Errorf("refresh source %d: %w: %s", id, sentinel, detail)
	}
	return fmt.Errorf("refresh source %d: %w: %w", id, sentinel, cause)
}
