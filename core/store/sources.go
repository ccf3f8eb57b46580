package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// A source's status, as the schema allows it.
const (
	StatusConnected         = "connected"
	StatusNeedsReconnect    = "needs_reconnect"
	StatusOffline           = "offline"
	StatusRevocationPending = "revocation_pending"
	StatusError             = "error"
)

// Source is one account that a user connected through an integration. It holds no token:
// the token lives in the keychain, and TokenVersion counts its writes there.
type Source struct {
	ID            int64
	IntegrationID string
	OwnerID       int64
	// OwnerName is read from users; writes ignore it.
	OwnerName string
	// IntegrationName is the integration's name as its administrator gave it, read from
	// integrations; writes ignore it.
	IntegrationName string
	// Account labels the source for people, e.g. jane@example.com.
	Account string
	// AccountSubject is the provider's stable id of the account.
	AccountSubject string
	// Scopes are the scopes the provider granted.
	Scopes []string
	// Status is one of the Status constants; StatusDetail says why, for people.
	Status        string
	StatusDetail  string
	TokenVersion  int64
	TokenExpiry   time.Time
	LastRefreshAt time.Time
	// GrantedAt is when the refresh token was issued: at the connection or the last reconnect.
	GrantedAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SourceFilter narrows Sources; its zero value lists every source.
type SourceFilter struct {
	OwnerID       int64  // 0: every owner
	IntegrationID string // "": every integration
	// Text keeps the sources whose account, owner name or integration name contains it,
	// ignoring ASCII case.
	Text string
}

const sourceSelect = `SELECT s.id, s.integration_id, i.name, s.owner_id, u.name, s.account, s.account_subject,
	s.scopes, s.status, s.status_detail, s.token_version, s.token_expiry, s.last_refresh_at,
	s.created_at, s.updated_at, s.granted_at
	FROM sources s JOIN users u ON u.id = s.owner_id JOIN integrations i ON i.id = s.integration_id`

func scanSource(row scanner) (Source, error) {
	var s Source
	var scopes string
	var expiry, refreshed, created, updated, granted int64
	err := row.Scan(&s.ID, &s.IntegrationID, &s.IntegrationName, &s.OwnerID, &s.OwnerName, &s.Account, &s.AccountSubject,
		&scopes, &s.Status, &s.StatusDetail, &s.TokenVersion, &expiry, &refreshed, &created, &updated, &granted)
	if err != nil {
		return Source{}, err
	}
	s.Scopes = splitScopes(scopes)
	s.TokenExpiry = fromMillis(expiry)
	s.LastRefreshAt = fromMillis(refreshed)
	s.CreatedAt = fromMillis(created)
	s.UpdatedAt = fromMillis(updated)
	s.GrantedAt = fromMillis(granted)
	return s, nil
}

// Sources lists the sources that f keeps, ordered by account.
func Sources(ctx context.Context, q Querier, f SourceFilter) ([]Source, error) {
	var where []string
	var args []any
	if f.OwnerID != 0 {
		where = append(where, "s.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.IntegrationID != "" {
		where = append(where, "s.integration_id = ?")
		args = append(args, f.IntegrationID)
	}
	if f.Text != "" {
		where = append(where, "(instr(lower(s.account), lower(?)) OR instr(lower(u.name), lower(?)) OR instr(lower(i.name), lower(?)))")
		args = append(args, f.Text, f.Text, f.Text)
	}
	query := sourceSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY s.account COLLATE NOCASE, s.id"
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var list []Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return list, nil
}

// SourceByID returns the source with this id, or ErrNotFound.
func SourceByID(ctx context.Context, q Querier, id int64) (Source, error) {
	s, err := scanSource(q.QueryRowContext(ctx, sourceSelect+` WHERE s.id = ?`, id))
	if err != nil {
		return Source{}, fmt.Errorf("source %d: %w", id, notFound(err))
	}
	return s, nil
}

// InsertSource saves a new source and returns its id; s.ID and s.OwnerName are ignored. The
// same account of one owner at one integration twice is ErrDuplicate; an integration or owner
// that does not exist is ErrNotFound. The caller sets the times: the store has no clock; a
// zero GrantedAt is CreatedAt.
func InsertSource(ctx context.Context, q Querier, s Source) (int64, error) {
	res, err := insertSourceRow(ctx, q, nil, s)
	if err != nil {
		return 0, fmt.Errorf("save source %s at %s: %w", s.Account, s.IntegrationID, constraint(err, ErrNotFound))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("save source %s at %s: %w", s.Account, s.IntegrationID, err)
	}
	return id, nil
}

// UpdateSourceStatus sets a source's status (one of the Status constants) and the reason
// shown with it, as of at.
func UpdateSourceStatus(ctx context.Context, q Querier, id int64, status, detail string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE sources SET status = ?, status_detail = ?, updated_at = ? WHERE id = ?`,
		status, detail, millis(at), id)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("set status of source %d to %s: %w", id, status, err)
	}
	return nil
}

// RecordTokenWrite notes that the source's token was just written to the keychain: it bumps
// TokenVersion, sets TokenExpiry and LastRefreshAt (= at), and returns the new version.
func RecordTokenWrite(ctx context.Context, q Querier, id int64, expiry, at time.Time) (int64, error) {
	var version int64
	err := q.QueryRowContext(ctx, `UPDATE sources SET token_version = token_version + 1,
		token_expiry = ?, last_refresh_at = ?, updated_at = ? WHERE id = ? RETURNING token_version`,
		millis(expiry), millis(at), millis(at), id).Scan(&version)
	if err != nil {
		return 0, fmt.Errorf("record token of source %d: %w", id, notFound(err))
	}
	return version, nil
}

// insertSourceRow inserts s under id, or the next id where id is nil; a zero GrantedAt is
// CreatedAt, an empty Status connected.
func insertSourceRow(ctx context.Context, q Querier, id any, s Source) (sql.Result, error) {
	if s.Status == "" {
		s.Status = StatusConnected
	}
	if s.GrantedAt.IsZero() {
		s.GrantedAt = s.CreatedAt
	}
	return q.ExecContext(ctx, `INSERT INTO sources (id, integration_id, owner_id, account,
		account_subject, scopes, status, status_detail, token_version, token_expiry,
		last_refresh_at, created_at, updated_at, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, s.IntegrationID, s.OwnerID, s.Account, s.AccountSubject, joinScopes(s.Scopes), s.Status,
		s.StatusDetail, s.TokenVersion, millis(s.TokenExpiry), millis(s.LastRefreshAt),
		millis(s.CreatedAt), millis(s.UpdatedAt), millis(s.GrantedAt))
}

// DeleteSource removes a source's row, and its script access, or fails with ErrNotFound. Its
// keychain entry is the caller's to remove.
func DeleteSource(ctx context.Context, q Querier, id int64) error {
	_, err := WithdrawScriptAccess(ctx, q, id)
	var res sql.Result
	if err == nil {
		res, err = q.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id)
	}
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("delete source %d: %w", id, err)
	}
	return nil
}

