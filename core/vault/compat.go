package vault

import "github.com/medialake/connect/core/redact"

// Secret is redact.Secret under its old name, only until every caller names redact (the next
// commit); it goes then.
type Secret = redact.Secret

// NewSecret is redact.NewSecret under its old name, for the same short while.
func NewSecret(s string) Secret { return redact.NewSecret(s) }
