package store

import (
	"context"
	"fmt"
	"time"

	"github.com/medialake/connect/core/access"
)

// scriptValid is the one definition of a grant that holds: the source still exists, belongs
// to the owner who gave the grant and to the account it was given for, is not being
// disconnected, and its owner is not disabled. g, s and u are script_access, sources and
// users.
const scriptValid = `g.owner_id = s.owner_id AND g.account_subject = s.account_subject
	AND s.status <> '` + StatusRevocationPending + `' AND u.disabled = 0`

// ScriptGrant is a source's script access as stored, with what decides whether it holds.
type ScriptGrant struct {
	SourceID  int64
	GrantedAt time.Time
	// ReadNotedAt is when a program's read was last recorded in the activity log.
	ReadNotedAt time.Time
	// Holds is false when the source changed hands or account, is being disconnected, or its
	// owner is disabled, or when OwnerPrivilege no longer allows the owner a token.
	Holds          bool
	OwnerPrivilege access.Privilege
}

// GrantScriptAccess records that the owner lets programs get source id's token, for the
// account subject; a grant the source had is replaced.
func GrantScriptAccess(ctx context.Context, q Querier, id, owner int64, subject string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO script_access (source_id, owner_id, account_subject, granted_at)
		VALUES (?, ?, ?, ?)`, id, owner, subject, millis(at))
	if err != nil {
		return fmt.Errorf("grant script access to source %d: %w", id, err)
	}
	return nil
}

// WithdrawScriptAccess deletes source id's grant and reports whether it had one.
func WithdrawScriptAccess(ctx context.Context, q Querier, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM script_access WHERE source_id = ?`, id)
	if err != nil {
		return false, fmt.Errorf("withdraw script access of source %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// WithdrawScriptAccessOf deletes every grant the user gave and returns how many there were.
func WithdrawScriptAccessOf(ctx context.Context, q Querier, owner int64) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM script_access WHERE owner_id = ?`, owner)
	if err != nil {
		return 0, fmt.Errorf("withdraw the script access user %d gave: %w", owner, err)
	}
	return res.RowsAffected()
}

// ScriptAccess returns source id's grant, or ErrNotFound when it has none.
func ScriptAccess(ctx context.Context, q Querier, id int64) (ScriptGrant, error) {
	var g ScriptGrant
	var granted, noted int64
	var priv string
	err := q.QueryRowContext(ctx, `SELECT g.source_id, g.granted_at, g.read_noted_at, COALESCE(u.privilege, ''),
		EXISTS (SELECT 1 FROM sources s JOIN users u ON u.id = s.owner_id WHERE s.id = g.source_id AND `+scriptValid+`)
		FROM script_access g LEFT JOIN users u ON u.id = g.owner_id WHERE g.source_id = ?`, id).
		Scan(&g.SourceID, &granted, &noted, &priv, &g.Holds)
	if err != nil {
		return ScriptGrant{}, fmt.Errorf("script access of source %d: %w", id, notFound(err))
	}
	g.GrantedAt, g.ReadNotedAt = fromMillis(granted), fromMillis(noted)
	g.OwnerPrivilege, _ = access.ParsePrivilege(priv) // a deleted owner: 0, which allows nothing
	g.Holds = g.Holds && access.Allowed(g.OwnerPrivilege, access.SourceToken, true)
	return g, nil
}

// ScriptAccessSources returns the ids of the sources whose grant holds (see ScriptGrant).
func ScriptAccessSources(ctx context.Context, q Querier) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.source_id, u.privilege FROM script_access g
		JOIN sources s ON s.id = g.source_id JOIN users u ON u.id = s.owner_id WHERE `+scriptValid)
	if err != nil {
		return nil, fmt.Errorf("list script access: %w", err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		var priv string
		if err := rows.Scan(&id, &priv); err != nil {
			return nil, fmt.Errorf("list script access: %w", err)
		}
		if p, err := access.ParsePrivilege(priv); err == nil && access.Allowed(p, access.SourceToken, true) {
			ids[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list script access: %w", err)
	}
	return ids, nil
}

// NoteScriptRead claims the activity entry for a program's read of source id at at: it
// reports true, and remembers at, when no read was recorded in the period before at; false
// when one was. Two processes that read at once claim it once.
func NoteScriptRead(ctx context.Context, q Querier, id int64, at time.Time, period time.Duration) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE script_access SET read_noted_at = ?
		WHERE source_id = ? AND read_noted_at <= ?`, millis(at), id, millis(at.Add(-period)))
	if err != nil {
		return false, fmt.Errorf("note a program's read of source %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
