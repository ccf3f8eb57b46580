package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A secret file that other users may read still works, with a warning that names it and the
// fix; a private one gets none.
func TestSecretFileOpenToOthersWarns(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	newPass := filepath.Join(w.dir, "rita-new.pass")
	if err := os.WriteFile(newPass, []byte("rita's shared passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		mode os.FileMode
		args []string
		warn bool
	}{
		{w.passFile("rita"), 0o600, []string{"sources", "list"}, false},
		{w.passFile("rita"), 0o644, []string{"sources", "list"}, true},
		{w.passFile("rita"), 0o640, []string{"sources", "list"}, true},
		{newPass, 0o604, []string{"passphrase", "--new-passphrase-file", newPass}, true},
	} {
		if err := os.Chmod(tc.file, tc.mode); err != nil {
			t.Fatal(err)
		}
		r := w.must(w.as("rita", tc.args...))
		warned := strings.Contains(r.stderr, "warning: "+tc.file) && strings.Contains(r.stderr, "chmod 600 "+tc.file) &&
			strings.Contains(r.stderr, "other users")
		if warned != tc.warn {
			t.Errorf("%s with mode %04o: warned %v, want %v; stderr:\n%s", filepath.Base(tc.file), tc.mode, warned, tc.warn, r.stderr)
		}
		if tc.file == newPass {
			w.must(w.run("--user", "rita", "--passphrase-file", newPass, "sources", "list"))
		}
	}
}
