// Package tempdir gives tests a temporary folder that is removed when the test ends, as
// t.TempDir does, and that can also be removed under Wine: there os.RemoveAll (Go 1.26) fails
// with "Invalid function" (it deletes through a call Wine 8 does not implement), so t.TempDir's
// clean-up fails every test that used it. Removing entry by entry with os.Remove works on both.
package tempdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// New returns a fresh folder for the test, removed with everything in it when the test ends.
// Outside Windows it is t.TempDir.
func New(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "windows" {
		return t.TempDir()
	}
	name := strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, t.Name())
	dir, err := os.MkdirTemp("", name[:min(len(name), 64)])
	if err != nil {
		t.Fatalf("tempdir: %v", err)
	}
	t.Cleanup(func() {
		if err := removeSoon(dir); err != nil {
			t.Errorf("tempdir: remove %s: %v", dir, err)
		}
	})
	return dir
}

// errSharingViolation is Windows' ERROR_SHARING_VIOLATION: a file still open cannot be deleted.
const errSharingViolation = syscall.Errno(32)

// removeSoon is Remove, tried again for up to two seconds while a file is still open, as
// t.TempDir's own clean-up does on Windows: a goroutine that a test abandoned (a lock wait
// that timed out, say) may close its file a moment after the test has ended.
func removeSoon(dir string) error {
	deadline := time.Now().Add(2 * time.Second)
	for {
		err := Remove(dir)
		if !errors.Is(err, errSharingViolation) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Remove deletes the folder at dir and everything in it, deepest first, one os.Remove each.
func Remove(dir string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return err
	}
	// WalkDir visits a folder before its contents: in reverse, every entry goes before its folder.
	for _, p := range slices.Backward(paths) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
