// Package transfer is the workspace's export file: a JSON document (integrations with their
// client secrets, users with their passphrase hashes, settings, optionally the activity log)
// encrypted with age (filippo.io/age) to a passphrase or to age or SSH recipients, binary or
// armoured. The document exists in clear only in memory: Encode writes it through age's
// writer, Decode reads the whole payload, authenticated, before it parses a byte of it, so a
// truncated or changed file yields nothing at all.
package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// Version is the document format this build writes and the newest it reads.
const Version = 1

// MaxSize bounds a file, and the document inside it, that Decode reads.
const MaxSize = 64 << 20

// Bounds of a document's lists: far above any real workspace, low enough that a hostile file
// of tiny records ("{},{},…") cannot make the decoder build millions of them.
const (
	MaxIntegrations = 1_000
	MaxUsers        = 10_000
	MaxActivity     = 500_000
)

// maxWorkFactor bounds the scrypt work factor a file may ask of the passphrase: the 18 this
// app writes (256 MiB, about a second on a desktop, several on a busy one), no more. Each
// step up doubles the memory and the time of every attempt; age would accept 22 (4 GiB).
const maxWorkFactor = 18

// WorkFactor is the scrypt work factor (log2 N) of a passphrase-encrypted file: age's
// default. Tests lower it, as they lower access.HashParams.
var WorkFactor = maxWorkFactor

// Errors of Decode and of the keys; each says what is wrong with the file or the key.
var (
	ErrEmpty        = errors.New("the file is empty")
	ErrNotExport    = errors.New("the file is not a workspace export")
	ErrWrongKey     = errors.New("the passphrase or identity does not open this file")
	ErrDamaged      = errors.New("the file is truncated or was changed after it was written")
	ErrNewer        = errors.New("the file was written by a newer version of the app")
	ErrBadRecipient = errors.New("not an age recipient (age1…) or an SSH public key")
	ErrBadIdentity  = errors.New("not an age identity file or an unencrypted SSH private key")
	ErrNoKey        = errors.New("no passphrase and no recipient given")
)

// NewerError is a file of a format version this build does not read; it wraps ErrNewer.
type NewerError struct{ Format int }

func (e *NewerError) Error() string {
	return fmt.Sprintf("%v: format version %d, this version reads up to %d", ErrNewer, e.Format, Version)
}

func (e *NewerError) Unwrap() error { return ErrNewer }

// Document is what a file holds.
type Document struct {
	Format     int
	AppVersion string
	// Workspace is the exporting workspace's id.
	Workspace  string
	ExportedAt time.Time
	// ExportedBy names the administrator who wrote the file; empty in a file written before
	// the field was.
	ExportedBy string
	IdleLock   time.Duration
	KeepAlive  bool
	// Integrations carry their client secret; a zero Secret is none.
	Integrations []Integration
	Users        []User
	// Activity is the exporting workspace's log, oldest first, if it was asked for.
	Activity []store.Entry
	// SourcesLeftOut counts the sources the file does not carry: their owners reconnect.
	SourcesLeftOut int
}

// Integration is an integration's settings and its client secret.
type Integration struct {
	store.Integration
	Secret redact.Secret
}

// User is a profile as the file carries it: never a sign-in count or a lock-out.
type User struct {
	Name           string    `json:"name"`
	Privilege      string    `json:"privilege"`
	PassphraseHash string    `json:"passphrase_hash"`
	Disabled       bool      `json:"disabled"`
	CreatedAt      time.Time `json:"created_at"`
}

// Keys say to whom Encode encrypts (Passphrase, or Recipients) and with what Decode decrypts
// (Passphrase, or Identity: the text of an identity file).
type Keys struct {
	Passphrase redact.Secret
	// Recipients are lines: age1… recipients or SSH public keys; blank lines and # comments
	// are skipped.
	Recipients []string
	Identity   redact.Secret
}

// field is one field of a record in the file: its name there and where its value lives.
type field struct {
	name string
	ptr  any
}

