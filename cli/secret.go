package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"golang.org/x/term"

	"github.com/medialake/connect/core"
)

// The safe ways to give a secret.
const (
	viaPassphraseFile    = "--passphrase-file FILE (or - for standard input), or leave it out to be asked on the terminal"
	viaNewPassphraseFile = "--new-passphrase-file FILE (or - for standard input), or leave it out to be asked on the terminal"
	viaClientSecretFile  = "--client-secret-file FILE, or --client-secret-file - to read it from standard input"
)

// secretFlags are options someone may try for a secret, with the safe way to pass it instead.
// A secret in an argument shows in `ps`, in the shell's history and in logs of scripts.
var secretFlags = map[string]string{
	"passphrase":     viaPassphraseFile,
	"password":       viaPassphraseFile,
	"new-passphrase": viaNewPassphraseFile,
	"client-secret":  viaClientSecretFile,
	"secret":         viaClientSecretFile,
	"access-token":   "nothing: the token stays in the keychain; 'token SOURCE' prints a fresh one",
	"refresh-token":  "nothing: the token stays in the keychain; 'sources reconnect' signs in again",
	"token":          "nothing: the token stays in the keychain; 'token SOURCE' prints a fresh one",
}

// refuseSecretArgs refuses an option that would carry a secret on the command line, before
// anything is parsed, opened or logged.
func refuseSecretArgs(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if safe, ok := secretFlags[name]; ok {
			return usagef("a secret is never taken as an argument, where other users and the shell history can see it: instead of --%s use %s", name, safe)
		}
	}
	return nil
}

// readSecretFile reads a secret from path, or its first line from standard input for "-".
// One trailing line break is dropped; an empty secret is refused.
func (r *runner) readSecretFile(path, what string) (core.Secret, error) {
	var s string
	if path == "-" {
		line, err := r.in.ReadString('\n')
		if err != nil && (!errors.Is(err, io.EOF) || line == "") {
			return core.Secret{}, &fileError{what, path, err}
		}
		s = line
	} else {
		b, err := r.readPrivateFile(path)
		if err != nil {
			return core.Secret{}, &fileError{what, path, err}
		}
		s = string(b)
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	if s == "" {
		return core.Secret{}, &fileError{what, path, errEmptySecret}
	}
	return core.NewSecret(s), nil
}

// readPrivateFile reads the file at path and warns on standard error when other users may
// read or change it: the secret is read all the same (refusing would break a script at its
// next run), but its owner learns how to close the file.
func (r *runner) readPrivateFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Windows reports no owner-only mode; its files are guarded by ACLs instead.
	if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(r.errOut, "%s: warning: %s is open to other users (mode %04o); make it private with: chmod 600 %s\n",
			prog, core.Printable(path), fi.Mode().Perm(), core.Printable(path))
	}
	return io.ReadAll(f)
}

// fileError is a secret that could not be read from its file or from standard input.
type fileError struct {
	what, path string // e.g. "passphrase", "-"
	err        error
}

func (e *fileError) Error() string {
	return fmt.Sprintf("read the %s from %s: %v", e.what, e.from(), e.err)
}
func (e *fileError) Unwrap() error { return e.err }

// from names where the secret was read from.
func (e *fileError) from() string {
	if e.path == "-" {
		return "standard input"
	}
	return e.path
}

var (
	errEmptySecret = errors.New("it is empty")
	// errNoTerminal means a secret had to be asked but there is no terminal to ask it on.
	errNoTerminal = errors.New("no terminal to ask on")
)

// passphrase is the signing-in user's passphrase: from --passphrase-file, else asked.
func (r *runner) passphrase(prompt string) (core.Secret, error) {
	if r.global.passFile != "" {
		return r.readSecretFile(r.global.passFile, "passphrase")
	}
	return r.ask(prompt, "--passphrase-file FILE")
}

// newPassphrase is a passphrase to set and its confirmation: from file (the same twice), else
// asked twice on the terminal, so that core can compare them.
func (r *runner) newPassphrase(file, who, fileFlag string) (pass, confirm core.Secret, err error) {
	if file != "" {
		p, err := r.readSecretFile(file, "new passphrase")
		return p, p, err
	}
	if pass, err = r.ask("New passphrase for "+who+": ", fileFlag); err != nil {
		return pass, confirm, err
	}
	confirm, err = r.ask("Type it again: ", fileFlag)
	return pass, confirm, err
}

func (r *runner) ask(prompt, fileFlag string) (core.Secret, error) {
	s, err := r.askSecret(prompt)
	if errors.Is(err, errNoTerminal) {
		return s, usagef("there is no terminal to ask for the passphrase on: pass %s (- for standard input)", fileFlag)
	}
	return s, err
}

// askTerminal reads a secret without echo from stdin when it is a terminal, else from the
// controlling terminal, so that a secret piped on stdin and a typed passphrase can go together.
// When ctx ends (Ctrl-C) it gives up and turns the echo back on.
func askTerminal(ctx context.Context, stdin io.Reader, stderr io.Writer) func(string) (core.Secret, error) {
	return func(prompt string) (core.Secret, error) {
		f, ok := stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
			if err != nil || !term.IsTerminal(int(tty.Fd())) {
				if tty != nil {
					tty.Close()
				}
				return core.Secret{}, errNoTerminal
			}
			defer tty.Close()
			f = tty
		}
		fd := int(f.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return core.Secret{}, fmt.Errorf("read from the terminal: %w", err)
		}
		fmt.Fprint(stderr, prompt)
		type result struct {
			b   []byte
			err error
		}
		ch := make(chan result, 1)
		go func() {
			b, err := term.ReadPassword(fd)
			ch <- result{b, err}
		}()
		var res result
		select {
		case res = <-ch:
		case <-ctx.Done():
			term.Restore(fd, state)
			res.err = ctx.Err()
		}
		fmt.Fprintln(stderr)
		if res.err != nil {
			return core.Secret{}, fmt.Errorf("read from the terminal: %w", res.err)
		}
		if len(res.b) == 0 {
			return core.Secret{}, fmt.Errorf("read from the terminal: %w", errEmptySecret)
		}
		return core.NewSecret(string(res.b)), nil
	}
}
