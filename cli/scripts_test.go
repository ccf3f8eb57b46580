// These tests sign in against a real authorization server (authtest, ory/fosite) and keep
// secrets in a real Secret Service: run them under scripts/with-secret-service.sh.

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/internal/testkit"
)

// Grant, use without a passphrase, withdraw: 'token SOURCE' without --user is refused with
// exit 3 and the exact command that grants it, works once the owner allowed it, and is
// refused again once the owner withdrew it. The list shows the grant to an administrator.
func TestScriptToken(t *testing.T) {
	w, srv, id := withIntegration(t)
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	sid := strconv.FormatInt(w.connect("wendy", id).ID, 10)
	w.ask = func(string) (core.Secret, error) {
		t.Error("token without --user asked for a passphrase")
		return core.Secret{}, errNoTerminal
	}

	grant := "'medialake-connect --home " + shellWord(w.home) + " --user wendy sources allow-scripts " + sid + "'"
	refused := func(when string) {
		t.Helper()
		r := w.run("token", sid)
		if r.code != ExitForbidden || r.stdout != "" || !strings.Contains(r.stderr, grant) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: got %v\nwant exit 3, one line naming %s", when, r, grant)
		}
	}
	refused("before the grant")
	if r := w.as("rita", "sources", "allow-scripts", sid); r.code != ExitForbidden {
		t.Errorf("a reader grants it: got %v, want exit 3", r)
	}
	refused("after a reader's refused grant")

	w.must(w.as("wendy", "sources", "allow-scripts", sid))
	signedIn := w.must(w.as("wendy", "token", sid)).stdout
	if r := w.must(w.run("token", sid)); r.stdout != signedIn || len(r.stdout) < 10 {
		t.Errorf("token without sign-in: got %q, want the token a signed-in owner gets, %q", r.stdout, signedIn)
	}
	if r := w.must(w.run("token", sid, "--header")); r.stdout != "Authorization: Bearer "+signedIn {
		t.Errorf("token --header without sign-in: got %q", r.stdout)
	}
	list := sourcesOf(t, w.must(w.as("root", "sources", "list", "--json")))
	if len(list) != 1 || !list[0].ScriptAccess {
		t.Errorf("sources list --json: got %+v, want one source with script_access true", list)
	}
	table := w.must(w.as("root", "sources", "list")).stdout
	if lines := strings.Split(strings.TrimSpace(table), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "SCRIPTS") ||
		!strings.HasSuffix(lines[1], "yes") {
		t.Errorf("sources list: got\n%s\nwant a SCRIPTS column that says yes", table)
	}
	e := w.activity(core.ProgramActor, 1)
	if len(e) != 1 || e[0].Action != string(access.SourceToken) || !strings.Contains(e[0].Detail, "token read by a program") {
		t.Errorf("program's entries: got %+v, want the token read by a program", e)
	}

	w.must(w.as("wendy", "sources", "deny-scripts", sid))
	refused("after the owner withdrew it")
	if r := w.must(w.as("root", "sources", "list")).stdout; !strings.HasSuffix(strings.TrimSpace(r), "no") {
		t.Errorf("sources list after the withdrawal: got\n%s\nwant SCRIPTS no", r)
	}
	if r := w.run("token", "99"); r.code != ExitFailed || !strings.Contains(r.stderr, "no source with that id") {
		t.Errorf("token of no source: got %v, want exit 1 saying there is no such source", r)
	}
}

// Unattended commands do not make a workspace where there is none (a mistyped --home): they
// fail and say where they looked.
func TestUnattendedCommandsNeedAWorkspace(t *testing.T) {
	w := newWorkspace(t)
	for _, args := range [][]string{{"token", "1"}, {"sources", "maintain"}} {
		r := w.run(args...)
		if r.code != ExitFailed || !strings.Contains(r.stderr, "no workspace in this folder") || !strings.Contains(r.stderr, w.home) {
			t.Errorf("%v in an empty folder: got %v, want exit 1 naming the folder", args, r)
		}
		if _, err := os.Stat(w.home); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v made %s (%v)", args, w.home, err)
		}
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"wendy": "wendy", "j.doe@x": "j.doe@x", "Ann Lee": "'Ann Lee'", "o'neil": `'o'\''neil'`, "$(x)": "'$(x)'",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %q, want %q", in, got, want)
		}
	}
}

// The refusal names the command that grants it, with the owner's name quoted for the shell,
// and exits 3 like any refusal.
func TestNoScriptAccessMessage(t *testing.T) {
	err := fmt.Errorf("token: %w", &core.NoScriptAccessError{SourceID: 7, Owner: "Ann Lee"})
	want := "'medialake-connect --user 'Ann Lee' sources allow-scripts 7', or run this command with --user 'Ann Lee'"
	if msg := message(err); !strings.Contains(msg, want) {
		t.Errorf("message = %q, want it to contain %q", msg, want)
	}
	if code := exitCode(err); code != ExitForbidden {
		t.Errorf("exitCode = %d, want %d", code, ExitForbidden)
	}
}
