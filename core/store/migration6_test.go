package store

import (
	"path/filepath"
	"testing"
)

// Migration 6 moves no Dropbox integration off the port registered at Dropbox: one saved
// without a port of its own listened on the old default, 53682, and is pinned there; one
// with its own port keeps it. Client secrets start with no expiry recorded.
func TestMigration6KeepsDropboxPort(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "connect.db")
	old := openAtVersion(t, path, 5)
	mustExec(t, old, `INSERT INTO integrations (id, provider, name, client_id, redirect_port, created_at, updated_at)
		VALUES ('dropbox', 'dropbox', 'Dropbox', 'key', 0, 1, 1), ('box', 'box', 'Box', 'id', 0, 1, 1),
		('custom-x', 'dropbox', 'Other Dropbox', 'key2', 40000, 1, 1)`)
	old.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id, want := range map[string]int{"dropbox": 53682, "box": 0, "custom-x": 40000} {
		in, err := IntegrationByID(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if in.RedirectPort != want || !in.SecretExpiresAt.IsZero() {
			t.Errorf("%s: port %d, secret expires %v; want port %d and no expiry", id, in.RedirectPort, in.SecretExpiresAt, want)
		}
	}
}
