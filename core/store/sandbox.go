package store

import (
	"context"
	"time"
)

// SandboxSettings are the built-in sandbox provider's settings.
type SandboxSettings struct {
	Port           int
	AccessTokenTTL time.Duration
	RefuseRefresh  bool
	Silent         bool
}

// SandboxSettingsOf returns the sandbox's settings; ErrNotFound while none are saved.
func SandboxSettingsOf(ctx context.Context, q Querier) (SandboxSettings, error) {
	var s SandboxSettings
	var secs int64
	err := q.QueryRowContext(ctx, `SELECT port, access_token_seconds, refuse_refresh, silent FROM sandbox WHERE singleton = 1`).
		Scan(&s.Port, &secs, &s.RefuseRefresh, &s.Silent)
	if err != nil {
		return SandboxSettings{}, notFound(err)
	}
	s.AccessTokenTTL = time.Duration(secs) * time.Second
	return s, nil
}

// PutSandboxSettings saves the sandbox's settings.
func PutSandboxSettings(ctx context.Context, q Querier, s SandboxSettings) error {
	_, err := q.ExecContext(ctx, `INSERT INTO sandbox (singleton, port, access_token_seconds, refuse_refresh, silent)
		VALUES (1, ?, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET port = excluded.port,
		access_token_seconds = excluded.access_token_seconds, refuse_refresh = excluded.refuse_refresh,
		silent = excluded.silent`, s.Port, int64(s.AccessTokenTTL/time.Second), s.RefuseRefresh, s.Silent)
	return err
}

// DeleteSandbox deletes the sandbox's settings and every grant it keeps.
func DeleteSandbox(ctx context.Context, q Querier) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sandbox_grants`); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM sandbox`)
	return err
}

// SandboxGrant is one record of the sandbox's authorization server: a kind (code, pkce,
// access, refresh, oidc), the signature it is found by, the grant's request id, and the
// request as JSON.
type SandboxGrant struct {
	Kind, Signature, RequestID string
	Active                     bool
	Request                    []byte
	CreatedAt                  time.Time
}

// PutSandboxGrant saves g, replacing a record of the same kind and signature.
func PutSandboxGrant(ctx context.Context, q Querier, g SandboxGrant) error {
	_, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO sandbox_grants (kind, signature, request_id, active, request, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, g.Kind, g.Signature, g.RequestID, g.Active, string(g.Request), millis(g.CreatedAt))
	return err
}

// SandboxGrantOf returns the record of kind and signature; ErrNotFound if there is none.
func SandboxGrantOf(ctx context.Context, q Querier, kind, signature string) (SandboxGrant, error) {
	g := SandboxGrant{Kind: kind, Signature: signature}
	var req string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT request_id, active, request, created_at FROM sandbox_grants WHERE kind = ? AND signature = ?`,
		kind, signature).Scan(&g.RequestID, &g.Active, &req, &created)
	if err != nil {
		return SandboxGrant{}, notFound(err)
	}
	g.Request, g.CreatedAt = []byte(req), fromMillis(created)
	return g, nil
}

// DeactivateSandboxGrant marks the record of kind and signature inactive; ErrNotFound if none.
func DeactivateSandboxGrant(ctx context.Context, q Querier, kind, signature string) error {
	res, err := q.ExecContext(ctx, `UPDATE sandbox_grants SET active = 0 WHERE kind = ? AND signature = ?`, kind, signature)
	if err != nil {
		return err
	}
	return affected(res)
}

// DeactivateSandboxRequest marks every record of kind of the grant requestID inactive.
func DeactivateSandboxRequest(ctx context.Context, q Querier, kind, requestID string) error {
	_, err := q.ExecContext(ctx, `UPDATE sandbox_grants SET active = 0 WHERE kind = ? AND request_id = ?`, kind, requestID)
	return err
}

// DeleteSandboxGrant deletes the record of kind and signature, if any.
func DeleteSandboxGrant(ctx context.Context, q Querier, kind, signature string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sandbox_grants WHERE kind = ? AND signature = ?`, kind, signature)
	return err
}

// DeleteSandboxRequest deletes every record of kind of the grant requestID.
func DeleteSandboxRequest(ctx context.Context, q Querier, kind, requestID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sandbox_grants WHERE kind = ? AND request_id = ?`, kind, requestID)
	return err
}

// PruneSandboxGrants deletes the records that were invalidated or revoked before before: a
// retired refresh token is kept a while so that its reuse can be detected (and the grant
// revoked), not for ever.
func PruneSandboxGrants(ctx context.Context, q Querier, before time.Time) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sandbox_grants WHERE active = 0 AND created_at < ?`, millis(before))
	return err
}

// sandboxFlowKept is how long a started sign-in may wait for the sandbox's page; the app's
// own flows time out well before.
const sandboxFlowKept = time.Hour

// AddSandboxFlow records a sign-in the app started at the sandbox, by its PKCE challenge,
// and forgets those older than an hour.
func AddSandboxFlow(ctx context.Context, q Querier, challenge string, at time.Time) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sandbox_flows WHERE created_at < ?`, millis(at.Add(-sandboxFlowKept))); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO sandbox_flows (challenge, created_at) VALUES (?, ?)`, challenge, millis(at))
	return err
}

// SandboxFlowStarted reports whether the app started a sign-in with challenge within the
// hour before now.
func SandboxFlowStarted(ctx context.Context, q Querier, challenge string, now time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sandbox_flows WHERE challenge = ? AND created_at >= ?`,
		challenge, millis(now.Add(-sandboxFlowKept))).Scan(&n)
	return n > 0, err
}

// TakeSandboxFlow ends the sign-in of challenge: true once, within the hour before now;
// false if the app started none (or it was taken, or is older).
func TakeSandboxFlow(ctx context.Context, q Querier, challenge string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM sandbox_flows WHERE challenge = ? AND created_at >= ?`,
		challenge, millis(now.Add(-sandboxFlowKept)))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// EndSandboxFlow forgets the sign-in of challenge, answered or not: the app's flow ended.
func EndSandboxFlow(ctx context.Context, q Querier, challenge string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sandbox_flows WHERE challenge = ?`, challenge)
	return err
}
