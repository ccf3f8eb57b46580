package tempdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveTakesEverything(t *testing.T) {
	dir := New(t)
	root := filepath.Join(dir, "root")
	for _, p := range []string{"a/b/c", "a/d", "e"} {
		if err := os.MkdirAll(filepath.Join(root, p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p, "f.txt"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Remove(root); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after Remove: %v, want the folder gone", err)
	}
	if err := Remove(root); err != nil {
		t.Errorf("Remove of a missing folder: %v, want nil", err)
	}
}
