package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/medialake/connect/internal/tempdir"
)

func TestTryLockWhileHeld(t *testing.T) {
	ctx := context.Background()
	d := New(filepath.Join(tempdir.New(t), "locks"))
	unlock, err := d.Lock(ctx, "source-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.TryLock("source-1"); ok || err != nil {
		t.Errorf("TryLock of a held lock = %v, %v; want false, nil", ok, err)
	}
	// Another Dir on the same folder stands for another process: only the file lock is shared.
	other := New(d.path)
	if _, ok, err := other.TryLock("source-1"); ok || err != nil {
		t.Errorf("TryLock through another Dir = %v, %v; want false, nil", ok, err)
	}
	if u, ok, err := other.TryLock("source-2"); !ok || err != nil {
		t.Errorf("TryLock of another name = %v, %v; want true, nil", ok, err)
	} else {
		u()
	}
	unlock()
	u, ok, err := other.TryLock("source-1")
	if !ok || err != nil {
		t.Fatalf("TryLock after unlock = %v, %v; want true, nil", ok, err)
	}
	u()
	// On Windows the file's access-control list is core/private's, and tested there.
	st, err := os.Stat(filepath.Join(d.path, "source-1.lock"))
	if runtime.GOOS != "windows" && (err != nil || st.Mode().Perm() != 0o600) {
		t.Errorf("lock file: %v, %v; want mode 0600", st, err)
	}
}

func TestLockWaitsAndTells(t *testing.T) {
	ctx := context.Background()
	d := New(tempdir.New(t))
	waited := make(chan string, 2)
	d.OnWait(func(name string) { waited <- name })
	unlock, err := d.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := d.Lock(ctx, "a")
		if err == nil {
			u()
		}
		got <- err
	}()
	if name := <-waited; name != "a" {
		t.Errorf("waited for %q, want a", name)
	}
	unlock()
	if err := <-got; err != nil {
		t.Errorf("Lock after the holder let go: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := New(d.path).Lock(cctx, "../a"); !errors.Is(err, ErrBadName) {
		t.Errorf("Lock(../a) = %v, want ErrBadName", err)
	}
}

// A lock that stays held (by a hanging run of the app) makes Lock give up after MaxWait with
// ErrHeld, even when its context would wait for ever: whether the holder is this process or
// another.
func TestLockWaitIsBounded(t *testing.T) {
	holder := New(tempdir.New(t))
	unlock, err := holder.Lock(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, d := range []*Dir{holder, New(holder.path)} {
		d.maxWait = 50 * time.Millisecond
		if _, err := d.Lock(context.Background(), "a"); !errors.Is(err, ErrHeld) {
			t.Errorf("Lock of a lock held for ever = %v, want ErrHeld", err)
		}
	}
}
