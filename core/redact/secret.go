// Package redact holds Secret, the type every client secret, token and passphrase travels in, so
// that it cannot reach a log line, an error message or a file by accident.
//
// It is a leaf (standard library only) and apart from vault on purpose: access (passphrases) and
// catalog (client secrets) need the type but not the keychain, and importing vault for it pulled
// go-keyring and D-Bus into them. The name says what the package does to a value; "secret.Secret"
// would stutter, and core's tests already have a helper called secret.
package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

const redacted = "[redacted]"

// Secret holds a client secret, a token or a passphrase. It prints as [redacted] through every
// fmt verb, slog and JSON, so a log line or an error message can never carry one; Reveal is the
// single, greppable way to get the bytes. Compare two secrets through Reveal (in constant time),
// never with ==.
type Secret struct {
	// A pointer, not the string: fmt cannot call Format on a Secret held in an unexported
	// struct field and prints such a field's insides instead, and for a pointer it prints only
	// the address.
	p *string
}

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{p: &s} }

// Reveal returns the secret's value. Call it only where the value leaves for the keychain or
// the wire.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Len() == 0 }

// Len is the secret's length in bytes.
func (s Secret) Len() int { return len(s.Reveal()) }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb, %+v and %x included, prints [redacted].
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalText implements encoding.TextMarshaler (slog's text handler, encoders of all kinds).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
