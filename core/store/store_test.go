package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// openTemp opens a new workspace database in a fresh folder.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "connect.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawOpen opens a file the way another program would: no pragmas of ours, no checks.
func rawOpen(t *testing.T, path, query string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", fileURI(path)+query)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, q Querier, query string, args ...any) {
	t.Helper()
	if _, err := q.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestPragmasOnEveryPooledConnection(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	// Holding the connections at once forces the pool to open four distinct ones.
	var conns []*sql.Conn
	for range 4 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	want := map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"busy_timeout": "10000",
		"foreign_keys": "1",
	}
	for i, c := range conns {
		for pragma, w := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("connection %d: PRAGMA %s: %v", i, pragma, err)
			}
			if got != w {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, w)
			}
		}
	}
}

// TestBeginTakesWriteLock shows _txlock=immediate: an open transaction that has not written
// yet already holds the write lock, so a second writer waits at BEGIN instead of failing
// later, at the upgrade from reader to writer.
func TestBeginTakesWriteLock(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A probe that does not wait on a busy database.
	probe, err := rawOpen(t, db.Path(), "?_busy_timeout=0").Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	_, err = probe.ExecContext(ctx, "BEGIN IMMEDIATE")
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrBusy {
		t.Fatalf("BEGIN IMMEDIATE beside an open transaction: err = %v, want SQLITE_BUSY", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := probe.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("BEGIN IMMEDIATE after rollback: %v", err)
	}
	mustExec(t, probe, "ROLLBACK")
}

// TestConcurrentReadModifyWrite runs transactions that read, then write: with deferred
// transactions in WAL mode they fail with SQLITE_BUSY; with immediate ones each waits its turn.
func TestConcurrentReadModifyWrite(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	if err := SetIdleLock(ctx, db, 0); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- db.Tx(ctx, func(tx *sql.Tx) error {
				var v int
				if err := tx.QueryRowContext(ctx, "SELECT idle_lock_seconds FROM workspace").Scan(&v); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "UPDATE workspace SET idle_lock_seconds = ?", v+1)
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("transaction: %v", err)
		}
	}
	w, err := ReadWorkspace(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got := int(w.IdleLock.Seconds()); got != n {
		t.Errorf("counter = %d, want %d", got, n)
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "connect.db")
	type state struct {
		version, appID int
		schema         string
		ws             Workspace
	}
	read := func(db *DB) state {
		t.Helper()
		var s state
		if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&s.version); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&s.appID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)").Scan(&s.schema); err != nil {
			t.Fatal(err)
		}
		var err error
		if s.ws, err = ReadWorkspace(ctx, db); err != nil {
			t.Fatal(err)
		}
		return s
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first := read(db)
	db.Close()
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if first.version != len(migs) || first.appID != ApplicationID {
		t.Fatalf("after first open: user_version %d, application_id %#x; want %d, %#x", first.version, first.appID, len(migs), ApplicationID)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer db.Close()
	if _, err := db.migrate(ctx, migs); err != nil {
		t.Fatalf("migrating an up-to-date file: %v", err)
	}
	if second := read(db); second != first {
		t.Errorf("after reopening:\n got %+v\nwant %+v", second, first)
	}
}

// files maps each file in dir to its SHA-256; a -shm file, which SQLite may rewrite while
// reading, maps to "" so that only its presence counts.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "-shm") {
			m[e.Name()] = ""
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		m[e.Name()] = hex.EncodeToString(sum[:])
	}
	return m
}

// snapshot copies a database and its WAL files while db still has them open, as a crash
// would leave them.
func snapshot(t *testing.T, path, dst string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func headerUint32(t *testing.T, path string, offset int) uint32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 100 {
		t.Fatalf("read header of %s: %v (%d bytes)", path, err, len(b))
	}
	return binary.BigEndian.Uint32(b[offset:])
}

func TestRefuseForeignOrNewerFile(t *testing.T) {
	migs, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := len(migs)
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"text file", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("shopping list\n- milk\n"), 0o600)
		}, ErrNotOurs},
		{"jpeg", func(t *testing.T, path string) {
			b := []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}
			rng := rand.New(rand.NewPCG(1, 2))
			for range 4096 {
				b = append(b, byte(rng.UintN(256)))
			}
			os.WriteFile(path, b, 0o600)
		}, ErrNotOurs},
		{"sqlite header only", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("SQLite format 3\x00"), 0o600)
		}, ErrNotOurs},
		{"other app's database", func(t *testing.T, path string) {
			db := rawOpen(t, path, "")
			mustExec(t, db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')")
			db.Close()
		}, ErrNotOurs},
		{"other app's WAL database", func(t *testing.T, path string) {
			db := rawOpen(t, path, "?_journal_mode=WAL")
			mustExec(t, db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')")
			db.Close()
		}, ErrNotOurs},
		{"other app's application id", func(t *testing.T, path string) {
			db := rawOpen(t, path, "?_journal_mode=WAL")
			mustExec(t, db, "PRAGMA application_id = 0x12345678; PRAGMA user_version = 1")
			db.Close()
		}, ErrNotOurs},
		{"other app's database, open in WAL", func(t *testing.T, path string) {
			orig := filepath.Join(t.TempDir(), "orig.db")
			db := rawOpen(t, orig, "?_journal_mode=WAL")
			mustExec(t, db, "PRAGMA wal_autocheckpoint = 0; CREATE TABLE notes (body TEXT)")
			snapshot(t, orig, path)
			db.Close()
		}, ErrNotOurs},
		{"newer version", func(t *testing.T, path string) {
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			raw := rawOpen(t, path, "")
			mustExec(t, raw, fmt.Sprintf("PRAGMA user_version = %d", latest+1))
			raw.Close()
		}, ErrTooNew},
		{"newer version, change still in WAL", func(t *testing.T, path string) {
			orig := filepath.Join(t.TempDir(), "orig.db")
			db, err := Open(t.Context(), orig)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			raw := rawOpen(t, orig, "?_journal_mode=WAL")
			mustExec(t, raw, "PRAGMA wal_autocheckpoint = 0")
			mustExec(t, raw, fmt.Sprintf("PRAGMA user_version = %d", latest+1))
			snapshot(t, orig, path)
			raw.Close()
			if v := headerUint32(t, path, 60); v != uint32(latest) {
				t.Fatalf("precondition: file header says version %d, want %d (the newer one only in the WAL)", v, latest)
			}
		}, ErrTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "connect.db")
			tt.make(t, path)
			before := files(t, dir)

			db, err := Open(t.Context(), path)
			if err == nil {
				db.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open: err = %v, want %v", err, tt.want)
			}
			t.Logf("Open: %v", err)
			for _, other := range []error{ErrNotOurs, ErrTooNew} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("Open: err = %v, also matches %v", err, other)
				}
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("Open: err = %q, want the path %s in it", err, path)
			}
			if after := files(t, dir); !maps.Equal(after, before) {
				t.Errorf("folder changed:\n got %v\nwant %v", after, before)
			}
		})
	}
}

func TestAcceptEmptyFile(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"zero bytes", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) }},
		{"empty SQLite database", func(t *testing.T, path string) {
			db := rawOpen(t, path, "")
			mustExec(t, db, "PRAGMA user_version = 0; VACUUM")
			db.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "connect.db")
			tt.make(t, path)
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			db.Close()
			if got := headerUint32(t, path, 68); got != ApplicationID {
				t.Errorf("application id = %#x, want %#x", got, ApplicationID)
			}
		})
	}
}
