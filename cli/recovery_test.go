package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

// terminal answers the prompts for secrets in turn, as a person at the terminal would.
func terminal(answers ...string) func(string) (core.Secret, error) {
	return func(string) (core.Secret, error) {
		if len(answers) == 0 {
			return core.Secret{}, errors.New("no more answers")
		}
		a := answers[0]
		answers = answers[1:]
		return core.NewSecret(a), nil
	}
}

// TestLocalRecovery: an administrator who forgot the passphrase gets a new one at the
// terminal, without signing in, after typing the name again; no terminal, no recovery. The
// next sign-in of each administrator prints a notice.
func TestLocalRecovery(t *testing.T) {
	w := newWorkspace(t)
	w.ask = terminal("root", "root's recovered passphrase", "root's recovered passphrase")
	if r := w.run("users", "reset-passphrase", "root", "--local-recovery"); r.code != ExitFailed || !strings.Contains(r.stderr, "init NAME") {
		t.Errorf("recovery in an empty workspace: got %v, want exit 1 and the hint to run init", r)
	}
	w.ask = nil
	w.team()
	w.must(w.as("root", "users", "add", "ada", "--privilege", "admin", "--new-passphrase-file", w.passFile("ada")))
	const fresh = "root's recovered passphrase"
	recover := []string{"users", "reset-passphrase", "root", "--local-recovery"}

	if r := w.run(recover...); r.code != ExitUsage || !strings.Contains(r.stderr, "only at a terminal") {
		t.Errorf("without a terminal: got %v, want exit 2 saying it needs a terminal", r)
	}
	if r := w.run(append(recover, "--new-passphrase-file", w.passFile("root"))...); r.code != ExitUsage {
		t.Errorf("with a passphrase file: got %v, want exit 2", r)
	}
	w.ask = terminal("rot", fresh, fresh)
	if r := w.run(recover...); r.code != ExitUsage || !strings.Contains(r.stderr, "nothing was changed") {
		t.Errorf("a mistyped confirmation: got %v, want exit 2 and nothing changed", r)
	}
	w.ask = terminal("wendy", fresh, fresh)
	if r := w.run("users", "reset-passphrase", "wendy", "--local-recovery"); r.code != ExitFailed || !strings.Contains(r.stderr, "administrator") {
		t.Errorf("recovering a writer: got %v, want exit 1 saying it is for administrators", r)
	}
	w.must(w.as("root", "users", "list")) // nothing changed so far

	w.ask = terminal("root", fresh, fresh)
	if r := w.must(w.run(recover...)); !strings.Contains(r.stdout, "New passphrase set for root") {
		t.Errorf("recovery: got %v, want it to say the passphrase is set", r)
	}
	w.ask = nil
	if r := w.as("root", "users", "list"); r.code != ExitFailed {
		t.Errorf("root's old passphrase after the recovery: got %v, want exit 1", r)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "root.pass"), []byte(fresh+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user   string
		notice bool
	}{{"root", true}, {"root", false}, {"wendy", false}, {"ada", true}} {
		r := w.must(w.as(tc.user, "sources", "list"))
		if told := strings.Contains(r.stderr, "notice: The passphrase of administrator root was reset by local recovery"); told != tc.notice {
			t.Errorf("%s's sign-in: notice %v, want %v; stderr:\n%s", tc.user, told, tc.notice, r.stderr)
		}
	}
	entries := w.activity("local recovery", 10)
	if len(entries) != 2 || entries[0].Action != string(access.LocalRecovery) || entries[0].Outcome != "ok" || entries[0].Subject != "root" ||
		entries[1].Outcome != "failed" || entries[1].Subject != "wendy" {
		t.Errorf("activity of local recovery: got %+v, want the ok recovery of root after wendy's failed one", entries)
	}
}
