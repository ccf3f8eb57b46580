package core

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/medialake/connect/core/redact"
)

// Some tests run this test binary again as a second process on the same workspace, as the
// GUI and a command would be; these variables tell the child what to do and where.
const (
	childModeEnv = "MEDIALAKE_CORE_TEST_CHILD"
	childHomeEnv = "MEDIALAKE_CORE_TEST_HOME"
)

// childModes are what a child process may be asked to do; each reports on stdout, one line
// at a time, and reads its go-aheads from stdin.
var childModes = map[string]func(ctx context.Context, a *App) error{
	"save-held":      childSaveHeld,
	"connect-killed": childConnectKilled,
}

// runChild is the child process's main function.
func runChild(mode string) int {
	run, ok := childModes[mode]
	if !ok {
		fmt.Println("error: unknown mode", mode)
		return 2
	}
	ctx := context.Background()
	a, err := Open(ctx, Config{Home: os.Getenv(childHomeEnv)})
	if err == nil {
		err = run(ctx, a)
		a.Close()
	}
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// child is a running child process and the lines it printed.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr bytes.Buffer
}

// startChild runs this test binary again in mode on the workspace in home.
func startChild(t *testing.T, home, mode string) *child {
	t.Helper()
	c := &child{t: t, lines: make(chan string, 64)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childModeEnv+"="+mode, childHomeEnv+"="+home)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	})
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// expect reads the child's next line and fails the test unless it is want.
func (c *child) expect(want string) {
	c.t.Helper()
	got, ok := <-c.lines
	if !ok {
		err := c.cmd.Wait()
		c.t.Fatalf("child ended (%v) before saying %q; stderr:\n%s", err, want, c.stderr.String())
	}
	if got != want {
		c.t.Fatalf("child said %q, want %q; stderr:\n%s", got, want, c.stderr.String())
	}
}

// goAhead lets the child go on past its current wait.
func (c *child) goAhead() {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, "go\n"); err != nil {
		c.t.Fatal(err)
	}
}

// waitForGoAhead is the child's side of goAhead.
var stdinLines = bufio.NewReader(os.Stdin)

func waitForGoAhead() error {
	_, err := stdinLines.ReadString('\n')
	return err
}

// heldSet is a keychain that, after each write, says "in-set" and waits for a go-ahead: the
// child then holds its change between the keychain and the database.
type heldSet struct{ Keychain }

func (k heldSet) Set(ctx context.Context, key string, s redact.Secret) error {
	if err := k.Keychain.Set(ctx, key, s); err != nil {
		return err
	}
	fmt.Println("in-set")
	return waitForGoAhead()
}

// childSaveHeld saves Google's integration as the first administrator, stopping between the
// keychain write and the database write until told to go on.
func childSaveHeld(ctx context.Context, a *App) error {
	a.keychain = heldSet{a.keychain}
	s, err := a.SignIn(ctx, "root", secret(adminPass))
	if err != nil {
		return err
	}
	return a.SaveIntegration(ctx, s, googleInput("child-id", "child-secret"))
}

// childConnectKilled connects an account as wendy through the integration "idp" and kills
// itself (SIGKILL) once the token is in the keychain, before the source's row is saved. It
// says "saved <id>" first. The browser is a plain HTTP client: the test server approves at
// once and redirects to the app's callback.
func childConnectKilled(ctx context.Context, a *App) error {
	afterTokenSaved = func(id int64) {
		fmt.Println("saved", id)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
	s, err := a.SignIn(ctx, "wendy", secret(writerPass))
	if err != nil {
		return err
	}
	browse := func(authURL string) error {
		resp, err := http.Get(authURL)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	_, err = a.Connect(ctx, s, "idp", FlowHooks{OpenURL: browse})
	return err
}
