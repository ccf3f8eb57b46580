// Package store is the workspace database: one SQLite file opened with the pragmas the app
// relies on, migrated from embedded, numbered SQL files.
//
// One idiom: every read and write is a function over a Querier (the *DB, or a *sql.Tx inside
// DB.Tx), so the same query serves a plain read and a change in a transaction. *DB's own
// methods are its life cycle only: Open, Tx, Path, Close.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/medialake/connect/core/private"
)

// ApplicationID marks a SQLite file as a Medialake Connect workspace ("MLC1").
const ApplicationID = 0x4d4c4331

var (
	// ErrNotOurs means the file is a SQLite database (or something else) that another program wrote.
	ErrNotOurs = errors.New("not a Medialake Connect workspace database")
	// ErrTooNew means a newer version of the app wrote the file; this one must not touch it.
	ErrTooNew = errors.New("workspace database was written by a newer version of Medialake Connect")
	// ErrNotFound is returned by queries whose row does not exist, and by writes that refer
	// to a row that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate is returned by an insert that would break a uniqueness rule, such as the
	// same account connected twice through one integration by one user.
	ErrDuplicate = errors.New("already exists")
	// ErrInUse is returned when deleting a row that other rows still refer to, such as an
	// integration that still has sources.
	ErrInUse = errors.New("still in use")
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open workspace database.
type DB struct {
	*sql.DB
	path string
}

// Querier runs statements; *sql.DB, *sql.Tx, *sql.Conn and *DB satisfy it, so the write
// functions of this package can run alone or together in one transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Pragmas are set in the DSN so that every pooled connection gets them; a PRAGMA sent with
// db.Exec would reach one connection only.
func dsn(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	return fileURI(path) + "?" + q.Encode()
}

// fileURI turns a path into an SQLite URI without query.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p // file:/C:/dir/connect.db, as SQLite expects on Windows
	}
	// A '?' or '#' in a folder name would otherwise start the URI's query or fragment.
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Open opens (creating if needed) the workspace database at path and migrates it to the
// latest schema. A file that is not ours, or that a newer version wrote, is refused untouched.
func Open(ctx context.Context, path string) (*DB, error) {
	migs, err := migrations()
	if err != nil {
		return nil, err
	}
	if err := inspect(ctx, path, len(migs)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := privateFiles(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	sdb, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{DB: sdb, path: path}
	applied, err := db.migrate(ctx, migs)
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if applied > 0 {
		// What SQLite allocated to write the schema stays with the connection that wrote it:
		// closing the idle connections frees it (about 0.3 MB of a first start), and the next
		// query opens a fresh one. A workspace already up to date keeps its connection.
		sdb.SetMaxIdleConns(0)
		sdb.SetMaxIdleConns(defaultIdleConns)
	}
	return db, nil
}

// defaultIdleConns is database/sql's own number of idle connections kept.
const defaultIdleConns = 2

// privateFiles makes the database file and the files SQLite keeps beside it 0600, creating
// the database file first if missing: SQLite gives the -wal, -shm and -journal files it
// creates the database file's mode, so a 0600 database keeps them private whatever the umask.
// It runs after inspect, so that a file that is not ours is left as it was.
func privateFiles(path string) error {
	if err := private.Create(path); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := private.File(path + suffix); err != nil {
			return err
		}
	}
	return nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Tx runs fn in one transaction (BEGIN IMMEDIATE): it commits when fn returns nil and rolls
// back when fn fails or panics.
func (db *DB) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// An SQLite file starts with a header of headerSize bytes, itself starting with sqliteMagic.
const headerSize = 100

var sqliteMagic = []byte("SQLite format 3\x00")

// inspect decides whether the file at path may be opened read-write, without changing it or
// its folder. It reads the 100-byte header itself; only when the header cannot decide (no
// application id yet, or a WAL beside the file that may hold newer pages) does it ask SQLite.
// SQLite's mode=ro is not enough for that: on a WAL-mode file it creates -wal and -shm.
func inspect(ctx context.Context, path string, latest int) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	hdr := make([]byte, headerSize)
	n, err := io.ReadFull(f, hdr)
	f.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	hdr = hdr[:n]
	wal := exists(path+"-wal") && exists(path+"-shm")
	if n == 0 && !wal {
		return nil // an empty file: ours to initialise
	}
	if n > 0 && (n < headerSize || !bytes.HasPrefix(hdr, sqliteMagic)) {
		return fmt.Errorf("%w: not an SQLite database", ErrNotOurs)
	}
	if n > 0 && !wal {
		// With no WAL beside it, the header is the whole truth: the user version is at
		// offset 60, the application id at 68, both big-endian (sqlite.org/fileformat.html).
		version := binary.BigEndian.Uint32(hdr[60:])
		appID := binary.BigEndian.Uint32(hdr[68:])
		if appID != 0 {
			return judge(int64(appID), int64(version), 1, latest)
		}
	}

	// An open WAL is read through its -shm; without one, immutable=1 makes SQLite read the
	// file as it is, creating no -wal or -shm and taking no lock.
	uri := fileURI(path) + "?mode=ro"
	if !wal {
		uri += "&immutable=1"
	}
	ro, err := sql.Open("sqlite3", uri)
	if err != nil {
		return err
	}
	defer ro.Close()
	var appID, version, tables int64
	if err := ro.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("%w: %v", ErrNotOurs, err)
	}
	if err := ro.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if err := ro.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	return judge(appID, version, tables, latest)
}

