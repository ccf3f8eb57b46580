// Package vault keeps secrets in the OS keychain (the redact.Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows) through go-keyring, with a timeout on every call and
// errors a person can act on. There is no fallback: when the keychain cannot be reached, the
// vault fails with ErrUnavailable and nothing is written anywhere else.
package vault

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
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
	// ErrTooLarge means the secret is larger than MaxSecret, or the keychain refused it for its
	// size although the vault split it to fit.
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
	// Limit is how much one entry of Backend holds; nil means the OS keychain's own
	// (PlatformLimit) when Backend is nil, and no limit when a Backend is injected.
	Limit Limit
}

// Vault stores one workspace's secrets. Its entries are named "<workspace>/<key>" under
// Service, so two workspaces never see each other's secrets. It is safe for concurrent use.
type Vault struct {
	workspace string
	timeout   time.Duration
	backend   Backend
	limit     Limit // nil: entries of any size
}

// New returns the vault of the workspace with the given id. It panics on an empty id, which
// would mix the secrets of every workspace.
func New(workspaceID string, cfg Config) *Vault {
	if workspaceID == "" {
		panic("vault: empty workspace id")
	}
	v := &Vault{workspace: workspaceID, timeout: cfg.Timeout, backend: cfg.Backend, limit: cfg.Limit}
	if v.timeout == 0 {
		v.timeout = DefaultTimeout
	}
	if v.backend == nil {
		v.backend = osKeychain{}
		if v.limit == nil {
			v.limit = PlatformLimit(runtime.GOOS)
		}
	}
	return v
}

// IntegrationSecretKey is the key of an integration's client secret.
func IntegrationSecretKey(id string) string { return "integration/" + id + "/client-secret" }

// SourceTokenKey is the key of a source's token.
func SourceTokenKey(id int64) string { return "source/" + strconv.FormatInt(id, 10) + "/token" }

// Set stores s under key, replacing any previous value. A secret larger than one entry of the
// keychain holds is split across several (see parts.go); one that fits costs one keychain call
// where entries have no limit (the Secret Service), and one more read elsewhere, to find the
// parts of a previous value. Over MaxSecret it fails with ErrTooLarge and writes nothing.
func (v *Vault) Set(ctx context.Context, key string, s redact.Secret) error {
	value := s.Reveal()
	switch {
	case len(value) > MaxSecret:
		return fmt.Errorf("set %q: %w: it is %d bytes, and the app keeps at most %d (64 KiB) in the keychain; "+
			"nothing was written", key, ErrTooLarge, len(value), MaxSecret)
	case strings.HasPrefix(value, manifestMarker[:1]):
		return fmt.Errorf("set %q: a secret may not begin with a NUL character; nothing was written", key)
	}
	head := v.account(key)
	if v.limit == nil {
		return v.call(ctx, "set", key, func() error { return v.backend.Set(Service, head, value) })
	}
	old, err := v.manifestOf(ctx, key)
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDamaged) {
		return err // a damaged entry is what a new value repairs
	}
	if len(value) > v.limit(Service, head) {
		return v.setParts(ctx, key, value, old)
	}
	if err := v.call(ctx, "set", key, func() error { return v.backend.Set(Service, head, value) }); err != nil {
		return err
	}
	if old != nil {
		v.deleteParts(ctx, key, *old, old.parts)
	}
	return nil
}

// Get returns the secret stored under key, or ErrNotFound; ErrDamaged when a part of a split
// secret is missing or changed, never a part of the secret. A secret in one entry costs one
// keychain call.
func (v *Vault) Get(ctx context.Context, key string) (redact.Secret, error) {
	for range 3 {
		value, err := v.head(ctx, key)
		if err != nil {
			return redact.Secret{}, err
		}
		m, split, err := parseManifest(value)
		if err != nil {
			return redact.Secret{}, fmt.Errorf("get %q: %w", key, err)
		}
		if !split {
			return redact.NewSecret(value), nil
		}
		whole, err := v.getParts(ctx, key, m)
		if errors.Is(err, ErrDamaged) && v.replaced(ctx, key, value) {
			continue // a Set replaced the parts while they were read: read the new ones
		}
		if err != nil {
			return redact.Secret{}, err
		}
		return redact.NewSecret(whole), nil
	}
	return redact.Secret{}, fmt.Errorf("get %q: %w: it kept changing while it was read; try again", key, ErrUnavailable)
}

// Delete removes the secret stored under key, all its parts with it. It returns ErrNotFound
// when there was none, which callers that only want it gone may ignore. The key's own entry
// goes first: a crash afterwards leaves parts that nothing names, never a value half there.
func (v *Vault) Delete(ctx context.Context, key string) error {
	head := v.account(key)
	var old *manifest
	if v.limit != nil {
		var err error
		if old, err = v.manifestOf(ctx, key); err != nil && !errors.Is(err, ErrDamaged) {
			return err
		}
	}
	if err := v.call(ctx, "delete", key, func() error { return v.backend.Delete(Service, head) }); err != nil {
		return err
	}
	if old != nil {
		v.deleteParts(ctx, key, *old, old.parts)
	}
	return nil
}

// head reads the key's own entry: the secret, or the manifest of its parts.
func (v *Vault) head(ctx context.Context, key string) (string, error) {
	var value string
	err := v.call(ctx, "get", key, func() error {
		var err error
		value, err = v.backend.Get(Service, v.account(key))
		return err
	})
	return value, err
}

// manifestOf returns the manifest the key's entry holds, or nil when it holds a secret whole.
func (v *Vault) manifestOf(ctx context.Context, key string) (*manifest, error) {
	value, err := v.head(ctx, key)
	if err != nil {
		return nil, err
	}
	m, split, err := parseManifest(value)
	if err != nil || !split {
		return nil, err
	}
	return &m, nil
}

// replaced reports whether the key's entry no longer holds was.
func (v *Vault) replaced(ctx context.Context, key, was string) bool {
	now, err := v.head(ctx, key)
	return err == nil && now != was
}

// account is the keychain account name of key in this workspace.
func (v *Vault) account(key string) string { return v.workspace + "/" + key }

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

// call runs fn, one keychain call for key, in its own goroutine and waits for it, for the
// vault's timeout at most. go-keyring's calls cannot be cancelled: on timeout or when ctx ends,
// call returns at once and the goroutine finishes on its own later (or never, if the keychain
// never answers). So a Set that timed out may still land in the keychain afterwards.
//
// When the vault's own timeout fires the error is ErrUnavailable wrapping
// context.DeadlineExceeded; when ctx ends first, it wraps ctx's error alone.
func (v *Vault) call(ctx context.Context, op, key string, fn func() error) error {
	if key == "" {
		return fmt.Errorf("%s secret: empty key", op)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %q: %w", op, key, err)
	}
	tctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()

	done := make(chan error, 1) // buffered: a call that outlives us must not block for ever
	go func() { done <- fn() }()

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
