package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/medialake/connect/core/redact"
	"golang.org/x/crypto/argon2"
)

// MinPassphraseLen is the least number of characters (runes) a new passphrase has.
const MinPassphraseLen = 12

// MaxNameLen is the most characters (runes) a user name has.
const MaxNameLen = 64

// ErrBadHash means a stored hash is not an argon2id PHC string this package can read.
var ErrBadHash = errors.New("unreadable passphrase hash")

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// RFC9106Second is RFC 9106's second recommended option, for when 2 GiB of memory is too much:
// t=3, m=64 MiB, p=4, a 16-byte salt and a 32-byte tag.
var RFC9106Second = Params{Time: 3, Memory: 64 * 1024, Threads: 4, SaltLen: 16, KeyLen: 32}

// MaxParams caps the parameters of a stored hash: whoever can write the database could
// otherwise make every sign-in ask for gigabytes of memory or hours of passes. The caps sit a
// little above what this app writes (RFC9106Second: 64 MiB, 3 passes, 4 threads), and a hash
// beyond them is refused with ErrBadHash before any work is done.
var MaxParams = Params{Time: 16, Memory: 256 * 1024, Threads: 16, SaltLen: 64, KeyLen: 64}

// HashParams are the parameters new hashes use; a stored hash weaker than these is re-hashed at
// the next sign-in. Tests lower them to stay fast.
var HashParams = RFC9106Second

// Hash returns pass hashed with HashParams as a PHC string:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<tag>, both in unpadded standard base64.
func Hash(pass redact.Secret) (string, error) {
	p := HashParams
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash passphrase: %w", err)
	}
	tag := argon2.IDKey([]byte(pass.Reveal()), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(tag)), nil
}

// Verify reports whether pass matches the PHC string phc, comparing in constant time.
func Verify(phc string, pass redact.Secret) (bool, error) {
	p, salt, tag, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pass.Reveal()), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, tag) == 1, nil
}

// NeedsRehash reports whether phc was made with weaker parameters than HashParams, or cannot
// be read at all.
func NeedsRehash(phc string) bool {
	p, _, _, err := parsePHC(phc)
	if err != nil {
		return true
	}
	cur := HashParams
	return p.Time < cur.Time || p.Memory < cur.Memory || p.Threads < cur.Threads ||
		p.SaltLen < cur.SaltLen || p.KeyLen < cur.KeyLen
}

// PHCParams returns the parameters a PHC string was made with.
func PHCParams(phc string) (Params, error) {
	p, _, _, err := parsePHC(phc)
	return p, err
}

func parsePHC(phc string) (p Params, salt, tag []byte, err error) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, tag
	f := strings.Split(phc, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" {
		return p, nil, nil, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(f[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrBadHash, f[2])
	}
	var threads uint32
	n, err := fmt.Sscanf(f[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads)
	if err != nil || n != 3 || p.Memory == 0 || p.Time == 0 || threads == 0 || threads > 255 {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrBadHash, f[3])
	}
	p.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(f[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrBadHash)
	}
	if tag, err = b64.DecodeString(f[5]); err != nil || len(tag) < 4 {
		return p, nil, nil, fmt.Errorf("%w: tag", ErrBadHash)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(tag))
	if err := checkCaps(p); err != nil {
		return p, nil, nil, err
	}
	return p, salt, tag, nil
}

// checkCaps refuses parameters beyond MaxParams.
func checkCaps(p Params) error {
	m := MaxParams
	if p.Memory > m.Memory || p.Time > m.Time || p.Threads > m.Threads || p.SaltLen > m.SaltLen || p.KeyLen > m.KeyLen {
		return fmt.Errorf("%w: parameters m=%d,t=%d,p=%d (salt %d, tag %d bytes) exceed the most this app accepts "+
			"(m=%d,t=%d,p=%d, salt and tag %d bytes); reset the passphrase",
			ErrBadHash, p.Memory, p.Time, p.Threads, p.SaltLen, p.KeyLen, m.Memory, m.Time, m.Threads, m.KeyLen)
	}
	return nil
}

// CheckNew applies the rules for a new passphrase: at least MinPassphraseLen characters, and the
// confirmation typed the same.
func CheckNew(pass, confirm redact.Secret) error {
	if utf8.RuneCountInString(pass.Reveal()) < MinPassphraseLen {
		return ErrTooShort
	}
	if subtle.ConstantTimeCompare([]byte(pass.Reveal()), []byte(confirm.Reveal())) != 1 {
		return ErrMismatch
	}
	return nil
}

// CleanName trims name and checks it is 1 to MaxNameLen printable characters.
// Uniqueness is the database's concern.
func CleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameLen || !utf8.ValidString(name) {
		return "", ErrBadName
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return "", ErrBadName
		}
	}
	return name, nil
}
