package store

import (
	"context"
	"fmt"
	"time"
)

// Integration is an OAuth app that the organisation registered at a provider. It holds no
// secret: the client secret lives in the keychain, and SecretSetAt only says when it was saved.
type Integration struct {
	ID       string // a preset's id, or "custom-<random>"
	Provider string // the catalog's provider id
	Name     string
	ClientID string
	// ClientType is "public" or "confidential" where the provider offers the choice, else "".
	ClientType string
	// SecretSetAt is when the client secret was saved to the keychain; zero if there is none.
	SecretSetAt time.Time
	// SecretSetBy is the name of the admin who saved it.
	SecretSetBy string
	// SecretExpiresAt is when the client secret stops working, as the admin recorded it
	// from the provider's console; zero if not recorded.
	SecretExpiresAt time.Time
	Enabled         bool
	// RedirectPort is the fixed loopback port; 0 means any port.
	RedirectPort int
	// Scopes overrides the preset's defaults; nil means the defaults.
	Scopes []string
	// PublishingStatus is the app's publishing status where the provider has one (Google):
	// "testing" or "in-production"; "" counts as in production.
	PublishingStatus string
	Tenant           string
	Issuer           string
	AuthURL          string
	TokenURL         string
	RevokeURL        string
	UserinfoURL      string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

const integrationColumns = `id, provider, name, client_id, secret_set_at, secret_set_by, enabled,
	redirect_port, scopes, tenant, issuer, auth_url, token_url, revoke_url, userinfo_url,
	created_at, updated_at, client_type, secret_expires_at, publishing_status`

type scanner interface{ Scan(dest ...any) error }

func scanIntegration(row scanner) (Integration, error) {
	var in Integration
	var secretSetAt, created, updated, expires int64
	var scopes string
	err := row.Scan(&in.ID, &in.Provider, &in.Name, &in.ClientID, &secretSetAt, &in.SecretSetBy,
		&in.Enabled, &in.RedirectPort, &scopes, &in.Tenant, &in.Issuer, &in.AuthURL, &in.TokenURL,
		&in.RevokeURL, &in.UserinfoURL, &created, &updated, &in.ClientType, &expires, &in.PublishingStatus)
	if err != nil {
		return Integration{}, err
	}
	in.SecretSetAt = fromMillis(secretSetAt)
	in.SecretExpiresAt = fromMillis(expires)
	in.Scopes = splitScopes(scopes)
	in.CreatedAt = fromMillis(created)
	in.UpdatedAt = fromMillis(updated)
	return in, nil
}

// Integrations lists every integration, ordered by name.
func Integrations(ctx context.Context, q Querier) ([]Integration, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+integrationColumns+` FROM integrations ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	defer rows.Close()
	var list []Integration
	for rows.Next() {
		in, err := scanIntegration(rows)
		if err != nil {
			return nil, fmt.Errorf("list integrations: %w", err)
		}
		list = append(list, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	return list, nil
}

// IntegrationByID returns the integration with this id, or ErrNotFound.
func IntegrationByID(ctx context.Context, q Querier, id string) (Integration, error) {
	in, err := scanIntegration(q.QueryRowContext(ctx, `SELECT `+integrationColumns+` FROM integrations WHERE id = ?`, id))
	if err != nil {
		return Integration{}, fmt.Errorf("integration %s: %w", id, notFound(err))
	}
	return in, nil
}

// PutIntegration inserts the integration or, if its id exists, replaces every field but
// CreatedAt. The caller sets CreatedAt and UpdatedAt: the store has no clock.
func PutIntegration(ctx context.Context, q Querier, in Integration) error {
	_, err := q.ExecContext(ctx, `INSERT INTO integrations (`+integrationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			provider = excluded.provider, name = excluded.name, client_id = excluded.client_id,
			secret_set_at = excluded.secret_set_at, secret_set_by = excluded.secret_set_by,
			enabled = excluded.enabled, redirect_port = excluded.redirect_port,
			scopes = excluded.scopes, tenant = excluded.tenant, issuer = excluded.issuer,
			auth_url = excluded.auth_url, token_url = excluded.token_url,
			revoke_url = excluded.revoke_url, userinfo_url = excluded.userinfo_url,
			updated_at = excluded.updated_at, client_type = excluded.client_type,
			secret_expires_at = excluded.secret_expires_at, publishing_status = excluded.publishing_status`,
		in.ID, in.Provider, in.Name, in.ClientID, millis(in.SecretSetAt), in.SecretSetBy,
		in.Enabled, in.RedirectPort, joinScopes(in.Scopes), in.Tenant, in.Issuer, in.AuthURL,
		in.TokenURL, in.RevokeURL, in.UserinfoURL, millis(in.CreatedAt), millis(in.UpdatedAt), in.ClientType,
		millis(in.SecretExpiresAt), in.PublishingStatus)
	if err != nil {
		return fmt.Errorf("save integration %s: %w", in.ID, constraint(err, nil))
	}
	return nil
}

// DeleteIntegration removes an integration. It fails with ErrInUse while sources still use
// it (disconnect them first) and with ErrNotFound if there is no such integration.
func DeleteIntegration(ctx context.Context, q Querier, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM integrations WHERE id = ?`, id)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("delete integration %s: %w", id, constraint(err, ErrInUse))
	}
	return nil
}

// IntegrationSourceCounts returns how many sources use each integration; an integration
// without sources is absent from the map.
func IntegrationSourceCounts(ctx context.Context, q Querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT integration_id, count(*) FROM sources GROUP BY integration_id`)
	if err != nil {
		return nil, fmt.Errorf("count sources: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count sources: %w", err)
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count sources: %w", err)
	}
	return counts, nil
}
