//go:build unix

package core

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/medialake/connect/core/private"
)

// withUmask sets the process umask for one test; tests using it must not run in parallel.
func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// assertPrivate checks that home and every folder in it are 0700 and every file 0600.
func assertPrivate(t *testing.T, home string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(path)
		if err != nil {
			return err
		}
		want := private.FileMode
		if d.IsDir() {
			want = private.DirMode
		} else {
			files++
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Errorf("found %d files in %s, want at least the database, its -wal and -shm, the log and a lock", files, home)
	}
}

// TestWorkspaceFilesPrivateWhateverTheUmask opens a workspace whose folder was made beforehand
// with the usual 0755, and whose files another run left 0644, under umask 022: after an open
// and a write, the folder is 0700 and every file in it 0600.
func TestWorkspaceFilesPrivateWhateverTheUmask(t *testing.T) {
	withUmask(t, 0o022)
	ctx := context.Background()
	home := filepath.Join(t.TempDir(), "ws")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{DBFile, LogFile} { // an empty database is ours to initialise
		if err := os.WriteFile(filepath.Join(home, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open := func() {
		t.Helper()
		log, closer, err := OpenLog(home, false)
		if err != nil {
			t.Fatalf("OpenLog: %v", err)
		}
		defer closer.Close()
		a, err := Open(ctx, Config{Home: home, Logger: log, Now: newClock().Now})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer a.Close()
		if ok, err := a.NeedsFirstAdmin(ctx); err != nil {
			t.Fatal(err)
		} else if ok {
			if _, err := a.CreateFirstAdmin(ctx, "root", secret(adminPass), secret(adminPass)); err != nil {
				t.Fatalf("CreateFirstAdmin: %v", err)
			}
		}
		if _, err := a.SignIn(ctx, "root", secret(adminPass)); err != nil { // a write: the sign-in is logged
			t.Fatalf("SignIn: %v", err)
		}
		unlock, err := a.lockIntegration(ctx, "google") // a lock file, as a save takes
		if err != nil {
			t.Fatal(err)
		}
		unlock()
		assertPrivate(t, home) // the -wal and -shm exist while the database is open
	}
	open()

	// Someone (a restore, a copy with cp -r) widened everything; the next open narrows it again.
	filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := fs.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(path, mode)
		}
		return err
	})
	open()
}

// TestOpenRefusesAnotherUsersFolder gives the workspace folder to another user: the app must
// not put its database where that user could read or replace it.
func TestOpenRefusesAnotherUsersFolder(t *testing.T) {
	home, owner := "/", "0" // root's, when the tests do not run as root
	if os.Getuid() == 0 {
		home, owner = filepath.Join(t.TempDir(), "ws"), "12345"
		if err := os.Mkdir(home, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(home, 12345, 12345); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Open(context.Background(), Config{Home: home})
	if !errors.Is(err, private.ErrNotOwner) {
		t.Fatalf("Open of another user's folder: %v, want ErrNotOwner", err)
	}
	if st, err := os.Stat(home); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("another user's folder: %v, %v; want it left 0755", st, err)
	}
	for _, want := range []string{home, "user id " + owner, "--home"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(home, DBFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("database in another user's folder: %v, want none created", err)
	}
}
