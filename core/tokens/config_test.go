package tokens_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/medialake/connect/core/tokens"
)

// A Config field names what it replaces and leaves the rest at its default: with only LockDir
// set, a refresh takes its lock there (not beside the database) and still reads the time
// from Now.
func TestConfigLockDir(t *testing.T) {
	f := newFixture(t, memKeychain())
	id := f.connect(t)
	dir := filepath.Join(t.TempDir(), "elsewhere")
	m := tokens.New(f.db, f.kc, tokens.Config{Now: f.clock.Now, LockDir: dir})
	f.clock.Advance(2 * time.Hour) // the access token has expired: Token refreshes, under the lock
	if _, err := m.Token(t.Context(), id, f.cfg); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("lock folder %s: %v entries, error %v; want the source's lock file", dir, len(entries), err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(f.db.Path()), "locks")); !os.IsNotExist(err) {
		t.Errorf("the default lock folder beside the database exists (%v); want it untouched", err)
	}
}
