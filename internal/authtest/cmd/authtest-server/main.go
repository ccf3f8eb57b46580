// Command authtest-server serves internal/authtest's authorization server (ory/fosite) on
// 127.0.0.1 until it is stopped, for scripts that need a real provider outside a test:
// scripts/screenshots.sh connects sources through it to photograph the real window.
//
// It prints its issuer URL on standard output, then waits. It reads the client secret from
// standard input (one line), never from an argument, so that it shows in no process list.
// Signals change what it answers, as the tests' knobs do:
//
//	SIGUSR1  the next token request answers 400 invalid_grant (a revoked refresh token)
//	SIGUSR2  later sign-ins approve as the next account of -accounts
//	SIGTERM, SIGINT  stop
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/medialake/connect/internal/authtest"
)

func main() {
	clientID := flag.String("client-id", "medialake-connect", "the client `ID` to register")
	accounts := flag.String("accounts", "jane@example.com:Jane Doe",
		"the `ACCOUNTS` sign-ins approve as, in turn: EMAIL:NAME, separated by commas")
	flag.Parse()
	users, err := parseAccounts(*accounts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authtest-server:", err)
		os.Exit(2)
	}
	secret, err := bufio.NewReader(os.Stdin).ReadString('\n')
	secret = strings.TrimSpace(secret)
	if secret == "" {
		fmt.Fprintf(os.Stderr, "authtest-server: no client secret on standard input (%v)\n", err)
		os.Exit(2)
	}

	t := &standalone{}
	srv := authtest.New(t)
	srv.AddClient(authtest.Client{ID: *clientID, Secret: secret,
		RedirectURIs: []string{"http://127.0.0.1/callback"}})
	srv.SetUser(users[0])
	fmt.Println(srv.Issuer())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM, syscall.SIGINT)
	next := 1
	for s := range sig {
		switch s {
		case syscall.SIGUSR1:
			srv.FailNextToken(http.StatusBadRequest,
				`{"error":"invalid_grant","error_description":"the refresh token was revoked"}`,
				http.Header{"Content-Type": {"application/json"}})
		case syscall.SIGUSR2:
			srv.SetUser(users[next%len(users)])
			next++
		default:
			t.cleanup()
			return
		}
	}
}

// parseAccounts reads "email:Name,email:Name"; the subject is the email.
func parseAccounts(s string) ([]authtest.User, error) {
	var users []authtest.User
	for a := range strings.SplitSeq(s, ",") {
		email, name, ok := strings.Cut(strings.TrimSpace(a), ":")
		if !ok || email == "" || name == "" {
			return nil, fmt.Errorf("account %q: want EMAIL:NAME", a)
		}
		users = append(users, authtest.User{Subject: email, Email: email, Name: name})
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("no account in -accounts")
	}
	return users, nil
}

// standalone stands in for the *testing.T that authtest.New takes: a failure ends the
// program, and the clean-ups run when it is stopped. Embedding testing.TB satisfies the
// interface's unexported method; every method authtest calls is defined here.
type standalone struct {
	testing.TB
	cleanups []func()
}

func (*standalone) Helper() {}

func (*standalone) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "authtest-server: "+format+"\n", args...)
	os.Exit(1)
}

func (*standalone) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "authtest-server: "+format+"\n", args...)
}

func (*standalone) Logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "authtest-server: "+format+"\n", args...)
}

func (s *standalone) Cleanup(f func()) { s.cleanups = append(s.cleanups, f) }

func (s *standalone) cleanup() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
}
