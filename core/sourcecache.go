package core

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"

	"github.com/medialake/connect/core/store"
)

// sourceCache keeps the last list of sources read, so that listing them again while nothing
// in the database has changed reads no rows: the Sources pane reloads after every action,
// and with 10,000 sources the read is what costs.
//
// Whether anything changed is SQLite's data_version, asked on a connection of the cache's
// own that never writes: it moves with every commit of every other connection, of this
// process's pool and of other processes (the CLI, a second window) alike. The version is
// read before the rows, so a commit in between makes the next call read again.
type sourceCache struct {
	mu      sync.Mutex
	conn    *sql.Conn // nil until first use, and after Close
	version int64
	valid   bool
	filter  store.SourceFilter
	list    []Source // Renewal unset: it depends on the time
	keep    bool     // the workspace's keep-alive when list was read
	polled  int64    // the data_version Changed saw last
}

// changed reports whether the database's data_version moved since the last call.
func (c *sourceCache) changed(ctx context.Context, db *store.DB) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	version, known := c.dataVersion(ctx, db)
	if !known {
		return true
	}
	moved := version != c.polled
	c.polled = version
	return moved
}

// sources returns the sources f keeps, with their Renewal as of now: the cached ones if the
// database has not changed since, else what read returns (then cached). scheduled says
// whether the upkeep's schedule is installed; it is asked each time, since a person may
// remove it outside the app.
func (c *sourceCache) sources(ctx context.Context, db *store.DB, f store.SourceFilter, now time.Time,
	read func(ctx context.Context) ([]Source, bool, error), scheduled func(ctx context.Context) bool) ([]Source, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	version, known := c.dataVersion(ctx, db)
	if !known || !c.valid || version != c.version || f != c.filter {
		list, keep, err := read(ctx)
		if err != nil {
			return nil, err
		}
		c.list, c.keep, c.filter, c.version, c.valid = list, keep, f, version, known
	}
	// A copy: callers sort and filter what they get.
	list := slices.Clone(c.list)
	plan := planOf(ctx, c.keep, scheduled)
	for i := range list {
		list[i].Renewal = renewalOf(list[i], plan, now)
	}
	return list, nil
}

// dataVersion is the database's data_version on the cache's connection; known is false if it
// could not be read, and then the caller reads the rows.
func (c *sourceCache) dataVersion(ctx context.Context, db *store.DB) (version int64, known bool) {
	if c.conn == nil {
		conn, err := db.Conn(ctx)
		if err != nil {
			return 0, false
		}
		c.conn = conn
	}
	if err := c.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&version); err != nil {
		return 0, false
	}
	return version, true
}

// close gives the cache's connection back; the App closes the database after it.
func (c *sourceCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.valid, c.list = false, nil
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}
