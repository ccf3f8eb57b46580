package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medialake/connect/internal/authtest"
	"github.com/medialake/connect/internal/wine"
)

// commandTimeout bounds each command: one that hangs fails the test, saying which, instead of
// hanging make test. Under Wine a command takes one to three seconds.
const commandTimeout = 90 * time.Second

// winExe is the Windows build of the command line with the workspace it runs on.
type winExe struct {
	t          *testing.T
	runner     string // runs a Windows program (scripts/with-wine.sh's)
	exe, home  string // Windows paths
	dir        string // where the passphrase files are, on this side
	stderrSeen func(line string)
}

// winPath is the Windows name Wine gives a path of this system (drive Z: is /).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// run runs the command with args, signed in as user unless user is "", with stdin.
func (w *winExe) run(stdin io.Reader, user string, args ...string) (stdout, stderr string, code int) {
	w.t.Helper()
	what := strings.Join(args, " ")
	if user != "" {
		what = user + ": " + what
		if args[0] == "init" {
			args = append(args, "--passphrase-file", w.passFile(user))
		} else {
			args = append([]string{"--user", user, "--passphrase-file", w.passFile(user)}, args...)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.runner, append([]string{w.exe, "--home", w.home}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	// errOut is written by exec's goroutine or the scanner below, and read once they are done.
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errOut
	scanned := make(chan struct{})
	if w.stderrSeen == nil {
		close(scanned)
	} else {
		// A pipe of the system's: Wait then needs no goroutine of its own that could block.
		pr, pw, err := os.Pipe()
		if err != nil {
			w.t.Fatal(err)
		}
		defer pr.Close()
		cmd.Stderr = pw
		defer pw.Close()
		go func() {
			defer close(scanned)
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				errOut.Write([]byte(sc.Text() + "\n"))
				w.stderrSeen(sc.Text())
			}
		}()
	}
	start := time.Now()
	err := cmd.Start()
	if f, ok := cmd.Stderr.(*os.File); ok {
		f.Close() // the child has its copy
	}
	if err == nil {
		err = cmd.Wait()
	}
	select {
	case <-scanned:
	case <-time.After(5 * time.Second):
		// Under Wine a service the command started may hold a copy of the pipe.
		w.t.Logf("`%s`: its standard error stayed open after it ended", what)
	}
	if ctx.Err() != nil {
		w.t.Fatalf("`%s` did not end within %s (a hang); it printed:\n%s\n%s", what, commandTimeout, out.String(), errOut.String())
	}
	w.t.Logf("%s: %.1fs", what, time.Since(start).Seconds())
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		w.t.Fatalf("`%s`: %v", what, err)
	}
	return out.String(), errOut.String(), code
}

// passFile is the Windows path of the file holding user's passphrase, written on first use.
func (w *winExe) passFile(user string) string {
	w.t.Helper()
	pass := filepath.Join(w.dir, user+".pass")
	if _, err := os.Stat(pass); err != nil {
		if err := os.WriteFile(pass, []byte(user+" passphrase 123\n"), 0o600); err != nil {
			w.t.Fatal(err)
		}
	}
	return winPath(pass)
}

// must runs a command that must succeed and returns its stdout.
func (w *winExe) must(stdin string, user string, args ...string) string {
	w.t.Helper()
	out, errOut, code := w.run(strings.NewReader(stdin), user, args...)
	if code != 0 {
		w.t.Fatalf("`%s`: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// build cross-compiles this command for Windows (mingw-w64 for SQLite's cgo).
func build(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	exe := filepath.Join(dir, "medialake-connect.exe")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", exe, ".")
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC=x86_64-w64-mingw32-gcc")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross-compile for Windows: %v\n%s", err, out)
	}
	return exe
}

// The whole command-line story on the Windows build under Wine, against a provider whose
// tokens are as large as Microsoft Entra's and whose refresh tokens rotate: init, a custom
// integration with a 3,000-character client secret, connect with the address pasted back,
// token, refresh, disconnect. Each command runs under a timeout. scripts/with-wine.sh gives
// each run a fresh prefix (make windows).
func TestWindowsCommandLineStory(t *testing.T) {
	runner := os.Getenv(wine.Env)
	if runner == "" {
		t.Skip("runs the Windows build under Wine: scripts/with-wine.sh go test -run " + t.Name() + " ./internal/clionly (make windows)")
	}
	dir := t.TempDir()
	exe := winPath(build(t, dir))
	for _, tc := range []struct {
		name                    string
		secret, access, refresh int
	}{
		{"small", 40, 900, 300},
		{"Entra-sized", 3000, authtest.EntraAccessTokenSize, authtest.EntraRefreshTokenSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			w := &winExe{t: t, runner: runner, exe: exe, home: winPath(filepath.Join(home, "ws")), dir: home}
			srv := authtest.New(t, authtest.WithRotation(true), authtest.WithTokenSizes(tc.access, tc.refresh))
			story(t, w, srv, tc.secret, tc.access)
		})
	}
}

func story(t *testing.T, w *winExe, srv *authtest.Server, secretSize, accessSize int) {
	secret := strings.Repeat(rand.Text(), secretSize/26+1)[:secretSize]
	srv.AddClient(authtest.Client{ID: "entra-app", Secret: secret, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	w.must("", "root", "init", "root")
	w.must("", "root", "users", "add", "wendy", "--privilege", "write", "--new-passphrase-file", w.passFile("wendy"))
	var added struct{ ID string }
	if err := json.Unmarshal([]byte(w.must("", "root", "integrations", "add", "Entra", "--kind", "oidc", "--json")), &added); err != nil {
		t.Fatal(err)
	}
	w.must(secret+"\n", "root", "integrations", "set", added.ID, "--client-id", "entra-app", "--client-secret-file", "-", "--issuer", srv.Issuer())
	w.must("", "root", "integrations", "enable", added.ID)

	src := connect(t, w, srv, added.ID)
	tok := strings.TrimSuffix(w.must("", "wendy", "token", src), "\n")
	if len(tok) != accessSize {
		t.Errorf("token printed %d characters, want the whole %d-character access token", len(tok), accessSize)
	}
	before := srv.TokenRequests()
	w.must("", "wendy", "sources", "refresh", src)
	fresh := strings.TrimSuffix(w.must("", "wendy", "token", src), "\n")
	if fresh == tok || len(fresh) != accessSize || srv.TokenRequests() != before+1 {
		t.Errorf("after refresh: a new token %t of %d characters after %d token requests, want a new one of %d after 1",
			fresh != tok, len(fresh), srv.TokenRequests()-before, accessSize)
	}
	// The rotated refresh token was saved: a second refresh uses it (the old one would be
	// refused, and with it the whole grant).
	w.must("", "wendy", "sources", "refresh", src)
	w.must("", "wendy", "sources", "disconnect", src)
	if list := w.must("", "wendy", "sources", "list", "--json"); strings.TrimSpace(list) != "[]" {
		t.Errorf("sources list after disconnect: %s, want none", list)
	}
}

// connect runs sources connect --no-browser as wendy: the provider approves the link it
// prints, and the address the browser would end on is pasted back on stdin.
func connect(t *testing.T, w *winExe, srv *authtest.Server, id string) string {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	w.stderrSeen = func(line string) {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "http") && strings.Contains(l, "/authorize?") {
			loc, err := srv.Authorize(context.Background(), l)
			if err != nil {
				t.Errorf("authorize: %v", err)
				pw.Close()
				return
			}
			io.WriteString(pw, loc.String()+"\n")
		}
	}
	defer func() { w.stderrSeen = nil }()
	out, errOut, code := w.run(pr, "wendy", "sources", "connect", id, "--no-browser", "--json")
	var s struct{ ID int64 }
	if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil {
		t.Fatalf("sources connect: exit %d (%v)\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
	return strconv.FormatInt(s.ID, 10)
}