// judge tells whether a database with these header values is ours to open.
func judge(appID, version, tables int64, latest int) error {
	switch {
	case appID == 0 && version == 0 && tables == 0:
		return nil // an empty database: ours to initialise
	case appID == 0:
		return fmt.Errorf("%w: another program's SQLite database", ErrNotOurs)
	case appID != ApplicationID:
		return fmt.Errorf("%w: another program's SQLite database (application id %#x)", ErrNotOurs, appID)
	case version > int64(latest):
		return fmt.Errorf("%w (schema %d, this version knows up to %d); update the app", ErrTooNew, version, latest)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var migs []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		migs = append(migs, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	for i, m := range migs {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: expected number %d", m.name, i+1)
		}
	}
	return migs, nil
}

// migrate applies each missing migration in a transaction of its own, together with the
// user_version that records it, so a crash leaves the file at one version or the next.
// It checks the file's marks again inside each transaction, in case another process
// changed the file after inspect looked at it, and returns how many it applied.
func (db *DB) migrate(ctx context.Context, migs []migration) (applied int, err error) {
	for _, m := range migs {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			var appID, current, tables int64
			if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
				return err
			}
			if err := judge(appID, current, tables, len(migs)); err != nil {
				return err
			}
			if current >= int64(m.version) {
				return nil
			}
			stmts := m.sql + fmt.Sprintf("\nPRAGMA user_version = %d;\nPRAGMA application_id = %d;", m.version, ApplicationID)
			if _, err := tx.ExecContext(ctx, stmts); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			applied++
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: %w", err)
		}
	}
	return applied, nil
}

// millis stores a time as Unix milliseconds; the zero time is 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis reads a time stored by millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// constraint converts SQLite's constraint errors into this package's sentinels: a unique or
// primary key conflict is ErrDuplicate, a broken reference is fk. Other errors pass through.
func constraint(err error, fk error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrConstraint {
		return err
	}
	switch se.ExtendedCode {
	case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
		return fmt.Errorf("%w: %v", ErrDuplicate, err)
	case sqlite3.ErrConstraintForeignKey:
		if fk != nil {
			return fmt.Errorf("%w: %v", fk, err)
		}
	}
	return err
}

// notFound converts sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// affected turns an update or delete that touched no row into ErrNotFound.
func affected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// joinScopes stores a scope list space separated.
func joinScopes(s []string) string { return strings.Join(s, " ") }

// splitScopes reads a scope list stored by joinScopes; none is nil.
func splitScopes(s string) []string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil
	}
	return f
}
