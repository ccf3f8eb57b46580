package core

import (
	"context"
	"fmt"

	"github.com/medialake/connect/core/vault"
)

// ProbeKeychain reports whether the keychain answers, for the status line: nil, or an error
// wrapping vault.ErrUnavailable that says how to fix it. It reads no secret.
func (a *App) ProbeKeychain(ctx context.Context) error {
	p, ok := a.keychain.(interface{ Probe(context.Context) error })
	if !ok {
		return fmt.Errorf("no keychain configured: %w", vault.ErrUnavailable)
	}
	return p.Probe(ctx)
}
