package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/sandbox"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// ErrSandboxPortTaken means another program, not this workspace's sandbox, listens on the
// sandbox's port; the error names the port.
var ErrSandboxPortTaken = errors.New("the sandbox's port is used by another program")

func init() { localHosts[catalog.Sandbox] = func(a *App) localHost { return &sandboxHost{a: a} } }

// sandboxHost is this process's part in the built-in sandbox provider, its local host: the
// server it runs, if it is the process that serves it. A process serves it only once it
// needs it (a connect, refresh or disconnect through the Sandbox integration), until it
// closes.
type sandboxHost struct {
	a   *App
	mu  sync.Mutex
	srv *sandbox.Server
	// at is the port srv listens on.
	at int
}

// issuer makes sure the workspace's sandbox answers and returns its issuer: the one this
// process serves, else the one another process of the workspace serves on the saved port
// (Identify proves it is ours), else a new one served here. A port something else holds is
// ErrSandboxPortTaken.
func (h *sandboxHost) issuer(ctx context.Context) (string, error) {
	a := h.a
	st, err := a.sandboxSettings(ctx)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv != nil && h.at == st.Port {
		return h.srv.Issuer(), nil
	}
	if h.srv != nil { // the port was changed: move
		_ = h.srv.Close()
		h.srv = nil
	}
	key, err := a.sandboxKey(ctx)
	if err != nil {
		return "", err
	}
	ln, err := sandbox.Listen(st.Port)
	if errors.Is(err, sandbox.ErrPortInUse) {
		if err := sandbox.Identify(ctx, a.httpClient, st.Port, a.workspaceID, key); err != nil {
			return "", fmt.Errorf("sandbox: port %d: %w (%w)", st.Port, ErrSandboxPortTaken, err)
		}
		return sandbox.Issuer(st.Port), nil
	}
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	srv, err := sandbox.Serve(ln, sandbox.Config{DB: a.db, WorkspaceID: a.workspaceID, Key: key, Logger: a.log, Now: a.now})
	if err != nil {
		_ = ln.Close()
		return "", err
	}
	a.log.Info("sandbox: serving", "issuer", srv.Issuer())
	h.srv, h.at = srv, st.Port
	return srv.Issuer(), nil
}

// close stops the sandbox this process serves, if any.
func (h *sandboxHost) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv == nil {
		return nil
	}
	err := h.srv.Close()
	h.srv = nil
	return err
}

// sandboxSettings are the sandbox's saved settings, or the defaults.
func (a *App) sandboxSettings(ctx context.Context) (store.SandboxSettings, error) {
	st, err := store.SandboxSettingsOf(ctx, a.db)
	if errors.Is(err, store.ErrNotFound) {
		return sandbox.Defaults(), nil
	}
	return st, err
}

// sandboxKey reads the sandbox's signing key from the keychain, making it on first use.
// Two processes must not make one each: the lock makes the second read the first's.
func (a *App) sandboxKey(ctx context.Context) (redact.Secret, error) {
	unlock, err := a.locks.Lock(ctx, "sandbox-key")
	if err != nil {
		return redact.Secret{}, fmt.Errorf("sandbox: wait for its key: %w", err)
	}
	defer unlock()
	key, err := a.keychain.Get(ctx, vault.SandboxKeyKey)
	if !errors.Is(err, vault.ErrNotFound) {
		return key, err
	}
	if key, err = sandbox.NewKey(); err != nil {
		return redact.Secret{}, err
	}
	if err := a.keychain.Set(ctx, vault.SandboxKeyKey, key); err != nil {
		return redact.Secret{}, fmt.Errorf("sandbox: save its signing key: %w", err)
	}
	return key, nil
}

// port is the port the sandbox listens on, as saved or by default.
func (h *sandboxHost) port(ctx context.Context) (int, error) {
	st, err := h.a.sandboxSettings(ctx)
	return st.Port, err
}

// keys are the sandbox's signing key.
func (h *sandboxHost) keys() []string { return []string{vault.SandboxKeyKey} }

// removed deletes the sandbox's grants and settings in tx, as its integration goes.
func (h *sandboxHost) removed(ctx context.Context, tx *sql.Tx) error {
	return store.DeleteSandbox(ctx, tx)
}

// forget deletes what the sandbox keeps outside the database once removed has committed:
// it stops the server and deletes the signing key.
func (h *sandboxHost) forget(ctx context.Context) error {
	stopErr := h.close()
	err := h.a.keychain.Delete(ctx, vault.SandboxKeyKey)
	if errors.Is(err, vault.ErrNotFound) {
		err = nil
	}
	return errors.Join(stopErr, err)
}

// IsSandbox reports whether the source is connected through the built-in sandbox, which
// connects no real storage: the front ends mark it.
func (s Source) IsSandbox() bool { return s.Provider == string(catalog.Sandbox) }

// begin records a sign-in at the sandbox by its PKCE challenge before the browser opens:
// the sandbox answers only sign-ins the app started (see store.AddSandboxFlow).
func (h *sandboxHost) begin(ctx context.Context, authURL string) error {
	return store.AddSandboxFlow(ctx, h.a.db, challengeOf(authURL), h.a.now())
}

// end forgets the sign-in once the app's flow has ended, however it ended: a cancelled or
// timed-out sign-in cannot be answered later.
func (h *sandboxHost) end(authURL string) {
	if err := store.EndSandboxFlow(context.Background(), h.a.db, challengeOf(authURL)); err != nil {
		h.a.log.Error("forget a sandbox sign-in", "err", err)
	}
}

func challengeOf(authURL string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("code_challenge")
}
