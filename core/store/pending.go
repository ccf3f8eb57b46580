package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReserveSourceID takes the next source id for a connect whose token is about to be written
// to the keychain, and records it as pending. The id is never handed out again, whatever
// becomes of the connect: SaveReservedSource turns it into a row, DropPendingSource ends it.
// Run it in a transaction, so the id is taken and recorded together.
func ReserveSourceID(ctx context.Context, q Querier, at time.Time) (int64, error) {
	var id int64
	// Taking the id from sqlite_sequence is what AUTOINCREMENT itself does on an insert
	// (sqlite.org/autoinc.html); the max() guards against a row inserted with its own id.
	err := q.QueryRowContext(ctx, `UPDATE sqlite_sequence
		SET seq = max(seq, (SELECT coalesce(max(id), 0) FROM sources)) + 1
		WHERE name = 'sources' RETURNING seq`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = q.QueryRowContext(ctx, `INSERT INTO sqlite_sequence (name, seq)
			SELECT 'sources', coalesce(max(id), 0) + 1 FROM sources RETURNING seq`).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("reserve a source id: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO pending_sources (id, created_at) VALUES (?, ?)`, id, millis(at)); err != nil {
		return 0, fmt.Errorf("reserve source id %d: %w", id, err)
	}
	return id, nil
}

// SaveReservedSource saves s under the id that ReserveSourceID gave (s.ID) and ends the
// reservation. A reservation that no longer exists (another process cleaned it up) is
// ErrNotFound, and nothing is saved; otherwise it fails as InsertSource does.
func SaveReservedSource(ctx context.Context, q Querier, s Source) error {
	if err := DropPendingSource(ctx, q, s.ID); err != nil {
		return err
	}
	if _, err := insertSourceRow(ctx, q, s.ID, s); err != nil {
		return fmt.Errorf("save source %s at %s: %w", s.Account, s.IntegrationID, constraint(err, ErrNotFound))
	}
	return nil
}

// PendingSources lists the reserved source ids whose connect has not ended, oldest first.
func PendingSources(ctx context.Context, q Querier) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM pending_sources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list pending sources: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list pending sources: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pending sources: %w", err)
	}
	return ids, nil
}

// DropPendingSource ends the reservation of id, or fails with ErrNotFound. Its keychain
// entry, if any, is the caller's to remove first.
func DropPendingSource(ctx context.Context, q Querier, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM pending_sources WHERE id = ?`, id)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("end the reservation of source id %d: %w", id, err)
	}
	return nil
}