// integrationFields lists every field of an integration that the file carries, under its
// name in the file. This is the one place to add a new column of the integrations table so
// that export and import carry it; a file written before it leaves the field at its zero value.
func integrationFields(in *Integration) []field {
	return []field{
		{"id", &in.ID}, {"provider", &in.Provider}, {"name", &in.Name},
		{"client_id", &in.ClientID}, {"client_type", &in.ClientType},
		{"client_secret", (*secretJSON)(&in.Secret)},
		{"secret_set_at", &in.SecretSetAt}, {"secret_set_by", &in.SecretSetBy}, {"secret_expires_at", &in.SecretExpiresAt},
		{"enabled", &in.Enabled}, {"redirect_port", &in.RedirectPort}, {"scopes", &in.Scopes},
		{"publishing_status", &in.PublishingStatus},
		{"tenant", &in.Tenant}, {"issuer", &in.Issuer}, {"auth_url", &in.AuthURL},
		{"token_url", &in.TokenURL}, {"revoke_url", &in.RevokeURL}, {"userinfo_url", &in.UserinfoURL},
		{"created_at", &in.CreatedAt}, {"updated_at", &in.UpdatedAt},
	}
}

// secretJSON is a secret as the document inside the encrypted stream holds it: in clear,
// which is why only this package, writing to age, marshals one.
type secretJSON redact.Secret

func (s secretJSON) MarshalJSON() ([]byte, error) { return json.Marshal(redact.Secret(s).Reveal()) }

func (s *secretJSON) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = secretJSON(redact.NewSecret(v))
	return nil
}

// entry is an activity entry as the file carries it.
type entry struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail"`
}

// wire is the JSON document.
type wire struct {
	Format          int                          `json:"format"`
	AppVersion      string                       `json:"app_version"`
	Workspace       string                       `json:"workspace"`
	ExportedAt      time.Time                    `json:"exported_at"`
	ExportedBy      string                       `json:"exported_by,omitempty"`
	IdleLockSeconds int64                        `json:"idle_lock_seconds"`
	KeepAlive       bool                         `json:"keepalive"`
	Integrations    []map[string]json.RawMessage `json:"integrations"`
	Users           []User                       `json:"users"`
	Activity        []entry                      `json:"activity,omitempty"`
	SourcesLeftOut  int                          `json:"sources_left_out"`
}

// Encode writes doc to w, encrypted to keys (the passphrase when there is no recipient),
// armoured as text when asked. doc.Format is set to Version.
func Encode(w io.Writer, doc Document, keys Keys, armored bool) error {
	recipients, err := recipientsOf(keys)
	if err != nil {
		return err
	}
	out := wire{Format: Version, AppVersion: doc.AppVersion, Workspace: doc.Workspace,
		ExportedAt: doc.ExportedAt.UTC(), ExportedBy: doc.ExportedBy, IdleLockSeconds: int64(doc.IdleLock / time.Second),
		KeepAlive: doc.KeepAlive, Users: doc.Users, SourcesLeftOut: doc.SourcesLeftOut}
	for i := range doc.Integrations {
		m := map[string]json.RawMessage{}
		for _, f := range integrationFields(&doc.Integrations[i]) {
			if m[f.name], err = json.Marshal(f.ptr); err != nil {
				return fmt.Errorf("encode integration %s: %w", doc.Integrations[i].ID, err)
			}
		}
		out.Integrations = append(out.Integrations, m)
	}
	for _, e := range doc.Activity {
		out.Activity = append(out.Activity, entry{e.At.UTC(), e.Actor, e.Action, e.Subject, e.Outcome, e.Detail})
	}
	dst, closeArmor := w, func() error { return nil }
	if armored {
		aw := armor.NewWriter(w)
		dst, closeArmor = aw, aw.Close
	}
	enc, err := age.Encrypt(dst, recipients...)
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if err := json.NewEncoder(enc).Encode(out); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	return closeArmor()
}

// armorHeader starts an armoured age file.
const armorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"

