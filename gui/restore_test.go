package gui

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Restore from a file… offers the export made last where exports go, and an empty field
// where there is none.
func TestRestoreOffersTheNewestExport(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home) // exports go to the home folder when it has no Documents
	g := newFixture(t, nil)
	if m := openRestore(t, g); m.file.Text != "" {
		t.Errorf("with no export the File field reads %q, want it empty", m.file.Text)
	}
	g.ui.win.Canvas().Overlays().Top().Hide()

	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, name := range []string{"medialake-connect-2026-11-20.age", "medialake-connect-2026-11-26.age"} {
		path := filepath.Join(home, name)
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, at.Add(time.Duration(i)*time.Hour), at.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	want := filepath.Join(home, "medialake-connect-2026-11-26.age")
	if m := openRestore(t, g); m.file.Text != want {
		t.Errorf("the File field reads %q, want the newest export %q", m.file.Text, want)
	}
}
