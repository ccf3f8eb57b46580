package egress

import (
	"errors"
	"fmt"

	"golang.org/x/oauth2"
)

// ErrNotBearer means a provider issued a token of a type other than Bearer, which the app
// would send as if it were one.
var ErrNotBearer = errors.New("the provider issued a token that is not a Bearer token, which the app cannot use; " +
	"check that the integration's token endpoint is the provider's OAuth 2.0 one")

// CheckBearer refuses a token whose token_type is not Bearer in any case (RFC 6750). A token
// without a type counts as Bearer, as x/oauth2 sends it.
func CheckBearer(tok *oauth2.Token) error {
	if tok.Type() != "Bearer" {
		return fmt.Errorf("token_type %q: %w", tok.TokenType, ErrNotBearer)
	}
	return nil
}
