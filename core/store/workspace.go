package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"
)

// Workspace is the database's single settings row.
type Workspace struct {
	// ID is random and namespaces this workspace's keychain entries.
	ID        string
	CreatedAt time.Time
	// IdleLock is how long a signed-in session may stay idle before it locks.
	IdleLock time.Duration
	// KeepAlive says whether tokens are refreshed before they idle out at the provider.
	KeepAlive bool
}

// ReadWorkspace returns the workspace row, creating it with a new random id on first call. Two
// processes that race here end up with the same row.
func ReadWorkspace(ctx context.Context, q Querier) (Workspace, error) {
	w, err := selectWorkspace(ctx, q)
	if errors.Is(err, ErrNotFound) {
		if err := ensureWorkspace(ctx, q); err != nil {
			return Workspace{}, err
		}
		w, err = selectWorkspace(ctx, q)
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("read workspace: %w", err)
	}
	return w, nil
}

func selectWorkspace(ctx context.Context, q Querier) (Workspace, error) {
	var w Workspace
	var created, idle int64
	err := q.QueryRowContext(ctx,
		`SELECT id, created_at, idle_lock_seconds, keepalive FROM workspace WHERE singleton = 1`).
		Scan(&w.ID, &created, &idle, &w.KeepAlive)
	if err != nil {
		return Workspace{}, notFound(err)
	}
	w.CreatedAt = fromMillis(created)
	w.IdleLock = time.Duration(idle) * time.Second
	return w, nil
}

// SetIdleLock sets how long a signed-in session may stay idle, rounded to whole seconds.
func SetIdleLock(ctx context.Context, q Querier, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("set idle lock: negative duration %v", d)
	}
	return setWorkspace(ctx, q, "idle_lock_seconds", int64(d.Round(time.Second)/time.Second))
}

// SetKeepAlive sets whether tokens are refreshed before they idle out at the provider.
func SetKeepAlive(ctx context.Context, q Querier, on bool) error {
	return setWorkspace(ctx, q, "keepalive", on)
}

// setWorkspace sets one column; column is one of this file's constants, never input.
func setWorkspace(ctx context.Context, q Querier, column string, v any) error {
	if err := ensureWorkspace(ctx, q); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, "UPDATE workspace SET "+column+" = ? WHERE singleton = 1", v); err != nil {
		return fmt.Errorf("set workspace %s: %w", column, err)
	}
	return nil
}

// ensureWorkspace inserts the row unless it exists; the singleton key makes a second insert,
// from this process or another, a no-op.
func ensureWorkspace(ctx context.Context, q Querier) error {
	// rand.Text gives 26 base32 characters: at least 128 random bits.
	_, err := q.ExecContext(ctx,
		`INSERT OR IGNORE INTO workspace (singleton, id, created_at) VALUES (1, ?, ?)`,
		rand.Text(), millis(time.Now()))
	if err != nil {
		return fmt.Errorf("create workspace: %w", err)
	}
	return nil
}
