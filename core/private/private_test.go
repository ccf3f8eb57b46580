package private

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/medialake/connect/internal/tempdir"
)

func TestWriteFile(t *testing.T) {
	dir := tempdir.New(t)
	path := filepath.Join(dir, "out.age")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteFile(path, false, write("first")); err != nil {
		t.Fatal(err)
	}
	// On Windows modes mean nothing: private_windows_test.go checks the access-control list.
	if st, err := os.Stat(path); runtime.GOOS != "windows" && (err != nil || st.Mode().Perm() != FileMode) {
		t.Fatalf("mode %v, %v; want %v", st.Mode(), err, FileMode)
	}
	if err := WriteFile(path, false, write("second")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("over an existing file: %v, want fs.ErrExist", err)
	}
	if err := WriteFile(path, true, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("disk full") }); err == nil {
		t.Error("a failed write reported success")
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("after refused and failed writes the file holds %q, want the first", b)
	}
	if err := WriteFile(path, true, write("third")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "third" {
		t.Errorf("overwrite: %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
