package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
)

// User is a local profile of the workspace. PassphraseHash is an argon2id PHC string, never
// the passphrase.
type User struct {
	ID             int64
	Name           string
	Privilege      access.Privilege
	PassphraseHash string
	Disabled       bool
	// FailedSignIns counts wrong passphrases since the last successful sign-in.
	FailedSignIns int
	// LockedUntil: no sign-in attempt is accepted before it.
	LockedUntil  time.Time
	CreatedAt    time.Time
	LastSignInAt time.Time
}

const userSelect = `SELECT id, name, privilege, passphrase_hash, disabled, failed_signins,
	locked_until, created_at, last_signin_at FROM users`

func scanUser(row scanner) (User, error) {
	var u User
	var priv string
	var locked, created, signin int64
	err := row.Scan(&u.ID, &u.Name, &priv, &u.PassphraseHash, &u.Disabled, &u.FailedSignIns,
		&locked, &created, &signin)
	if err != nil {
		return User{}, err
	}
	if u.Privilege, err = access.ParsePrivilege(priv); err != nil {
		return User{}, err
	}
	u.LockedUntil = fromMillis(locked)
	u.CreatedAt = fromMillis(created)
	u.LastSignInAt = fromMillis(signin)
	return u, nil
}

// Users lists every user, ordered by name.
func Users(ctx context.Context, q Querier) ([]User, error) {
	rows, err := q.QueryContext(ctx, userSelect+` ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var list []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		list = append(list, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return list, nil
}

// UserByID returns the user with this id, or ErrNotFound.
func UserByID(ctx context.Context, q Querier, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, userSelect+` WHERE id = ?`, id))
	if err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, notFound(err))
	}
	return u, nil
}

// UserByName returns the user whose name equals name ignoring case, Unicode included (SQLite's
// NOCASE folds ASCII only), or ErrNotFound. A workspace has few users, so it reads them all.
func UserByName(ctx context.Context, q Querier, name string) (User, error) {
	list, err := Users(ctx, q)
	if err != nil {
		return User{}, err
	}
	for _, u := range list {
		if strings.EqualFold(u.Name, name) {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
}

// CountUsers returns how many users exist, disabled ones included.
func CountUsers(ctx context.Context, q Querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// CountActiveAdmins returns how many users have the admin privilege and are not disabled.
func CountActiveAdmins(ctx context.Context, q Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE privilege = 'admin' AND disabled = 0`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count administrators: %w", err)
	}
	return n, nil
}

// InsertUser saves a new user and returns its id; u.ID and the sign-in fields are ignored. A
// name taken (ASCII case ignored) is ErrDuplicate. The caller sets CreatedAt.
func InsertUser(ctx context.Context, q Querier, u User) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO users (name, privilege, passphrase_hash, disabled, created_at)
		VALUES (?, ?, ?, ?, ?)`, u.Name, u.Privilege.String(), u.PassphraseHash, u.Disabled, millis(u.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", u.Name, constraint(err, nil))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("add user %q: %w", u.Name, err)
	}
	return id, nil
}

// SetUserPrivilege changes a user's privilege.
func SetUserPrivilege(ctx context.Context, q Querier, id int64, p access.Privilege) error {
	return updateUser(ctx, q, id, "set privilege", `UPDATE users SET privilege = ? WHERE id = ?`, p.String(), id)
}

// SetUserDisabled disables or enables a user.
func SetUserDisabled(ctx context.Context, q Querier, id int64, disabled bool) error {
	return updateUser(ctx, q, id, "set disabled", `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
}

// SetPassphraseHash replaces a user's passphrase hash. When unlock is set it also clears the
// failure counter and any lock-out, as a new passphrase from an administrator should.
func SetPassphraseHash(ctx context.Context, q Querier, id int64, phc string, unlock bool) error {
	if unlock {
		return updateUser(ctx, q, id, "set passphrase",
			`UPDATE users SET passphrase_hash = ?, failed_signins = 0, locked_until = 0 WHERE id = ?`, phc, id)
	}
	return updateUser(ctx, q, id, "set passphrase", `UPDATE users SET passphrase_hash = ? WHERE id = ?`, phc, id)
}

// AddFailedSignIn counts one more wrong passphrase and returns the new count.
func AddFailedSignIn(ctx context.Context, q Querier, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx,
		`UPDATE users SET failed_signins = failed_signins + 1 WHERE id = ? RETURNING failed_signins`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("user %d: count failed sign-in: %w", id, notFound(err))
	}
	return n, nil
}

// SetLockedUntil closes sign-in for a user until t.
func SetLockedUntil(ctx context.Context, q Querier, id int64, t time.Time) error {
	return updateUser(ctx, q, id, "lock sign-in", `UPDATE users SET locked_until = ? WHERE id = ?`, millis(t), id)
}

// RecordSignIn notes a successful sign-in at t: it resets the failure counter and lock-out.
func RecordSignIn(ctx context.Context, q Querier, id int64, t time.Time) error {
	return updateUser(ctx, q, id, "record sign-in",
		`UPDATE users SET failed_signins = 0, locked_until = 0, last_signin_at = ? WHERE id = ?`, millis(t), id)
}

// DeleteUser removes a user. A user who still owns sources is ErrInUse: transfer or remove
// them first.
func DeleteUser(ctx context.Context, q Querier, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, constraint(err, ErrInUse))
	}
	return nil
}

// SourceCounts returns how many sources each user owns; users without any are absent.
func SourceCounts(ctx context.Context, q Querier) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT owner_id, count(*) FROM sources GROUP BY owner_id`)
	if err != nil {
		return nil, fmt.Errorf("count sources per user: %w", err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count sources per user: %w", err)
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count sources per user: %w", err)
	}
	return counts, nil
}

// SourceIDsOf returns the ids of the sources a user owns.
func SourceIDsOf(ctx context.Context, q Querier, owner int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM sources WHERE owner_id = ? ORDER BY id`, owner)
	if err != nil {
		return nil, fmt.Errorf("sources of user %d: %w", owner, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sources of user %d: %w", owner, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources of user %d: %w", owner, err)
	}
	return ids, nil
}

func updateUser(ctx context.Context, q Querier, id int64, what, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("user %d: %s: %w", id, what, err)
	}
	return nil
}
