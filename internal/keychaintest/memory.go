package keychaintest

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// Memory is an in-memory vault.Backend with go-keyring's semantics, for the tests that need
// no real Secret Service. go-keyring's own mock is installed globally (keyring.MockInit) and is
// not safe for concurrent use, so it would replace the real keychain under the integration
// tests. The zero value is ready to use.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// Set stores password under service and user.
func (b *Memory) Set(service, user, password string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]string{}
	}
	b.m[service+"\x00"+user] = password
	return nil
}

// Get returns the password stored under service and user, or keyring.ErrNotFound.
func (b *Memory) Get(service, user string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Delete removes the password stored under service and user, or returns keyring.ErrNotFound.
func (b *Memory) Delete(service, user string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(b.m, service+"\x00"+user)
	return nil
}

// Accounts lists the accounts of service that hold an entry, in order.
func (b *Memory) Accounts(service string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for k := range b.m {
		if s, user, _ := strings.Cut(k, "\x00"); s == service {
			out = append(out, user)
		}
	}
	slices.Sort(out)
	return out
}

// Clone returns a Memory holding the same entries, as a keychain that a crashed process
// left behind.
func (b *Memory) Clone() *Memory {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &Memory{m: maps.Clone(b.m)}
}
