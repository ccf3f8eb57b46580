package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/vault"
)

// cheapHash keeps the suite fast; core/access checks the real parameters.
var cheapHash = access.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestMain(m *testing.M) {
	access.HashParams = cheapHash
	os.Exit(m.Run())
}

// workspace is a workspace folder in t.TempDir() and the passphrase files of its users.
type workspace struct {
	t    *testing.T
	home string
	dir  string
	// openURL, when set, stands in for the system browser.
	openURL func(string) error
	// stderrTee, when set, also receives what a run writes on stderr.
	stderrTee io.Writer
}

func newWorkspace(t *testing.T) *workspace {
	t.Helper()
	dir := t.TempDir()
	return &workspace{t: t, home: filepath.Join(dir, "ws"), dir: dir}
}

// result is one run of the command line.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// syncBuffer is a stderr that the flow's goroutines and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runIn runs the command line in-process on the workspace, with stdin and the given args
// after --home.
func (w *workspace) runIn(stdin io.Reader, args ...string) result {
	w.t.Helper()
	var out bytes.Buffer
	var errOut syncBuffer
	var stderr io.Writer = &errOut
	if w.stderrTee != nil {
		stderr = io.MultiWriter(&errOut, w.stderrTee)
	}
	r := newRunner(context.Background(), stdin, &out, stderr)
	r.askSecret = noTerminal
	r.openURL = func(string) error {
		w.t.Error("a command opened the browser in a test that gave it none")
		return errors.New("no browser in this test")
	}
	if w.openURL != nil {
		r.openURL = w.openURL
	}
	code := r.main(append([]string{"--home", w.home}, args...))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func (w *workspace) run(args ...string) result {
	w.t.Helper()
	return w.runIn(strings.NewReader(""), args...)
}

// as runs a command signed in as user, whose passphrase is in a file.
func (w *workspace) as(user string, args ...string) result {
	w.t.Helper()
	return w.run(append([]string{"--user", user, "--passphrase-file", w.passFile(user)}, args...)...)
}

// asIn is as with stdin.
func (w *workspace) asIn(user string, stdin io.Reader, args ...string) result {
	w.t.Helper()
	return w.runIn(stdin, append([]string{"--user", user, "--passphrase-file", w.passFile(user)}, args...)...)
}

// passFile is the file holding user's passphrase, written on first use.
func (w *workspace) passFile(user string) string {
	path := filepath.Join(w.dir, user+".pass")
	if _, err := os.Stat(path); err != nil {
		if err := os.WriteFile(path, []byte(user+" passphrase 123\n"), 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
	return path
}

// must runs a command that must succeed.
func (w *workspace) must(r result) result {
	w.t.Helper()
	if r.code != 0 {
		w.t.Fatalf("command failed: %v", r)
	}
	return r
}

// team sets up root (admin), wendy and walter (write) and rita (read).
func (w *workspace) team() {
	w.t.Helper()
	w.must(w.run("init", "root", "--passphrase-file", w.passFile("root")))
	for _, u := range []struct{ name, privilege string }{{"wendy", "write"}, {"walter", "write"}, {"rita", "read"}} {
		w.must(w.as("root", "users", "add", u.name, "--privilege", u.privilege, "--new-passphrase-file", w.passFile(u.name)))
	}
}

func noTerminal(string) (vault.Secret, error) { return vault.Secret{}, errNoTerminal }

// activity returns the newest activity entries of actor, read by root as JSON.
func (w *workspace) activity(actor string, limit int) []entryJSON {
	w.t.Helper()
	r := w.must(w.as("root", "activity", "--json", "--user", actor, "--limit", strconv.Itoa(limit)))
	var entries []entryJSON
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		w.t.Fatalf("activity --json does not parse: %v\n%s", err, r.stdout)
	}
	return entries
}

func TestInitAndUsers(t *testing.T) {
	w := newWorkspace(t)
	if r := w.as("root", "users", "list"); r.code != ExitFailed || !strings.Contains(r.stderr, "init NAME") {
		t.Errorf("users list before init: want exit 1 and a hint to run init, got %v", r)
	}
	w.team()
	if r := w.run("init", "other", "--passphrase-file", w.passFile("root")); r.code != ExitFailed || !strings.Contains(r.stderr, "already has an administrator") {
		t.Errorf("second init: want exit 1 saying it is set up, got %v", r)
	}

	r := w.must(w.as("root", "users", "list", "--json"))
	var users []userJSON
	if err := json.Unmarshal([]byte(r.stdout), &users); err != nil {
		t.Fatalf("users list --json does not parse: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, u := range users {
		got[u.Name] = u.Privilege
	}
	want := map[string]string{"root": "admin", "wendy": "write", "walter": "write", "rita": "read"}
	if len(got) != len(want) {
		t.Fatalf("users: got %v, want %v", got, want)
	}
	for name, p := range want {
		if got[name] != p {
			t.Errorf("privilege of %s: got %q, want %q", name, got[name], p)
		}
	}

	w.must(w.as("root", "users", "set-privilege", "walter", "read"))
	w.must(w.as("root", "users", "disable", "walter"))
	if r := w.as("walter", "sources", "list"); r.code != ExitFailed || !strings.Contains(r.stderr, "disabled") {
		t.Errorf("disabled user signs in: want exit 1 saying disabled, got %v", r)
	}
	w.must(w.as("root", "users", "enable", "walter"))
	w.must(w.as("walter", "sources", "list"))

	r = w.must(w.as("root", "users", "list"))
	if !strings.Contains(r.stdout, "NAME") || !strings.Contains(r.stdout, "walter  read") {
		t.Errorf("users list table: want walter with read privilege, aligned; got\n%s", r.stdout)
	}

	// Reset a passphrase from stdin; the old file no longer signs walter in.
	w.must(w.runIn(strings.NewReader("a brand new passphrase\n"), "--user", "root", "--passphrase-file", w.passFile("root"),
		"users", "reset-passphrase", "walter", "--new-passphrase-file", "-"))
	if r := w.as("walter", "sources", "list"); r.code != ExitFailed || !strings.Contains(r.stderr, "Wrong passphrase") {
		t.Errorf("old passphrase after reset: want exit 1 and wrong passphrase, got %v", r)
	}
	w.must(w.runIn(strings.NewReader("a brand new passphrase\n"), "--user", "walter", "--passphrase-file", "-", "sources", "list"))

	if r := w.as("root", "users", "delete", "root"); r.code != ExitFailed || !strings.Contains(r.stderr, "active administrator") {
		t.Errorf("delete the last admin: want exit 1 and the last-admin sentence, got %v", r)
	}
	w.must(w.as("root", "users", "delete", "walter"))
	if r := w.as("root", "users", "delete", "walter"); r.code != ExitFailed || !strings.Contains(r.stderr, "no such user") {
		t.Errorf("delete a deleted user: want exit 1, got %v", r)
	}
}

func TestChangeOwnPassphrase(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	newPass := filepath.Join(w.dir, "new.pass")
	if err := os.WriteFile(newPass, []byte("rita's new passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.must(w.as("rita", "passphrase", "--new-passphrase-file", newPass))
	if r := w.as("rita", "sources", "list"); r.code != ExitFailed {
		t.Errorf("old passphrase after change: want exit 1, got %v", r)
	}
	w.must(w.run("--user", "rita", "--passphrase-file", newPass, "sources", "list"))
}

func TestActivity(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	w.as("rita", "users", "list") // refused, and recorded

	entries := w.activity("rita", 10)
	if len(entries) == 0 || entries[0].Action != string(access.UserList) || entries[0].Outcome != "denied" {
		t.Fatalf("rita's newest entry: got %+v, want a denied user.list", entries)
	}
	r := w.must(w.as("root", "activity", "--action", "user.add"))
	if n := strings.Count(r.stdout, "user.add"); n != 3 {
		t.Errorf("activity --action user.add: got %d rows, want 3:\n%s", n, r.stdout)
	}
	r = w.must(w.as("root", "activity", "--csv", "--user", "rita"))
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 2 || !strings.Contains(r.stdout, "user.list") {
		t.Errorf("activity --csv: want a header and rita's entries, got\n%s", r.stdout)
	}
	if r := w.as("root", "activity", "--csv", "--json"); r.code != ExitUsage {
		t.Errorf("--csv with --json: got %v, want exit 2", r)
	}
}

// TestAdminCommandsRefused runs every admin command as a reader and as a writer: each is
// refused with exit code 3, and the activity log records the refusal under their name.
func TestAdminCommandsRefused(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	cases := []struct {
		args   []string
		action access.Action // the use-case that refuses
	}{
		{[]string{"users", "list"}, access.UserList},
		{[]string{"users", "add", "eve", "--new-passphrase-file", w.passFile("eve")}, access.UserAdd},
		// Commands on a named user look its id up in the users list first, which refuses.
		{[]string{"users", "set-privilege", "wendy", "admin"}, access.UserList},
		{[]string{"users", "reset-passphrase", "wendy", "--new-passphrase-file", w.passFile("eve")}, access.UserList},
		{[]string{"users", "disable", "wendy"}, access.UserList},
		{[]string{"users", "enable", "wendy"}, access.UserList},
		{[]string{"users", "delete", "wendy"}, access.UserList},
		{[]string{"integrations", "list"}, access.IntegrationView},
		{[]string{"integrations", "show", "dropbox"}, access.IntegrationView},
		{[]string{"integrations", "set", "dropbox", "--client-id", "x"}, access.IntegrationView},
		{[]string{"integrations", "enable", "dropbox"}, access.IntegrationEnable},
		{[]string{"integrations", "disable", "dropbox"}, access.IntegrationDisable},
		{[]string{"integrations", "add", "Mine", "--kind", "oidc"}, access.IntegrationAdd},
		{[]string{"integrations", "remove", "dropbox"}, access.IntegrationRemove},
		{[]string{"integrations", "test", "dropbox"}, access.IntegrationTest},
		{[]string{"activity"}, access.ActivityRead},
		{[]string{"activity", "--csv"}, access.ActivityExport},
	}
	for _, user := range []string{"rita", "wendy"} {
		for _, c := range cases {
			t.Run(user+" "+strings.Join(c.args[:min(2, len(c.args))], " "), func(t *testing.T) {
				r := w.as(user, c.args...)
				if r.code != ExitForbidden {
					t.Fatalf("got %v\nwant exit %d", r, ExitForbidden)
				}
				if !strings.Contains(r.stderr, "ask an administrator") || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr: got %q, want one line that says to ask an administrator", r.stderr)
				}
				entries := w.activity(user, 1)
				if len(entries) != 1 || entries[0].Action != string(c.action) || entries[0].Outcome != "denied" {
					t.Errorf("newest entry of %s: got %+v, want a denied %s", user, entries, c.action)
				}
			})
		}
	}
}

func TestSecretArgumentsRefused(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	cases := []struct {
		args []string
		safe string // the safe way the message must show
	}{
		{[]string{"--user", "root", "--passphrase", "root passphrase 123", "users", "list"}, "--passphrase-file"},
		{[]string{"--user", "root", "users", "list", "--passphrase=root passphrase 123"}, "--passphrase-file"},
		{[]string{"--user", "root", "-password", "x", "users", "list"}, "--passphrase-file"},
		{[]string{"--user", "root", "users", "add", "eve", "--new-passphrase", "eve passphrase 123"}, "--new-passphrase-file"},
		{[]string{"--user", "root", "integrations", "set", "dropbox", "--client-secret", "s3cr3t-value"}, "--client-secret-file -"},
		{[]string{"--user", "root", "integrations", "set", "dropbox", "--secret=s3cr3t-value"}, "--client-secret-file -"},
	}
	for _, c := range cases {
		r := w.run(c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.safe) || !strings.Contains(r.stderr, "never taken as an argument") {
			t.Errorf("%q: got %v\nwant exit 2 and a message showing %s", c.args, r, c.safe)
		}
		for _, leak := range []string{"s3cr3t-value", "passphrase 123"} {
			if strings.Contains(r.stderr+r.stdout, leak) {
				t.Errorf("%q: the output repeats the secret: %v", c.args, r)
			}
		}
	}
	// Nothing was signed in or changed: root's only sign-ins are those of team().
	if r := w.as("root", "users", "list", "--json"); strings.Contains(r.stdout, `"eve"`) {
		t.Errorf("a refused command changed something: %s", r.stdout)
	}
}

func TestNoTerminalForPassphrase(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	r := w.run("--user", "root", "users", "list")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--passphrase-file FILE") {
		t.Errorf("no passphrase file and no terminal: got %v, want exit 2 pointing at --passphrase-file", r)
	}
}

func TestUsage(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	cases := []struct {
		args []string
		code int
		want string // in stdout for exit 0, in stderr otherwise
	}{
		{nil, ExitOK, "Commands:"},
		{[]string{"--help"}, ExitOK, "Exit codes"},
		{[]string{"help", "users", "add"}, ExitOK, "Example:"},
		{[]string{"users", "--help"}, ExitOK, "users reset-passphrase"},
		{[]string{"users"}, ExitUsage, "sub-commands listed above"},
		{[]string{"users", "frobnicate"}, ExitUsage, `no sub-command "frobnicate"`},
		{[]string{"frobnicate"}, ExitUsage, `Unknown command "frobnicate"`},
		{[]string{"--user", "root", "users", "add"}, ExitUsage, "Missing arguments"},
		{[]string{"--user", "root", "users", "add", "a", "b"}, ExitUsage, `Unexpected argument "b"`},
		{[]string{"--user", "root", "users", "add", "a", "--privilege", "boss"}, ExitUsage, "admin, write or read"},
		{[]string{"--user", "root", "users", "list", "--bogus"}, ExitUsage, "users list --help"},
		{[]string{"users", "list"}, ExitUsage, "--user NAME"},
		{[]string{"--user", "root", "token", "abc"}, ExitUsage, "sources list"},
		{[]string{"--user", "nobody", "--passphrase-file", w.passFile("nobody"), "users", "list"}, ExitFailed, "no such user"},
	}
	for _, c := range cases {
		r := w.run(c.args...)
		got := r.stderr
		if c.code == ExitOK {
			got = r.stdout
		}
		if r.code != c.code || !strings.Contains(got, c.want) {
			t.Errorf("%q: got %v\nwant exit %d with %q", c.args, r, c.code, c.want)
		}
	}
}

// TestHelpOnEveryCommand checks that each command explains itself with an example.
func TestHelpOnEveryCommand(t *testing.T) {
	w := newWorkspace(t)
	for _, c := range commands {
		for _, help := range []string{"--help", "-h"} {
			r := w.run(append(strings.Fields(c.name), help)...)
			if r.code != ExitOK || strings.Count(r.stdout, "Usage: "+prog) != 1 || !strings.Contains(r.stdout, "Example:\n  "+c.example) {
				t.Errorf("%s %s: got %v, want usage once and the example", c.name, help, r)
			}
		}
		if c.example == "" || !strings.Contains(c.example, strings.Fields(c.name)[0]) {
			t.Errorf("%s: the example %q does not run the command", c.name, c.example)
		}
	}
}

func TestOptionsAfterArguments(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	// Global options after the command, and the command's options after its argument.
	w.must(w.run("users", "add", "eve", "--privilege", "read", "--user", "root", "--passphrase-file", w.passFile("root"),
		"--new-passphrase-file", w.passFile("eve"), "--json"))
	r := w.must(w.as("root", "users", "list", "--json"))
	if !strings.Contains(r.stdout, `"name": "eve"`) || !strings.Contains(r.stdout, `"privilege": "read"`) {
		t.Errorf("eve was not added with read privilege:\n%s", r.stdout)
	}
}

func TestHasCommand(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-v"}, false},
		{[]string{"--home", "/x", "-v"}, false},
		{[]string{"--home=/x"}, false},
		{[]string{"users", "list"}, true},
		{[]string{"--home", "/x", "init", "root"}, true},
		{[]string{"--help"}, true},
		{[]string{"--user", "root"}, true},
	}
	for _, c := range cases {
		if got := HasCommand(c.args); got != c.want {
			t.Errorf("HasCommand(%q): got %v, want %v", c.args, got, c.want)
		}
	}
}

// TestKeychainUnavailable: a command that needs the keychain exits with code 5 and says what
// to do. The bus address leads nowhere; it must run before any test that reaches the real
// Secret Service, whose connection godbus keeps for the process.
func TestKeychainUnavailable(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	w := newWorkspace(t)
	w.team()
	r := w.asIn("root", strings.NewReader("a client secret\n"), "integrations", "set", "dropbox",
		"--client-id", "abc", "--port", "53682", "--client-secret-file", "-")
	if r.code != ExitKeychain || !strings.Contains(r.stderr, "keychain is not available") {
		t.Errorf("got %v\nwant exit %d saying the keychain is not available", r, ExitKeychain)
	}
}
