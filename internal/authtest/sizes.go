package authtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
)

// The sizes of the tokens Microsoft Entra issues, as other Entra clients measured and reported
// them: larger than one Windows Credential Manager entry (2,560 bytes) together, and the
// access token alone larger than one macOS keychain command can carry.
const (
	EntraAccessTokenSize  = 2931
	EntraRefreshTokenSize = 1524
)

// WithTokenSizes makes the issued access and refresh tokens access and refresh characters
// long (0 keeps fosite's own, about 90), as a provider with large tokens does.
func WithTokenSizes(access, refresh int) Option {
	return func(o *Options) { o.AccessTokenSize, o.RefreshTokenSize = access, refresh }
}

// padMark separates fosite's token from the padding; it is not in fosite's base64url
// alphabet, and RFC 6750 allows it in a bearer token.
const padMark = "~"

// paddedStrategy is fosite's HMAC strategy with the tokens it issues padded to a size; the
// padding is dropped before fosite looks at a token it is given back.
type paddedStrategy struct {
	oauth2.CoreStrategy
	access, refresh int
}

func pad(token string, size int) string {
	if n := size - len(token) - len(padMark); n > 0 {
		return token + padMark + strings.Repeat("x", n)
	}
	return token
}

func unpad(token string) string {
	t, _, _ := strings.Cut(token, padMark)
	return t
}

func (p *paddedStrategy) AccessTokenSignature(ctx context.Context, token string) string {
	return p.CoreStrategy.AccessTokenSignature(ctx, unpad(token))
}

func (p *paddedStrategy) GenerateAccessToken(ctx context.Context, r fosite.Requester) (string, string, error) {
	token, sig, err := p.CoreStrategy.GenerateAccessToken(ctx, r)
	return pad(token, p.access), sig, err
}

func (p *paddedStrategy) ValidateAccessToken(ctx context.Context, r fosite.Requester, token string) error {
	return p.CoreStrategy.ValidateAccessToken(ctx, r, unpad(token))
}

func (p *paddedStrategy) RefreshTokenSignature(ctx context.Context, token string) string {
	return p.CoreStrategy.RefreshTokenSignature(ctx, unpad(token))
}

func (p *paddedStrategy) GenerateRefreshToken(ctx context.Context, r fosite.Requester) (string, string, error) {
	token, sig, err := p.CoreStrategy.GenerateRefreshToken(ctx, r)
	return pad(token, p.refresh), sig, err
}

func (p *paddedStrategy) ValidateRefreshToken(ctx context.Context, r fosite.Requester, token string) error {
	return p.CoreStrategy.ValidateRefreshToken(ctx, r, unpad(token))
}

// secretHasher is bcrypt over the SHA-256 of a client secret: bcrypt refuses more than 72
// bytes, and client secrets run to thousands (Entra's certificates aside, 3,000 characters
// have been seen in the wild). The provider only compares what it hashed itself.
type secretHasher struct{ bcrypt fosite.Hasher }

func (h secretHasher) Hash(ctx context.Context, data []byte) ([]byte, error) {
	return h.bcrypt.Hash(ctx, digest(data))
}

func (h secretHasher) Compare(ctx context.Context, hash, data []byte) error {
	return h.bcrypt.Compare(ctx, hash, digest(data))
}

func digest(data []byte) []byte {
	sum := sha256.Sum256(data)
	return []byte(hex.EncodeToString(sum[:]))
}