// Decode reads a file that Encode wrote, binary or armoured, with keys' passphrase or
// identity. Nothing is returned unless the whole payload decrypted and authenticated.
func Decode(r io.Reader, keys Keys) (Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Document{}, fmt.Errorf("read the file: %w", err)
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return Document{}, ErrEmpty
	case len(data) > MaxSize:
		return Document{}, fmt.Errorf("%w: larger than %d MiB", ErrNotExport, MaxSize>>20)
	}
	var src io.Reader = bytes.NewReader(data)
	switch {
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte(armorHeader)):
		src = armor.NewReader(bytes.NewReader(bytes.TrimSpace(data)))
	case !bytes.HasPrefix(data, []byte("age-encryption.org/")):
		return Document{}, ErrNotExport
	}
	identities, err := identitiesOf(keys)
	if err != nil {
		return Document{}, err
	}
	plain, err := age.Decrypt(src, identities...)
	if err != nil {
		return Document{}, decryptError(err)
	}
	text, err := io.ReadAll(io.LimitReader(plain, MaxSize+1))
	if err != nil {
		return Document{}, fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	return parse(text)
}

// loneSurrogate reports whether JSON text escapes a UTF-16 surrogate that is not half of a
// pair (\ud83d\ude00 is one character; \ud800 alone is none). A backslash in JSON is
// always an escape inside a string: anywhere else the decoder refuses the text anyway.
func loneSurrogate(text []byte) bool {
	unit := func(i int) rune { // the code unit of a \uXXXX escape at i, or -1
		if i+6 > len(text) || text[i] != '\\' || text[i+1] != 'u' {
			return -1
		}
		n, err := strconv.ParseUint(string(text[i+2:i+6]), 16, 16)
		if err != nil {
			return -1
		}
		return rune(n)
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		u := unit(i)
		switch {
		case u >= 0xd800 && u < 0xdc00:
			if low := unit(i + 6); low < 0xdc00 || low > 0xdfff {
				return true
			}
			i += 11
		case u >= 0xdc00 && u <= 0xdfff:
			return true
		default:
			i++ // the escaped character, a backslash included, is not an escape itself
		}
	}
	return false
}

// decryptError classifies an error of age.Decrypt: no identity fits, or the header is not
// what age wrote.
func decryptError(err error) error {
	var none *age.NoIdentityMatchError
	if errors.As(err, &none) || errors.Is(err, age.ErrIncorrectIdentity) {
		return ErrWrongKey
	}
	if strings.Contains(err.Error(), "work factor") { // age has no error value of its own for it
		return fmt.Errorf("%w: it asks the passphrase for more work than this app ever uses (scrypt work factor above %d); export it again with this app", ErrNotExport, maxWorkFactor)
	}
	return fmt.Errorf("%w (%v)", ErrDamaged, err)
}

// parse reads the decrypted document: its format version first, so that a newer file is
// named as one rather than misread.
func parse(text []byte) (Document, error) {
	var head struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(text, &head); err != nil || head.Format < 1 {
		return Document{}, fmt.Errorf("%w: no format version inside", ErrNotExport)
	}
	if head.Format > Version {
		return Document{}, &NewerError{Format: head.Format}
	}
	// encoding/json would read bytes that are not UTF-8, and escaped UTF-16 surrogates (which
	// this app never writes), as U+FFFD: a name would then be saved other than the file
	// spells it.
	if !utf8.Valid(text) || loneSurrogate(text) {
		return Document{}, fmt.Errorf("%w: text that is not UTF-8 inside", ErrNotExport)
	}
	if err := checkCounts(text); err != nil {
		return Document{}, err
	}
	var in wire
	if err := json.Unmarshal(text, &in); err != nil {
		return Document{}, fmt.Errorf("%w: %v", ErrNotExport, err)
	}
	// A count of seconds that no Duration holds would wrap around, maybe into the range the
	// idle lock's rule accepts.
	if in.IdleLockSeconds < 0 || in.IdleLockSeconds > int64(math.MaxInt64/time.Second) {
		return Document{}, fmt.Errorf("%w: idle_lock_seconds %d out of range", ErrNotExport, in.IdleLockSeconds)
	}
	doc := Document{Format: in.Format, AppVersion: in.AppVersion, Workspace: in.Workspace,
		ExportedAt: in.ExportedAt, ExportedBy: in.ExportedBy, IdleLock: time.Duration(in.IdleLockSeconds) * time.Second,
		KeepAlive: in.KeepAlive, Users: in.Users, SourcesLeftOut: in.SourcesLeftOut}
	for _, m := range in.Integrations {
		var it Integration
		for _, f := range integrationFields(&it) {
			raw, ok := m[f.name]
			if !ok {
				continue
			}
			if err := json.Unmarshal(raw, f.ptr); err != nil {
				return Document{}, fmt.Errorf("%w: integration field %s: %v", ErrNotExport, f.name, err)
			}
		}
		doc.Integrations = append(doc.Integrations, it)
	}
	for _, e := range in.Activity {
		doc.Activity = append(doc.Activity, store.Entry{At: e.At, Actor: e.Actor, Action: e.Action,
			Subject: e.Subject, Outcome: e.Outcome, Detail: e.Detail})
	}
	return doc, nil
}

