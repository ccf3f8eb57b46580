package core

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"
	"testing"

	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/internal/childproc"
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

// startChild runs this test binary again in mode on the workspace in home.
func startChild(t *testing.T, home, mode string) *childproc.Child {
	return childproc.Start(t, childModeEnv+"="+mode, childHomeEnv+"="+home)
}

// heldSet is a keychain that, after each write, says "in-set" and waits for a go-ahead: the
// child then holds its change between the keychain and the database.
type heldSet struct{ Keychain }

func (k heldSet) Set(ctx context.Context, key string, s redact.Secret) error {
	if err := k.Keychain.Set(ctx, key, s); err != nil {
		return err
	}
	fmt.Println("in-set")
	return childproc.WaitForGoAhead()
}

// childSaveHeld saves Google's integration as the first administrator, stopping between the
// keychain write and the database write until told to go on.
func childSaveHeld(ctx context.Context, a *App) error {
	a.keychain = heldSet{a.keychain}
	s, err := a.SignIn(ctx, "root", secret(adminPass))
	if err != nil {
		return err
	}
	return a.SaveIntegration(ctx, s, googleInput("child-id.apps.googleusercontent.com", "child-secret"))
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
