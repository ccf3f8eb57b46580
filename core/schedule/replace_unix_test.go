//go:build unix

package schedule_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/medialake/connect/core/schedule"
)

// outsideTemp is a fresh folder of the test's own outside the temporary folder (which the
// schedule refuses for another reason): in /var/tmp where it can write there, else in the
// package's folder. It is removed when the test ends.
func outsideTemp(t *testing.T) string {
	t.Helper()
	tmp := filepath.Clean(os.TempDir()) + string(filepath.Separator)
	var dir string
	var err error
	if !strings.HasPrefix("/var/tmp/", tmp) {
		dir, err = os.MkdirTemp("/var/tmp", "schedule-test-")
	}
	if dir == "" || err != nil {
		dir, err = os.MkdirTemp(".", "schedule-test-")
	}
	if err != nil {
		t.Fatal(err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// installed puts a program with mode prog in a new folder with mode folder (modes set as
// given, whatever the umask) and returns the program's path.
func installed(t *testing.T, folder, prog os.FileMode) string {
	t.Helper()
	dir := filepath.Join(outsideTemp(t), "bin")
	p := filepath.Join(dir, "medialake-connect")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, prog); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, folder); err != nil {
		t.Fatal(err)
	}
	return p
}

func command(prog string) ([]string, error) {
	s := schedule.New(schedule.Config{OS: runtime.GOOS, Program: prog})
	return s.Command(schedule.Job{Name: "x", Home: "/home/a/ws"})
}

func TestProgramOnlyOwnerCanChangeAccepted(t *testing.T) {
	for name, prog := range map[string]string{
		"0755 program in a 0755 folder":           installed(t, 0o755, 0o755),
		"0755 program in a sticky 1777 folder":    installed(t, 0o777|os.ModeSticky, 0o755),
		"0700 program in a 0700 folder":           installed(t, 0o700, 0o700),
		"root's program found by looking up true": program(t),
	} {
		argv, err := command(prog)
		if want, _ := filepath.EvalSymlinks(prog); err != nil || len(argv) == 0 || argv[0] != want {
			t.Errorf("%s: Command = %q, %v; want it to run %s", name, argv, err, want)
		}
	}
}

func TestProgramOthersCanChangeRefused(t *testing.T) {
	linked := installed(t, 0o755, 0o755) + "-link"
	unsafe := installed(t, 0o777, 0o755)
	if err := os.Symlink(unsafe, linked); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, prog, names string
	}{
		{"0777 program in a 0777 folder", installed(t, 0o777, 0o777), "the app's program"},
		{"0755 program in a group-writable 0775 folder", installed(t, 0o775, 0o755), "the folder"},
		{"group-writable 0775 program in a 0755 folder", installed(t, 0o755, 0o775), "the app's program"},
		{"world-writable 0757 program in a sticky folder", installed(t, 0o777|os.ModeSticky, 0o757), "the app's program"},
		{"link to a program in a 0777 folder", linked, "the folder " + filepath.Dir(unsafe)},
		{"missing program in a sticky 1777 folder", installed(t, 0o777|os.ModeSticky, 0o755) + "-missing", "the folder"},
	} {
		_, err := command(tc.prog)
		if !errors.Is(err, schedule.ErrProgram) || !strings.Contains(err.Error(), tc.names) ||
			!strings.Contains(err.Error(), "make install") || !strings.Contains(err.Error(), "group or by others") {
			t.Errorf("%s: Command = %v; want ErrProgram naming %s, saying who can change it and to make install", tc.name, err, tc.names)
		}
		want, _ := filepath.EvalSymlinks(tc.prog)
		if want == "" {
			want = tc.prog
		}
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v does not name the program %s", tc.name, err, want)
		}
	}
}

// A program, or a folder above it, owned by another user (not root) is theirs to change.
func TestProgramOfAnotherUserRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	for _, which := range []string{"program", "folder"} {
		prog := installed(t, 0o755, 0o755)
		owned := prog
		if which == "folder" {
			owned = filepath.Dir(prog)
		}
		if err := os.Chown(owned, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, err := command(prog)
		if !errors.Is(err, schedule.ErrProgram) || !strings.Contains(err.Error(), owned+" ") ||
			!strings.Contains(err.Error(), "belongs to another user (uid 65534)") {
			t.Errorf("%s of uid 65534: Command = %v; want ErrProgram saying %s belongs to another user", which, err, owned)
		}
	}
}