// recipientsOf returns the recipients of keys, or the passphrase's when there are none.
func recipientsOf(keys Keys) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, line := range keys.Recipients {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRecipient(line)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) > 0 {
		return out, nil
	}
	if keys.Passphrase.IsZero() {
		return nil, ErrNoKey
	}
	r, err := age.NewScryptRecipient(keys.Passphrase.Reveal())
	if err != nil {
		return nil, fmt.Errorf("passphrase: %w", err)
	}
	r.SetWorkFactor(WorkFactor)
	return []age.Recipient{r}, nil
}

func parseRecipient(line string) (age.Recipient, error) {
	if strings.HasPrefix(line, "ssh-") {
		r, err := agessh.ParseRecipient(line)
		if err != nil {
			return nil, fmt.Errorf("recipient %q: %w", Describe(line), ErrBadRecipient)
		}
		return r, nil
	}
	rs, err := age.ParseRecipients(strings.NewReader(line))
	if err != nil || len(rs) != 1 {
		return nil, fmt.Errorf("recipient %q: %w", Describe(line), ErrBadRecipient)
	}
	return rs[0], nil
}

// identitiesOf returns the identities of keys: those of its identity file, else the passphrase.
func identitiesOf(keys Keys) ([]age.Identity, error) {
	if !keys.Identity.IsZero() {
		text := keys.Identity.Reveal()
		if strings.Contains(text, "-----BEGIN") {
			id, err := agessh.ParseIdentity([]byte(text))
			if err != nil {
				return nil, ErrBadIdentity // the parser's words may quote the key
			}
			return []age.Identity{id}, nil
		}
		ids, err := age.ParseIdentities(strings.NewReader(text))
		if err != nil {
			return nil, ErrBadIdentity
		}
		return ids, nil
	}
	if keys.Passphrase.IsZero() {
		return nil, ErrNoKey
	}
	id, err := age.NewScryptIdentity(keys.Passphrase.Reveal())
	if err != nil {
		return nil, fmt.Errorf("passphrase: %w", err)
	}
	id.SetMaxWorkFactor(maxWorkFactor)
	return []age.Identity{id}, nil
}

// Describe shortens a recipient for a message or the activity log: its type, the start of
// its key and an SSH key's comment.
func Describe(recipient string) string {
	parts := strings.Fields(recipient)
	if len(parts) == 0 {
		return ""
	}
	if strings.HasPrefix(parts[0], "ssh-") && len(parts) > 1 {
		s := parts[0] + " " + short(parts[1])
		if len(parts) > 2 {
			s += " " + strings.Join(parts[2:], " ")
		}
		return s
	}
	return short(parts[0])
}

func short(s string) string {
	if len(s) <= 16 {
		return s
	}
	return s[:12] + "…" + s[len(s)-4:]
}
