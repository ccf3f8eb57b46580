package vault

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A secret larger than one keychain entry holds is split. Its parts are entries of their own,
// named after the key's entry, a generation and an index ("<workspace>/<key>#<gen>.<i>"); the
// key's own entry then holds a manifest that names the generation, the number of parts, the
// secret's size and its SHA-256:
//
//	\x00medialake-connect-parts v1 gen=0f3a… parts=3 size=5873 sha256=9e1c…
//
// A write puts the new parts under a fresh generation, then the manifest (one entry, replaced
// at once by the keychain), then deletes the old generation's parts. Whatever moment a crash
// hits, the key's entry names either the old parts, all still there, or the new ones, all
// written: a reader sees the whole old value or the whole new one. A crash can leave parts no
// manifest names; they hold a piece of a secret the keychain guards like any other entry, and
// cost only space.
//
// The manifest starts with a NUL, which no secret the app keeps does (client secrets are
// printable, tokens are JSON); Set refuses a secret that starts with the marker, so that a
// value can never be mistaken for a manifest.
const manifestMarker = "\x00medialake-connect-parts v1 "

// ErrDamaged means the keychain holds a split secret whose parts are missing or changed: an
// entry was removed or edited outside the app. The secret must be entered or connected again.
var ErrDamaged = errors.New("the secret in the keychain is incomplete or damaged")

// manifest describes a split secret.
type manifest struct {
	gen   string
	parts int
	size  int
	sum   string // hex SHA-256 of the whole secret
}

func (m manifest) String() string {
	return fmt.Sprintf("%sgen=%s parts=%d size=%d sha256=%s", manifestMarker, m.gen, m.parts, m.size, m.sum)
}

// part is the account of the manifest's i-th part, for the key's account head.
func (m manifest) part(head string, i int) string {
	return head + "#" + m.gen + "." + strconv.Itoa(i)
}

// parseManifest reads a manifest written by String; ok is false for a value that is not one.
func parseManifest(value string) (m manifest, ok bool, err error) {
	rest, ok := strings.CutPrefix(value, manifestMarker)
	if !ok {
		return manifest{}, false, nil
	}
	var n int
	n, err = fmt.Sscanf(rest, "gen=%s parts=%d size=%d sha256=%s", &m.gen, &m.parts, &m.size, &m.sum)
	if err != nil || n != 4 || m.String() != value || m.parts < 1 || m.size > MaxSecret || len(m.sum) != sha256.Size*2 {
		return manifest{}, true, fmt.Errorf("%w: its entry names its parts in a form this app does not read", ErrDamaged)
	}
	return m, true, nil
}

func newManifest(value string, parts int) (manifest, error) {
	gen := make([]byte, 8)
	if _, err := rand.Read(gen); err != nil {
		return manifest{}, err
	}
	sum := sha256.Sum256([]byte(value))
	return manifest{gen: hex.EncodeToString(gen), parts: parts, size: len(value), sum: hex.EncodeToString(sum[:])}, nil
}

// split cuts value into parts that each fit the limit of the accounts they are stored under.
// The limit is taken for the longest part name (the last index), so every part fits.
func (v *Vault) split(head, value string) (manifest, []string, error) {
	m, err := newManifest(value, 1)
	if err != nil {
		return manifest{}, nil, err
	}
	for {
		size := v.limit(Service, m.part(head, m.parts-1))
		if size < 1 {
			return manifest{}, nil, fmt.Errorf("%w: the keychain's entries are too small to hold a part", ErrTooLarge)
		}
		if need := (len(value) + size - 1) / size; need > m.parts {
			m.parts = need // a longer index may shorten the limit: measure again
			continue
		}
		chunks := make([]string, 0, m.parts)
		for rest := value; len(rest) > 0; {
			n := min(size, len(rest))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		m.parts = len(chunks)
		return m, chunks, nil
	}
}

// setParts writes value split under a new generation, then the manifest, then deletes the
// parts of old (the manifest the key's entry held before, if any). A part that fails to be
// written takes the parts written before it away again, and the key keeps its old value.
func (v *Vault) setParts(ctx context.Context, key, value string, old *manifest) error {
	head := v.account(key)
	m, chunks, err := v.split(head, value)
	if err != nil {
		return fmt.Errorf("set %q: %w", key, err)
	}
	for i, chunk := range chunks {
		err := v.call(ctx, "set", key, func() error { return v.backend.Set(Service, m.part(head, i), chunk) })
		if err != nil {
			v.deleteParts(ctx, key, m, i)
			return fmt.Errorf("%w (part %d of %d; the previous value is kept)", err, i+1, m.parts)
		}
	}
	if err := v.call(ctx, "set", key, func() error { return v.backend.Set(Service, head, m.String()) }); err != nil {
		v.deleteParts(ctx, key, m, m.parts)
		return err
	}
	if old != nil {
		v.deleteParts(ctx, key, *old, old.parts)
	}
	return nil
}

// deleteParts removes the first n parts of m, as far as the keychain lets it: a part left
// behind is named by no manifest and never read.
func (v *Vault) deleteParts(ctx context.Context, key string, m manifest, n int) {
	head := v.account(key)
	for i := range n {
		_ = v.call(context.WithoutCancel(ctx), "delete", key, func() error { return v.backend.Delete(Service, m.part(head, i)) })
	}
}

// getParts reads the parts m names and checks them against it.
func (v *Vault) getParts(ctx context.Context, key string, m manifest) (string, error) {
	head := v.account(key)
	var b strings.Builder
	b.Grow(m.size)
	for i := range m.parts {
		var chunk string
		err := v.call(ctx, "get", key, func() error {
			var err error
			chunk, err = v.backend.Get(Service, m.part(head, i))
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("get %q: %w: part %d of %d is missing from the keychain", key, ErrDamaged, i+1, m.parts)
		}
		if err != nil {
			return "", err
		}
		if b.Len()+len(chunk) > m.size {
			break
		}
		b.WriteString(chunk)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if b.Len() != m.size || hex.EncodeToString(sum[:]) != m.sum {
		return "", fmt.Errorf("get %q: %w: its %d parts do not add up to the secret that was stored", key, ErrDamaged, m.parts)
	}
	return b.String(), nil
}
