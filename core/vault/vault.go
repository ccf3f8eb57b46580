// Package vault keeps secrets in the OS keychain (the redact.Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows) through go-keyring, with a timeout on every call and
// errors a person can act on. There is no fallback: when the keychain cannot be reached, the
// vault fails with ErrUnavailable and nothing is written anywhere else.
package vault

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/medialake/connect/core/redact"
)

// Service is the keychain service name every entry of the app is stored under.
const Service = "medialake-connect"

// DefaultTimeout bounds every keychain call: go-keyring waits for ever on an unlock prompt
// nobody answers.
const DefaultTimeout = 3 * time.Second

// probeKey names an entry that is never written; looking it up tells whether the keychain
// answers without reading any real secret.
const probeKey = ".probe"

var (
	// ErrNotFound means the keychain holds no entry for the key.
	ErrNotFound = errors.New("secret not found in keychain")
	// ErrUnavailable means the keychain could not be used: no D-Bus session, no redact.Secret Service,
	// a locked collection, a refused prompt or no answer in time. The wrapped cause says which
	// and how to fix it.
	ErrUnavailable = errors.New("keychain unavailable")
	// ErrTooLarge means the keychain refused the secret for its size (macOS and Windows limit
	// entries to a few KiB).
	ErrTooLarge = errors.New("secret too large for the keychain")
)

// Backend is the keychain a Vault stores into: the Set, Get and Delete of go-keyring, whose
// errors the vault maps to its own. Tests inject one to stand in for the OS keychain.
type Backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// Config changes the Vault New returns. The zero Config is the OS keychain with
// DefaultTimeout; a zero field keeps its default.
type Config struct {
	// Timeout bounds every keychain call; zero means DefaultTimeout.
	Timeout time.Duration
	// Backend stores the entries; nil means the OS keychain. Tests inject one.
	Backend Backend
}

// Vault stores one workspace's secrets. Its entries are named "<workspace>/<key>" under
// Service, so two workspaces never see each other's secrets. It is safe for concurrent use.
type Vault struct {
	workspace string
	timeout   time.Duration
	backend   Backend
}

// New returns the vault of the workspace with the given id. It panics on an empty id, which
// would mix the secrets of every workspace.
func New(workspaceID string, cfg Config) *Vault {
	if workspaceID == "" {
		panic("vault: empty workspace id")
	}
	v := &Vault{workspace: workspaceID, timeout: cfg.Timeout, backend: cfg.Backend}
	if v.timeout == 0 {
		v.timeout = DefaultTimeout
	}
	if v.backend == nil {
		v.backend = osKeychain{}
	}
	return v
}

// IntegrationSecretKey is the key of an integration's client secret.
func IntegrationSecretKey(id string) string { return "integration/" + id + "/client-secret" }

// SourceTokenKey is the key of a source's token.
func SourceTokenKey(id int64) string { return "source/" + strconv.FormatInt(id, 10) + "/token" }

// Set stores s under key, replacing any previous value.
func (v *Vault) Set(ctx context.Context, key string, s redact.Secret) error {
	return v.call(ctx, "set", key, func(account string) error {
		return v.backend.Set(Service, account, s.Reveal())
	})
}

// Get returns the secret stored under key, or ErrNotFound.
func (v *Vault) Get(ctx context.Context, key string) (redact.Secret, error) {
	var value string
	err := v.call(ctx, "get", key, func(account string) error {
		var err error
		value, err = v.backend.Get(Service, account)
		return err
	})
	if err != nil {
		return redact.Secret{}, err
	}
	return redact.NewSecret(value), nil
}

// Delete removes the secret stored under key. It returns ErrNotFound when there was none,
// which callers that only want it gone may ignore.
func (v *Vault) Delete(ctx context.Context, key string) error {
	return v.call(ctx, "delete", key, func(account string) error {
		return v.backend.Delete(Service, account)
	})
}

// Probe reports whether the keychain answers, for the status line: nil when it does, else an
// ErrUnavailable error saying why. It looks up an entry that is never written, so no real
// secret is read; a locked keychain may still ask the person to unlock it.
func (v *Vault) Probe(ctx context.Context) error {
	_, err := v.Get(ctx, probeKey)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// call runs fn with the key's account name in its own goroutine and waits for it, for the
// vault's timeout at most. go-keyring's calls cannot be cancelled: on timeout or when ctx ends,
// call returns at once and the goroutine finishes on its own later (or never, if the keychain
// never answers). So a Set that timed out may still land in the keychain afterwards.
//
// When the vault's own timeout fires the error is ErrUnavailable wrapping
// context.DeadlineExceeded; when ctx ends first, it wraps ctx's error alone.
func (v *Vault) call(ctx context.Context, op, key string, fn func(account string) error) error {
	if key == "" {
		return fmt.Errorf("%s secret: empty key", op)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %q: %w", op, key, err)
	}
	tctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()

	done := make(chan error, 1) // buffered: a call that outlives us must not block for ever
	account := v.workspace + "/" + key
	go func() { done <- fn(account) }()

	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s %q: %w", op, key, mapError(err))
		}
		return nil
	case <-tctx.Done():
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s %q: %w", op, key, err)
		}
		return fmt.Errorf("%s %q: %w: no answer within %s; an unlock prompt may be waiting, "+
			"answer it and try again: %w", op, key, ErrUnavailable, v.timeout, tctx.Err())
	}
}

// osKeychain is the OS keychain through go-keyring's package functions.
type osKeychain struct{}

func (osKeychain) Set(service, user, password string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

func (osKeychain) Get(service, user string) (string, error) {
	if err := sessionBus(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

func (osKeychain) Delete(service, user string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// SandboxKeyKey is the key of the built-in sandbox provider's signing key.
const SandboxKeyKey = "sandbox/signing-key"
