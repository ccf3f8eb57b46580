package core

import "github.com/medialake/connect/core/redact"

// Secret is the redacting holder of a passphrase or a client secret that the use-cases take.
// It is re-exported here so that gui and cli name it through core, the one package they import.
type Secret = redact.Secret

// NewSecret wraps s, for a front end that has just read a passphrase or a client secret.
func NewSecret(s string) Secret { return redact.NewSecret(s) }
