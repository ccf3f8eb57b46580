package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/transfer"
)

// cheapHash keeps the suite fast; core/access checks the real parameters.
var cheapHash = access.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestMain(m *testing.M) {
	access.HashParams = cheapHash
	transfer.WorkFactor = 10 // scrypt at age's default takes a second per file
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
	// flowTimeout, when set, is how long a browser sign-in waits.
	flowTimeout time.Duration
	// ask, when set, is the terminal: it answers the prompts for secrets.
	ask func(prompt string) (core.Secret, error)
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
	if w.ask != nil {
		r.askSecret = w.ask
	}
	r.flowTimeout = w.flowTimeout
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

func noTerminal(string) (core.Secret, error) { return core.Secret{}, errNoTerminal }

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

// refusal is a command line that a privilege may refuse, and the use-case that refuses it.
type refusal struct {
	args   []string
	action access.Action
}

// adminRefusals are the admin commands; newPass is a passphrase file for the commands that
// read one.
func adminRefusals(newPass string) []refusal {
	return []refusal{
		{[]string{"users", "list"}, access.UserList},
		{[]string{"users", "add", "eve", "--new-passphrase-file", newPass}, access.UserAdd},
		{[]string{"users", "set-privilege", "wendy", "admin"}, access.UserSetPrivilege},
		{[]string{"users", "reset-passphrase", "wendy", "--new-passphrase-file", newPass}, access.UserResetPassphrase},
		{[]string{"users", "disable", "wendy"}, access.UserDisable},
		{[]string{"users", "enable", "wendy"}, access.UserEnable},
		{[]string{"users", "delete", "wendy"}, access.UserDelete},
		{[]string{"users", "delete", "wendy", "--transfer-to", "walter"}, access.UserDelete},
		{[]string{"integrations", "list"}, access.IntegrationView},
		{[]string{"integrations", "show", "dropbox"}, access.IntegrationView},
		{[]string{"integrations", "set", "dropbox", "--client-id", "x"}, access.IntegrationSave},
		{[]string{"integrations", "set", "dropbox", "--remove-secret"}, access.IntegrationSave},
		{[]string{"integrations", "enable", "dropbox"}, access.IntegrationEnable},
		{[]string{"integrations", "disable", "dropbox"}, access.IntegrationDisable},
		{[]string{"integrations", "add", "Mine", "--kind", "oidc"}, access.IntegrationAdd},
		{[]string{"integrations", "remove", "dropbox"}, access.IntegrationRemove},
		{[]string{"integrations", "test", "dropbox"}, access.IntegrationTest},
		{[]string{"integrations", "sandbox"}, access.IntegrationView},
		{[]string{"activity"}, access.ActivityRead},
		{[]string{"activity", "--csv"}, access.ActivityExport},
		{[]string{"workspace", "export", "out.age", "--file-passphrase-file", newPass}, access.WorkspaceExport},
		{[]string{"workspace", "import", "in.age", "--file-passphrase-file", newPass}, access.WorkspaceImport},
		{[]string{"workspace", "remove", "--confirm", "/nowhere"}, access.WorkspaceRemove},
	}
}

// sourceRefusals are the commands on one source, and connect; a reader is refused each, a
// writer those on another user's source.
func sourceRefusals(integration, source string) []refusal {
	return []refusal{
		{[]string{"sources", "connect", integration}, access.SourceConnect},
		{[]string{"sources", "reconnect", source}, access.SourceReconnect},
		{[]string{"sources", "refresh", source}, access.SourceRefresh},
		{[]string{"sources", "disconnect", source}, access.SourceDisconnect},
		{[]string{"sources", "forget", source}, access.SourceForget},
		{[]string{"token", source}, access.SourceToken},
		{[]string{"sources", "allow-scripts", source}, access.SourceAllowScripts},
		{[]string{"sources", "deny-scripts", source}, access.SourceDenyScripts},
	}
}

// openToAll are the commands that every signed-in user may run.
var openToAll = []string{"init", "passphrase", "sources list", "sources maintain"}

// TestRefusalTablesCoverEveryCommand keeps the privilege tests complete: every command that is
// not open to all has a row, and a writer is tried on each row the privilege refuses a writer.
func TestRefusalTablesCoverEveryCommand(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range append(adminRefusals("f"), sourceRefusals("i", "1")...) {
		_, rest, err := lookup(c.args)
		if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		covered[strings.Join(c.args[:len(c.args)-len(rest)], " ")] = true
	}
	for _, c := range adminRefusals("f") {
		if access.Allowed(access.Write, c.action, true) {
			t.Errorf("%q: a writer may %s, so it is no admin command", c.args, c.action)
		}
	}
	for _, c := range commands {
		if !covered[c.name] && !slices.Contains(openToAll, c.name) {
			t.Errorf("%q is in no refusal table and not open to all", c.name)
		}
		if covered[c.name] && slices.Contains(openToAll, c.name) {
			t.Errorf("%q is both refused and open to all", c.name)
		}
	}
}

// assertRefused checks a run that the privilege refused: exit code 3, nothing on stdout, one
// line on stderr that says what to do, and the refusal as user's newest activity entry.
func assertRefused(t *testing.T, w *workspace, user string, r result, action access.Action) {
	t.Helper()
	if r.code != ExitForbidden || r.stdout != "" {
		t.Fatalf("got %v\nwant exit %d and nothing on stdout", r, ExitForbidden)
	}
	if !strings.Contains(r.stderr, "ask an administrator") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr: got %q, want one line that says to ask an administrator", r.stderr)
	}
	entries := w.activity(user, 1)
	if len(entries) != 1 || entries[0].Action != string(action) || entries[0].Outcome != "denied" || entries[0].Actor != user {
		t.Errorf("newest entry of %s: got %+v, want a denied %s", user, entries, action)
	}
}

