package cli

import (
	"strings"
	"testing"

	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/testkit"
)

// forged is a name that, printed raw, sets the terminal's title, rings its bell and starts a
// forged row of the activity table on a new line.
const forged = "ghost\x1b]0;PWNED\x07\n42  2026-01-01 00:00:00  root  user.add  wendy  ok"

// assertOneLinePerRow fails when out holds an escape or a bell, or more lines than the table's
// header and rows.
func assertOneLinePerRow(t *testing.T, what, out string, rows int) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07\r\u202e") {
		t.Errorf("%s prints a control character:\n%q", what, out)
	}
	if n := strings.Count(out, "\n"); n != rows+1 {
		t.Errorf("%s: got %d lines, want the header and %d rows:\n%s", what, n, rows, out)
	}
}

func TestActivityTableEscapesNames(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	if r := w.run("--user", forged, "--passphrase-file", w.passFile("root"), "sources", "list"); r.code != ExitFailed {
		t.Fatalf("sign-in with an unknown name: got %v, want exit 1", r)
	}
	if r := w.run("--user", forged, "--passphrase-file", w.passFile("root"), "sources", "list"); strings.ContainsAny(r.stderr, "\x1b\x07") ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("the refusal prints the name raw:\n%q", r.stderr)
	}

	r := w.must(w.as("root", "activity", "--limit", "1000"))
	// The table's own read is recorded after it is made, the JSON read after that.
	entries := w.activity("", 1000)
	assertOneLinePerRow(t, "activity", r.stdout, len(entries)-1)
	if !strings.Contains(r.stdout, `ghost\x1b]0;PWNED\x07\n42`) {
		t.Errorf("activity does not show the name escaped:\n%s", r.stdout)
	}
	// The log keeps the name as given, cut to 64 characters; JSON escapes it by itself.
	want := string([]rune(forged)[:64]) + "…"
	var raw bool
	for _, e := range entries {
		raw = raw || e.Actor == want
	}
	if !raw {
		t.Errorf("activity --json: no entry of the actor %q", want)
	}
}

// The CSV export is read in terminals and spreadsheets: a name typed at a failed sign-in is
// escaped as in the table, one that a spreadsheet would run as a formula is defused, and
// --limit is honoured.
func TestActivityCSVEscapesNames(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	for _, name := range []string{forged, "=HYPERLINK(\"https://evil.example\")"} {
		if r := w.run("--user", name, "--passphrase-file", w.passFile("root"), "sources", "list"); r.code != ExitFailed {
			t.Fatalf("sign-in with an unknown name: got %v, want exit 1", r)
		}
	}
	r := w.must(w.as("root", "activity", "--csv"))
	if strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `ghost\x1b]0;PWNED\x07\n42`) {
		t.Errorf("activity --csv does not show the name escaped:\n%q", r.stdout)
	}
	if !strings.Contains(r.stdout, `'=HYPERLINK(`) {
		t.Errorf("activity --csv leaves a formula to run:\n%s", r.stdout)
	}
	r = w.must(w.as("root", "activity", "--csv", "--limit", "2"))
	if n := strings.Count(r.stdout, "\n"); n != 3 {
		t.Errorf("activity --csv --limit 2: %d lines, want the header and 2:\n%s", n, r.stdout)
	}
}

func TestSourcesListEscapesAccounts(t *testing.T) {
	w, srv, id := withIntegration(t)
	srv.SetUser(authtest.User{Subject: "evil", Email: "evil@example.com\x1b]0;PWNED\x07\n99  x@example.com", Name: "Evil"})
	w.openURL = testkit.NewBrowser(t, srv).OpenURL
	src := w.connect("wendy", id)
	if src.Account != "evil@example.com\x1b]0;PWNED\x07\n99  x@example.com" {
		t.Fatalf("connected account: got %q, want the label as the provider gave it", src.Account)
	}
	for _, user := range []string{"wendy", "root"} {
		r := w.must(w.as(user, "sources", "list"))
		assertOneLinePerRow(t, "sources list as "+user, r.stdout, 1)
		if !strings.Contains(r.stdout, `evil@example.com\x1b]0;PWNED\x07\n99`) {
			t.Errorf("sources list as %s does not show the account escaped:\n%s", user, r.stdout)
		}
	}
	if r := w.must(w.as("wendy", "sources", "refresh", "1")); strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Errorf("sources refresh prints the account raw:\n%q", r.stdout)
	}
}
