package store

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// TestSourceIDsNeverReused deletes the newest source: the next one must not take its id, or
// a script asking for that id's token would get another account's.
func TestSourceIDsNeverReused(t *testing.T) {
	db := openTemp(t)
	putIntegration(t, db, testIntegration("box"))
	alice := addUser(t, db, "alice")
	src := func(sub string) Source {
		return Source{IntegrationID: "box", OwnerID: alice, Account: sub, AccountSubject: sub, CreatedAt: at(1), UpdatedAt: at(1)}
	}
	first := insertSource(t, db, src("one"))
	second := insertSource(t, db, src("two"))
	if err := DeleteSource(t.Context(), db, second); err != nil {
		t.Fatal(err)
	}
	if third := insertSource(t, db, src("three")); third == second || third == first {
		t.Errorf("after deleting source %d, the next source got id %d; want a new id", second, third)
	}
}

// openAtVersion makes a workspace database at path migrated up to version only, as an older
// release of the app left it.
func openAtVersion(t *testing.T, path string, version int) *DB {
	t.Helper()
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	sdb, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{DB: sdb, path: path}
	if _, err := db.migrate(t.Context(), migs[:version]); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMigrationKeepsSourceIDs upgrades a version 2 database whose sources have gaps in their
// ids: the ids, rows, index and constraints stay, and no id up to the largest is handed out.
func TestMigrationKeepsSourceIDs(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "connect.db")
	old := openAtVersion(t, path, 2)
	// Written as version 2 knew its columns: PutIntegration writes today's.
	mustExec(t, old, `INSERT INTO integrations (id, provider, name, client_id, created_at, updated_at)
		VALUES ('box', 'box', 'Box', 'box-id', 1, 1)`)
	alice := addUser(t, old, "alice")
	for _, id := range []int64{2, 5, 9} {
		mustExec(t, old, `INSERT INTO sources (id, integration_id, owner_id, account, account_subject,
			token_version, created_at, updated_at) VALUES (?, 'box', ?, ?, ?, 3, 1, 2)`,
			id, alice, fmt.Sprint("acct-", id), fmt.Sprint("sub-", id))
	}
	old.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a version 2 database: %v", err)
	}
	defer db.Close()
	list, err := Sources(ctx, db, SourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range list {
		ids = append(ids, s.ID)
		if want := fmt.Sprint("acct-", s.ID); s.Account != want || s.TokenVersion != 3 {
			t.Errorf("source %d after migration: account %q, token version %d; want %q, 3", s.ID, s.Account, s.TokenVersion, want)
		}
	}
	if fmt.Sprint(ids) != "[2 5 9]" {
		t.Fatalf("source ids after migration = %v, want [2 5 9]", ids)
	}
	var index string
	if err := db.QueryRowContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sources' AND sql IS NOT NULL`).Scan(&index); err != nil || index != "sources_owner" {
		t.Errorf("index on sources = %q, %v; want sources_owner", index, err)
	}
	dup := Source{IntegrationID: "box", OwnerID: alice, Account: "again", AccountSubject: "sub-5", CreatedAt: at(1), UpdatedAt: at(1)}
	if _, err := InsertSource(ctx, db, dup); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same account twice after migration: %v, want ErrDuplicate", err)
	}
	orphan := Source{IntegrationID: "box", OwnerID: alice + 100, Account: "x", AccountSubject: "x", CreatedAt: at(1), UpdatedAt: at(1)}
	if _, err := InsertSource(ctx, db, orphan); !errors.Is(err, ErrNotFound) {
		t.Errorf("source of a missing user after migration: %v, want ErrNotFound (foreign key)", err)
	}
	if err := DeleteSource(ctx, db, 9); err != nil {
		t.Fatal(err)
	}
	next := insertSource(t, db, Source{IntegrationID: "box", OwnerID: alice, Account: "new", AccountSubject: "new", CreatedAt: at(1), UpdatedAt: at(1)})
	if next <= 9 {
		t.Errorf("first source after migration and deleting source 9 got id %d, want more than 9", next)
	}
	var fkErrors int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fkErrors); err != nil || fkErrors != 0 {
		t.Errorf("foreign key check after migration: %d problems, %v", fkErrors, err)
	}
}

// A reserved id is taken from the same sequence as the sources' own ids, becomes a row once,
// and is never handed out again, even when the reservation is dropped.
func TestReserveSourceID(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	putIntegration(t, db, testIntegration("box"))
	alice := addUser(t, db, "alice")
	src := func(sub string) Source {
		return Source{IntegrationID: "box", OwnerID: alice, Account: sub, AccountSubject: sub, CreatedAt: at(1), UpdatedAt: at(1)}
	}
	reserve := func() int64 {
		t.Helper()
		id, err := ReserveSourceID(ctx, db, at(1))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := insertSource(t, db, src("one"))
	kept, dropped := reserve(), reserve()
	next := insertSource(t, db, src("two"))
	if !(first < kept && kept < dropped && dropped < next) {
		t.Fatalf("ids: source %d, reserved %d and %d, then source %d; want them increasing", first, kept, dropped, next)
	}
	if err := DropPendingSource(ctx, db, dropped); err != nil {
		t.Fatal(err)
	}
	row := src("three")
	row.ID = kept
	if err := SaveReservedSource(ctx, db, row); err != nil {
		t.Fatalf("SaveReservedSource: %v", err)
	}
	if got, err := SourceByID(ctx, db, kept); err != nil || got.Account != "three" || got.Status != StatusConnected {
		t.Errorf("saved reserved source = %+v, %v", got, err)
	}
	row.ID, row.AccountSubject = dropped, "four"
	if err := SaveReservedSource(ctx, db, row); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveReservedSource of a dropped reservation = %v, want ErrNotFound", err)
	}
	if ids, err := PendingSources(ctx, db); err != nil || len(ids) != 0 {
		t.Errorf("pending after saving and dropping = %v, %v; want none", ids, err)
	}
	if last := insertSource(t, db, src("five")); last <= next {
		t.Errorf("source after the reservations got id %d, want more than %d", last, next)
	}
}
