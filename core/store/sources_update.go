package store

import (
	"context"
	"fmt"
	"time"
)

// UpdateSourceAccount sets what a new sign-in of a source's account says about it: the
// account's label (the provider may show a renamed account under a new one) and the scopes
// granted, as of at, which is also when the new refresh token was issued (GrantedAt).
// Reconnect calls it once the keychain holds the new token.
func UpdateSourceAccount(ctx context.Context, q Querier, id int64, account string, scopes []string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sources SET account = ?, scopes = ?, updated_at = ?, granted_at = ? WHERE id = ?`,
		account, joinScopes(scopes), millis(at), millis(at), id)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("update account of source %d: %w", id, err)
	}
	return nil
}
