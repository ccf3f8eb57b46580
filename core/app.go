// Package core holds the use-cases that the GUI and the command line call: one facade, App,
// with one place for privilege checks and the activity log.
package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/egress"
	"github.com/medialake/connect/core/filelock"
	"github.com/medialake/connect/core/private"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/schedule"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/tokens"
	"github.com/medialake/connect/core/vault"
)

// DBFile is the workspace database's name inside the workspace folder.
const DBFile = "connect.db"

// LocksDir is the folder, inside the workspace folder, of the lock files that keep two
// processes from changing the same thing at once. core/tokens keeps its per-source refresh
// locks there too (its default: "locks" beside the database).
const LocksDir = "locks"

// Keychain keeps the workspace's secrets; *vault.Vault satisfies it.
type Keychain interface {
	Set(ctx context.Context, key string, s redact.Secret) error
	Get(ctx context.Context, key string) (redact.Secret, error)
	Delete(ctx context.Context, key string) error
}

// Config is what App needs from its surroundings. Only Home is required.
type Config struct {
	// Home is the workspace folder; it is created if missing, made 0700 if it is not, and
	// refused (private.ErrNotOwner) if another user owns it.
	Home string
	// Logger receives the log; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Keychain holds secrets; nil means the OS keychain (vault.New with the workspace's id).
	Keychain Keychain
	// HTTPClient makes every call to a provider; nil means egress.New(egress.Config{}), which
	// follows no redirect and bounds each call's time and answer. A test that points it
	// elsewhere makes it with egress.New(egress.Config{Transport: ...}) to keep those rules.
	HTTPClient *http.Client
	// Scheduler installs the upkeep's schedule for "keep connections alive when the app is
	// closed"; nil means the system's own (schedule.New(schedule.Config{})).
	Scheduler Scheduler
}

// App is an open workspace and the use-cases on it. It is safe for concurrent use.
type App struct {
	db          *store.DB
	home        string // the workspace folder (the import journal's, the schedule's --home)
	log         *slog.Logger
	logFile     io.Closer // the log file OpenWorkspace opened, closed with the App; nil otherwise
	now         func() time.Time
	keychain    Keychain
	httpClient  *http.Client
	workspaceID string
	scheduler   Scheduler
	// tokens refreshes, saves and revokes the sources' tokens.
	tokens *tokens.Manager

	// upkeep is what Maintain remembers between runs (see maintain.go).
	upkeep upkeep
	// sourceCache spares Sources the read while the database is unchanged (sourcecache.go).
	sourceCache sourceCache
	// hosts are the providers the app serves itself, by provider (localhost.go).
	hosts map[catalog.ID]localHost

	// locks are the workspace's locks across processes: one change at a time per
	// integration (lockIntegration), one connect per reserved source id.
	locks *filelock.Dir

	signInMu sync.Mutex // one sign-in at a time, so parallel guesses cannot slip past a lock-out
	mu       sync.Mutex // guards sessions and idleLock
	sessions map[*access.Session]*sessionState
	idleLock time.Duration // the workspace's idle-lock time as last read (see live); 0: not yet

	closeOnce sync.Once
	closeErr  error
}

type sessionState struct {
	lastUse time.Time
	locked  bool
}

// Open opens the workspace in cfg.Home: the folder, its database and the workspace row.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Home == "" {
		return nil, errors.New("open workspace: no folder given")
	}
	if err := private.Dir(cfg.Home); err != nil {
		return nil, fmt.Errorf("open workspace: %w", err)
	}
	db, err := store.Open(ctx, filepath.Join(cfg.Home, DBFile))
	if err != nil {
		return nil, fmt.Errorf("open workspace: %w", err)
	}
	ws, err := store.ReadWorkspace(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open workspace: %w", err)
	}
	a := &App{
		db:          db,
		home:        cfg.Home,
		log:         cfg.Logger,
		now:         cfg.Now,
		keychain:    cfg.Keychain,
		httpClient:  cfg.HTTPClient,
		workspaceID: ws.ID,
		scheduler:   cfg.Scheduler,
		locks:       filelock.New(filepath.Join(cfg.Home, LocksDir)),
		sessions:    map[*access.Session]*sessionState{},
	}
	a.openHosts()
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.keychain == nil {
		a.keychain = vault.New(ws.ID, vault.Config{})
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.scheduler == nil {
		a.scheduler = schedule.New(schedule.Config{})
	}
	if a.httpClient == nil {
		a.httpClient = egress.New(egress.Config{})
	}
	a.tokens = tokens.New(db, a.keychain, tokens.Config{Now: a.now, Logger: a.log, HTTPClient: a.httpClient})
	// A connect killed between the keychain and the database left a token without a row.
	// The workspace opens all the same (the keychain may be locked now); the next start tries again.
	if n, err := a.sweepPending(ctx); err != nil {
		a.log.Error("delete the tokens of connects that did not finish", "deleted", n, "err", err)
	} else if n > 0 {
		a.log.Info("deleted the tokens of connects that did not finish", "deleted", n)
	}
	// So did an import killed between the keychain and the database (import_journal.go).
	if n, err := a.sweepImport(ctx); err != nil {
		a.log.Error("delete the client secrets of an import that did not finish", "deleted", n, "err", err)
	} else if n > 0 {
		a.log.Info("deleted the client secrets of an import that did not finish", "deleted", n)
	}
	return a, nil
}