// TestAdminCommandsRefused runs every admin command as a reader and as a writer: each is
// refused with exit code 3, and the activity log records the refusal under their name and
// the action of the use-case that refused it.
func TestAdminCommandsRefused(t *testing.T) {
	w := newWorkspace(t)
	w.team()
	users := func() string { // who is there with which privilege, sign-in times aside
		var list []userJSON
		if err := json.Unmarshal([]byte(w.must(w.as("root", "users", "list", "--json")).stdout), &list); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range list {
			out = append(out, fmt.Sprintf("%s:%s:%v", u.Name, u.Privilege, u.Disabled))
		}
		return strings.Join(out, " ")
	}
	before := users()
	for _, user := range []string{"rita", "wendy"} {
		for _, c := range adminRefusals(w.passFile("eve")) {
			t.Run(user+" "+strings.Join(c.args, " "), func(t *testing.T) {
				assertRefused(t, w, user, w.as(user, c.args...), c.action)
			})
		}
	}
	if after := users(); after != before {
		t.Errorf("the refused commands changed the users:\ngot  %s\nwant %s", after, before)
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
		// Where a command reads a secret, an argument too many may be it: refused, not repeated.
		{[]string{"--user", "root", "integrations", "set", "dropbox", "s3cr3t-value"}, "--client-secret-file -"},
		{[]string{"--user", "root", "users", "add", "eve", "eve passphrase 123"}, "--new-passphrase-file"},
		{[]string{"--user", "root", "users", "reset-passphrase", "wendy", "wendy passphrase 123"}, "--new-passphrase-file"},
		{[]string{"--user", "root", "passphrase", "root passphrase 123"}, "--new-passphrase-file"},
		{[]string{"init", "root", "root passphrase 123"}, "--passphrase-file"},
	}
	for _, c := range cases {
		r := w.run(c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.safe) || !strings.Contains(r.stderr, "never taken as") {
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
		{[]string{"integrations", "add", "--help"}, ExitOK, "--kind KIND  KIND: oidc"},
		{[]string{"users"}, ExitUsage, "sub-commands listed above"},
		{[]string{"users", "frobnicate"}, ExitUsage, `no sub-command "frobnicate"`},
		{[]string{"frobnicate"}, ExitUsage, `Unknown command "frobnicate"`},
		{[]string{"--user", "root", "users", "add"}, ExitUsage, "Missing arguments"},
		{[]string{"--user", "root", "users", "disable", "a", "b"}, ExitUsage, `Unexpected argument "b"`},
		{[]string{"--user", "root", "users", "add", "a", "--privilege", "boss"}, ExitUsage, "admin, write or read"},
		{[]string{"--user", "root", "users", "list", "--bogus"}, ExitUsage, "Unknown option --bogus; run 'medialake-connect users list --help'"},
		{[]string{"--user", "root", "--limit", "x", "activity"}, ExitUsage, "Unknown option --limit"},
		{[]string{"--user", "root", "activity", "--limit", "x"}, ExitUsage, `Invalid value "x" for option --limit`},
		{[]string{"--user", "root", "activity", "--limit"}, ExitUsage, "Option --limit needs a value"},
		{[]string{"--user", "root", "--passphrase-file", filepath.Join(w.dir, "missing"), "users", "list"}, ExitFailed,
			"Could not read the passphrase from " + filepath.Join(w.dir, "missing") + "; check the file"},
		{[]string{"--user", "wendy", "--passphrase-file", w.passFile("wendy"), "token", "42"}, ExitFailed, "There is no source with that id; 'medialake-connect sources list'"},
		{[]string{"--user", "wendy", "--passphrase-file", w.passFile("wendy"), "sources", "refresh", "42"}, ExitFailed, "There is no source with that id"},
		{[]string{"--user", "wendy", "--passphrase-file", w.passFile("wendy"), "sources", "connect", "dropbox"}, ExitFailed, "No integration is enabled yet; ask an administrator"},
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
			if r.code != ExitOK || r.stderr != "" || strings.Count(r.stdout, "Usage: "+prog) != 1 || !strings.Contains(r.stdout, "Example:\n  "+c.example) {
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

// TestKeychainUnavailable: a command that needs the keychain exits with code 5 and says what
// to do. The bus address leads nowhere; it must run before any test that reaches the real
// Secret Service, whose connection godbus keeps for the process.
// TestKeychainUnavailable runs in a child process: godbus keeps the session bus it first
// connected to for the life of the process, so a bad address only shows in a fresh one.
func TestKeychainUnavailable(t *testing.T) {
	if os.Getenv("MEDIALAKE_CLI_KEYCHAIN_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainUnavailable$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MEDIALAKE_CLI_KEYCHAIN_CHILD=1",
			"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	w := newWorkspace(t)
	w.team()
	r := w.asIn("root", strings.NewReader("a client secret\n"), "integrations", "set", "dropbox",
		"--client-id", "abc", "--port", "53682", "--client-secret-file", "-")
	if r.code != ExitKeychain || !strings.Contains(r.stderr, "keychain is not available") {
		t.Errorf("got %v\nwant exit %d saying the keychain is not available", r, ExitKeychain)
	}
}

// --user may be left out while the workspace has one active profile; with more, the person
// is asked to say who they are.
func TestUserLeftOutWithOneProfile(t *testing.T) {
	w := newWorkspace(t)
	w.must(w.run("init", "root", "--passphrase-file", w.passFile("root")))
	r := w.must(w.run("--passphrase-file", w.passFile("root"), "users", "list"))
	if !strings.Contains(r.stdout, "root") {
		t.Errorf("users list without --user: %v; want root signed in", r)
	}

	w.must(w.as("root", "users", "add", "wendy", "--new-passphrase-file", w.passFile("wendy")))
	r = w.run("--passphrase-file", w.passFile("root"), "users", "list")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--user NAME") {
		t.Errorf("without --user among two profiles: %v; want the usage error that asks for --user", r)
	}

	w.must(w.as("root", "users", "disable", "wendy")) // one active profile again
	w.must(w.run("--passphrase-file", w.passFile("root"), "users", "list"))
}
