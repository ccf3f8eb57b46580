package core

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/store"
)

// restoreFile is a file that restores a workspace with one administrator, root, whose
// passphrase is adminPass, and the given settings and integrations (JSON).
func restoreFile(t *testing.T, idleSeconds int64, integrations string) string {
	t.Helper()
	hash, err := access.Hash(secret(adminPass))
	if err != nil {
		t.Fatal(err)
	}
	return hostileFile(t, fmt.Sprintf(`{"format":1,"idle_lock_seconds":%d,"integrations":[%s],
		"users":[{"name":"root","privilege":"admin","passphrase_hash":%q}]}`, idleSeconds, integrations, hash))
}

// A restore applies only settings the form and the command line would accept: an idle lock
// of 0 (no lock at all), 1 second, or one that no duration holds refuses the whole file.
// 2^55+600 seconds wraps around, in nanoseconds, to exactly 10 minutes.
func TestRestoreRefusesSettingsOutOfRange(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	for _, secs := range []int64{0, 1, 59, 86401, 100_000_000_000, -60, 1<<55 + 600} {
		a, _ := openEmpty(t, clk, &syncBuffer{})
		_, _, err := a.Restore(ctx, restoreFile(t, secs, ""), ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass))
		if !errors.Is(err, ErrNotExport) {
			t.Errorf("restore with idle_lock_seconds %d: %v, want ErrNotExport", secs, err)
		}
		if n, _ := store.CountUsers(ctx, a.db); n != 0 {
			t.Errorf("idle_lock_seconds %d: %d users restored, want none", secs, n)
		}
	}
	a, _ := openEmpty(t, clk, &syncBuffer{})
	s, _, err := a.Restore(ctx, restoreFile(t, 600, ""), ImportOptions{Passphrase: secret(filePass)}, "root", secret(adminPass))
	if err != nil {
		t.Fatalf("restore with an idle lock of 10 minutes: %v", err)
	}
	if d, err := a.IdleLock(ctx, s); err != nil || d.Minutes() != 10 {
		t.Errorf("idle lock after the restore: %v, %v; want 10 minutes", d, err)
	}
}