// TransferSources gives every source of one user to another, as of at, and returns how many
// moved. If the new owner already has one of the accounts, nothing moves and the error is
// ErrDuplicate; a new owner who does not exist is ErrNotFound.
func TransferSources(ctx context.Context, q Querier, from, to int64, at time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE sources SET owner_id = ?, updated_at = ? WHERE owner_id = ?`,
		to, millis(at), from)
	if err != nil {
		return 0, fmt.Errorf("transfer sources of user %d to %d: %w", from, to, constraint(err, ErrNotFound))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("transfer sources of user %d to %d: %w", from, to, err)
	}
	return n, nil
}

// AccountKey names one account at one integration: the integration's id and the account's
// subject.
type AccountKey struct{ IntegrationID, Subject string }

// AccountCounts counts the sources of each account at each integration; more than one is the
// same account connected by several users of the workspace.
func AccountCounts(ctx context.Context, q Querier) (map[AccountKey]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT integration_id, account_subject, count(*) FROM sources GROUP BY integration_id, account_subject`)
	if err != nil {
		return nil, fmt.Errorf("count accounts: %w", err)
	}
	defer rows.Close()
	counts := map[AccountKey]int{}
	for rows.Next() {
		var k AccountKey
		var n int
		if err := rows.Scan(&k.IntegrationID, &k.Subject, &n); err != nil {
			return nil, fmt.Errorf("count accounts: %w", err)
		}
		counts[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count accounts: %w", err)
	}
	return counts, nil
}