// Close closes the database. Sessions end with it. Closing again does nothing (RemoveWorkspace
// closes the App it removes).
func (a *App) Close() error {
	a.closeOnce.Do(func() {
		a.mu.Lock()
		clear(a.sessions)
		a.mu.Unlock()
		a.closeErr = errors.Join(a.closeHosts(), a.sourceCache.close(), a.db.Close())
		if a.logFile != nil {
			a.closeErr = errors.Join(a.closeErr, a.logFile.Close())
		}
	})
	return a.closeErr
}

// WorkspaceID is the workspace's random id, which namespaces its keychain entries.
func (a *App) WorkspaceID() string { return a.workspaceID }

// NeedsFirstAdmin reports whether the workspace has no user yet, so that the only thing to do
// is CreateFirstAdmin.
func (a *App) NeedsFirstAdmin(ctx context.Context) (bool, error) {
	n, err := store.CountUsers(ctx, a.db)
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

// authorize is the check at the top of every use-case: the session is one that sign-in handed
// out, is neither signed out nor idle-locked, its user still exists and is active, and that
// user's current privilege allows the action. It returns the user as stored now. A refusal
// for lack of privilege is access.ErrForbidden and leaves one "denied" row in the activity log.
func (a *App) authorize(ctx context.Context, s *access.Session, action access.Action, subject string, ownsTarget bool) (store.User, error) {
	u, err := a.session(ctx, s)
	if err != nil {
		return store.User{}, fmt.Errorf("%s: %w", action, err)
	}
	if !access.Allowed(u.Privilege, action, ownsTarget) {
		why, err := "privilege "+u.Privilege.String(), access.ErrForbidden
		if u.Privilege == access.Admin && !ownsTarget && access.Allowed(u.Privilege, action, true) {
			why, err = "not the owner", access.ErrOwnerOnly
		}
		a.note(ctx, u.Name, action, subject, store.OutcomeDenied, why)
		return store.User{}, fmt.Errorf("%s %s: %w", action, subject, err)
	}
	return u, nil
}

// target is the integration a use-case acts on, as authorizeIntegration found it.
type target struct {
	admin    store.User // who acts
	provider catalog.Provider
	row      store.Integration
	saved    bool // row is in the database; else it is the preset's starting row
}

// authorizeIntegration is the prologue of every use-case on one integration: it finds
// integration id (a preset nobody saved yet comes with its starting row, refused with
// ErrUnknownIntegration where needSaved) and authorizes action on it, whether or not it was
// found, so that a refusal is recorded as one. The activity log's subject is the
// integration's name as its row has it (a preset's is the catalog's), or the id asked for
// where there is no such integration.
func (a *App) authorizeIntegration(ctx context.Context, s *access.Session, action access.Action, id string, needSaved bool) (target, error) {
	p, r, saved, err := a.rowOrPreset(ctx, id)
	if err == nil && needSaved && !saved {
		err = ErrUnknownIntegration
	}
	subject := id
	if err == nil {
		subject = r.Name
	}
	admin, aerr := a.authorize(ctx, s, action, subject, false)
	if aerr != nil {
		return target{}, aerr
	}
	if err != nil {
		return target{}, fmt.Errorf("%s %s: %w", action, subject, err)
	}
	return target{admin: admin, provider: p, row: r, saved: saved}, nil
}

// change runs fn, which makes a change, and appends the change's "ok" entry to the activity
// log in the same transaction; fn returns the entry's detail.
func (a *App) change(ctx context.Context, actor string, action access.Action, subject string, fn func(tx *sql.Tx) (string, error)) error {
	var detail string
	err := a.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if detail, err = fn(tx); err != nil {
			return err
		}
		return store.Append(ctx, tx, a.entry(actor, action, subject, store.OutcomeOK, detail))
	})
	if err != nil {
		return err
	}
	a.log.Info("activity", "actor", actor, "action", string(action), "subject", subject, "outcome", store.OutcomeOK, "detail", detail)
	return nil
}

// note appends an entry that records no change (a refusal, a failure, a read that is
// audited). Failing to write it is logged, not returned: the caller's own outcome matters more.
func (a *App) note(ctx context.Context, actor string, action access.Action, subject, outcome, detail string) {
	a.log.Info("activity", "actor", actor, "action", string(action), "subject", subject, "outcome", outcome, "detail", detail)
	// A cancelled use-case (Cancel, Ctrl-C) is still recorded.
	if err := store.Append(context.WithoutCancel(ctx), a.db, a.entry(actor, action, subject, outcome, detail)); err != nil {
		a.log.Error("record activity", "action", string(action), "err", err)
	}
}

func (a *App) entry(actor string, action access.Action, subject, outcome, detail string) store.Entry {
	return store.Entry{At: a.now(), Actor: actor, Action: string(action), Subject: subject, Outcome: outcome, Detail: detail}
}
