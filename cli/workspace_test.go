package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/testkit"
)

// TestWorkspaceExportRestore moves a workspace to another folder through an armoured file:
// the integration's test authorization works there with the imported client secret.
func TestWorkspaceExportRestore(t *testing.T) {
	w, srv, id := withIntegration(t)
	file := filepath.Join(w.dir, "move.age")
	filePass := filepath.Join(w.dir, "file.pass")
	if err := os.WriteFile(filePass, []byte("the file's own passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := w.as("root", "workspace", "export", file, "--file-passphrase", "x"); r.code != ExitUsage {
		t.Errorf("a passphrase as an argument: got %v, want exit 2", r)
	}
	if r := w.as("wendy", "workspace", "export", file, "--file-passphrase-file", filePass); r.code != ExitForbidden {
		t.Errorf("a writer exports: got %v, want exit 3", r)
	}
	r := w.must(w.as("root", "workspace", "export", file, "--file-passphrase-file", filePass, "--armor", "--with-activity", "--json"))
	var rep exportJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Integrations != 1 || rep.Users != 4 || rep.To != "a passphrase" {
		t.Fatalf("export --json: %v %+v\n%s", err, rep, r.stdout)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(b, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) || bytes.Contains(b, []byte(clientSecret)) {
		t.Fatalf("the file is not armoured, or holds the client secret in clear (%v)", err)
	}
	if r := w.as("root", "workspace", "export", file, "--file-passphrase-file", filePass); r.code != ExitFailed || !strings.Contains(r.stderr, "--force") {
		t.Errorf("export over a file: got %v, want exit 1 pointing at --force", r)
	}

	// Into the workspace in use: everything exists, so a dry run skips all.
	r = w.must(w.as("root", "workspace", "import", file, "--file-passphrase-file", filePass, "--dry-run"))
	if !strings.Contains(r.stdout, "keep (exists here)") || strings.Contains(r.stdout, " add") || !strings.Contains(r.stdout, "dry run") ||
		!strings.Contains(r.stdout, " by root (from workspace ") {
		t.Errorf("dry run into the same workspace: %v", r)
	}

	// Into an empty workspace, both passphrases on standard input: root's, then the file's.
	w2 := newWorkspace(t)
	if r := w2.runIn(strings.NewReader("root passphrase 123\nwrong one\n"), "--user", "root", "--passphrase-file", "-",
		"workspace", "import", file, "--file-passphrase-file", "-"); r.code != ExitFailed || !strings.Contains(r.stderr, "does not open this file") {
		t.Errorf("wrong file passphrase: got %v, want exit 1 saying so", r)
	}
	// A name that may not restore is told which names may.
	if r := w2.runIn(strings.NewReader("x\nthe file's own passphrase\n"), "--user", "wendy", "--passphrase-file", "-",
		"workspace", "import", file, "--file-passphrase-file", "-"); r.code != ExitFailed || !strings.Contains(r.stderr, "the file's administrators: root") {
		t.Errorf("restore as a writer: got %v, want exit 1 naming root, the file's administrator", r)
	}
	r = w2.must(w2.runIn(strings.NewReader("root passphrase 123\nthe file's own passphrase\n"), "--user", "root", "--passphrase-file", "-",
		"workspace", "import", file, "--file-passphrase-file", "-", "--json"))
	var plan struct {
		Restored     bool   `json:"restored"`
		ExportedBy   string `json:"exported_by"`
		Integrations []struct{ ID, Change string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || !plan.Restored || plan.ExportedBy != "root" || len(plan.Integrations) != 1 || plan.Integrations[0].Change != "add" {
		t.Fatalf("import --json: %v\n%s", err, r.stdout)
	}
	w2.dir = w.dir // the same users' passphrase files
	w2.openURL = testkit.NewBrowser(t, srv).OpenURL
	r = w2.must(w2.as("root", "integrations", "test", id, "--json"))
	var report testJSON
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || !report.OK || report.Account != authtest.DefaultUser.Email {
		t.Errorf("test authorization after the restore: %v %+v", err, report)
	}
}

func TestWorkspaceImportBadFile(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	empty := filepath.Join(w.dir, "empty.age")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.asIn("root", strings.NewReader("x\n"), "workspace", "import", empty, "--file-passphrase-file", "-")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "empty") || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Errorf("empty file: got %v, want exit 1 saying it is empty", r)
	}
}

// TestWorkspaceRecipients encrypts to an age recipient and an SSH key and opens the file with
// the age identity; another identity is refused.
func TestWorkspaceRecipients(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := age.GenerateX25519Identity()
	keys := filepath.Join(w.dir, "keys.txt")
	ssh := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKPnfH2Tc5CWmAuxWk3Ms9mXK8mAHmRgEaNl4P7G4tnY ops@desk"
	if err := os.WriteFile(keys, []byte("# ops\n"+ssh+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	idFile, otherFile := filepath.Join(w.dir, "id.txt"), filepath.Join(w.dir, "other.txt")
	os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600)
	os.WriteFile(otherFile, []byte(other.String()+"\n"), 0o600)
	file := filepath.Join(w.dir, "to-keys.age")
	r := w.must(w.as("root", "workspace", "export", file, "--recipient", id.Recipient().String(), "--recipients-file", keys))
	if !strings.Contains(r.stdout, "ops@desk") {
		t.Errorf("export does not say to whom: %v", r)
	}
	if r := w.as("root", "workspace", "import", file, "--identity", otherFile, "--dry-run"); r.code != ExitFailed || !strings.Contains(r.stderr, "does not open this file") {
		t.Errorf("another identity: got %v, want exit 1", r)
	}
	w.must(w.as("root", "workspace", "import", file, "--identity", idFile, "--dry-run"))
	var entries []entryJSON
	r = w.must(w.as("root", "activity", "--json", "--action", "workspace.export", "--limit", "1"))
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 1 ||
		!strings.Contains(entries[0].Detail, "to recipients age1") || !strings.Contains(entries[0].Detail, "ops@desk") {
		t.Errorf("export entry: %v %+v", err, entries)
	}
	if r := w.as("root", "workspace", "export", file+"2", "--recipient", "age1nope"); r.code != ExitFailed || !strings.Contains(r.stderr, "age recipients") {
		t.Errorf("a bad recipient: got %v", r)
	}
}

// workspace remove takes an administrator and the folder typed; then the folder is gone.
func TestWorkspaceRemove(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	if r := w.as("wendy", "workspace", "remove", "--confirm", w.home); r.code == ExitOK {
		t.Errorf("a writer removes the workspace: %v, want a refusal", r)
	}
	if r := w.asIn("root", strings.NewReader("/somewhere/else\n"), "workspace", "remove"); r.code != ExitFailed ||
		!strings.Contains(r.stderr, "Type the folder's path") || !strings.Contains(r.stderr, "type its path exactly") {
		t.Errorf("another folder typed: %v, want exit 1 and how to confirm", r)
	}
	if _, err := os.Stat(w.home); err != nil {
		t.Fatalf("a refused removal: %v", err)
	}
	r := w.must(w.asIn("root", strings.NewReader(w.home+"\n"), "workspace", "remove"))
	if !strings.Contains(r.stdout, "Removed the workspace") {
		t.Errorf("workspace remove said %q", r.stdout)
	}
	if _, err := os.Stat(w.home); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder after workspace remove: %v, want it gone", err)
	}
}
