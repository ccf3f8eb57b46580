package store

import (
	"encoding/base32"
	"sync"
	"testing"
	"time"
)

func TestWorkspaceCreatedOnce(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	first, err := ReadWorkspace(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	bits, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(first.ID)
	if err != nil || len(bits)*8 < 128 {
		t.Errorf("workspace id %q: %d bits (err %v), want at least 128", first.ID, len(bits)*8, err)
	}
	if first.CreatedAt.IsZero() || first.IdleLock != 15*time.Minute || !first.KeepAlive {
		t.Errorf("new workspace = %+v, want a creation time, idle lock 15m, keep-alive on", first)
	}
	again, err := ReadWorkspace(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("second call = %+v, want %+v", again, first)
	}
	other, err := ReadWorkspace(ctx, openTemp(t))
	if err != nil {
		t.Fatal(err)
	}
	if other.ID == first.ID {
		t.Errorf("two workspaces share the id %s", other.ID)
	}
}

// TestWorkspaceRace opens one file through several handles, as several processes would, and
// creates the workspace from all of them at once.
func TestWorkspaceRace(t *testing.T) {
	ctx := t.Context()
	path := openTemp(t).Path()
	const n = 4
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Go(func() {
			w, err := ReadWorkspace(ctx, db)
			if err != nil {
				t.Error(err)
			}
			ids[i] = w.ID
		})
	}
	wg.Wait()
	for i, id := range ids {
		if id == "" || id != ids[0] {
			t.Errorf("handle %d: workspace id %q, want %q as handle 0", i, id, ids[0])
		}
	}
}

func TestWorkspaceSettings(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	if err := SetIdleLock(ctx, db, 90*time.Second+400*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := SetKeepAlive(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	if err := SetIdleLock(ctx, db, -time.Second); err == nil {
		t.Error("SetIdleLock(-1s): no error")
	}
	w, err := ReadWorkspace(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if w.IdleLock != 90*time.Second || w.KeepAlive {
		t.Errorf("IdleLock %v, KeepAlive %v; want 1m30s, false", w.IdleLock, w.KeepAlive)
	}
}
