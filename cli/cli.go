// Package cli is the command line, the second front end on core beside the GUI: every command
// signs in, calls one core use-case (which checks the privilege and writes the activity log, as
// it does for the GUI) and prints the result, as a table for people or as JSON for scripts.
// It holds no logic of its own.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/medialake/connect/cli/startup"
	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

const prog = "medialake-connect"

// Exit codes; README.md documents them.
const (
	ExitOK             = 0
	ExitFailed         = 1
	ExitUsage          = 2
	ExitForbidden      = 3
	ExitNeedsReconnect = 4
	ExitKeychain       = 5
)

// Run runs the command that args (os.Args[1:]) name and returns the process's exit code.
// Secrets are read from stdin, from files or from the terminal, never from args.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newRunner(ctx, stdin, stdout, stderr).main(args)
}

func newRunner(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) *runner {
	return &runner{
		ctx:       ctx,
		in:        bufio.NewReader(stdin),
		out:       stdout,
		errOut:    stderr,
		openURL:   openBrowser,
		askSecret: askTerminal(ctx, stdin, stderr),
	}
}

// Main runs the command line on the process's own arguments and streams until it ends or is
// interrupted (Ctrl+C), and returns the exit code; main.go calls it when HasCommand.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// HasCommand reports whether args ask for the command line rather than the GUI: anything but
// the GUI's own options, --home DIR and -v.
func HasCommand(args []string) bool { return startup.HasCommand(args) }

// runner is one run of the command line: its streams, the global options and, once a command
// needs it, the open workspace.
type runner struct {
	ctx    context.Context
	in     *bufio.Reader // stdin, shared by every read so that lines are taken in order
	out    io.Writer
	errOut io.Writer

	// openURL opens the system browser; askSecret reads a secret from the terminal without echo.
	openURL   func(string) error
	askSecret func(prompt string) (core.Secret, error)
	// flowTimeout is how long a browser sign-in waits; 0 is core's default. Tests shorten it.
	flowTimeout time.Duration

	cmd        command // the command that runs
	global     globals
	isGlobal   map[*flag.Flag]bool // the global options' flags, left out of a command's own help
	app        *core.App
	signInPass core.Secret // for the commands that check it again (passphrase)
	pos        []string    // the command's arguments, once parsed: fill puts them into advice
	closers    []io.Closer
}

// globals are the options every command accepts, before or after its name.
type globals struct {
	home, user, passFile string
	verbose, help        bool
	version              bool // --version: print the build's versions and stop
}

// usageError is a mistake in the command line itself: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// command is one command of the table below.
type command struct {
	name    string // e.g. "users add"
	args    string // the positional arguments, e.g. "NAME"
	summary string // one line for the overview
	about   string // what --help says besides the summary; may be empty
	example string
	// secret, for a command that reads a secret, is the safe way to give it: an argument too
	// many is then refused without being repeated, since it may be that secret.
	secret string
	run    func(r *runner, fs *flag.FlagSet, args []string) error
}

var commands []command

func init() {
	commands = slices.Concat(userCommands, integrationCommands, sandboxCommands, sourceCommands, scriptCommands,
		activityCommands, workspaceCommands)
}

func (r *runner) main(args []string) int {
	defer r.close()
	if err := refuseSecretArgs(args); err != nil {
		return r.fail(err)
	}
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r.addGlobals(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			r.overview(r.out, "")
			return ExitOK
		}
		return r.fail(usagef("%s; run '%s --help' for the commands", flagMessage(err), prog))
	}
	if r.global.version {
		fmt.Fprint(r.out, core.Version())
		return ExitOK
	}
	rest := fs.Args()
	if len(rest) > 1 && rest[0] == "help" {
		rest = append(rest[1:], "--help") // "help users add" is "users add --help"
	}
	if r.global.help || len(rest) == 0 || rest[0] == "help" {
		r.overview(r.out, "")
		return ExitOK
	}
	cmd, rest, err := lookup(rest)
	if err != nil {
		var group *groupError
		if errors.As(err, &group) {
			if group.help {
				r.overview(r.out, group.name)
				return ExitOK
			}
			r.overview(r.errOut, group.name)
			return r.fail(&usageError{group.Error()})
		}
		return r.fail(err)
	}
	r.cmd = cmd
	cfs := flag.NewFlagSet(prog+" "+cmd.name, flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	cfs.Usage = func() {} // help is printed below, once, on stdout
	if err := cmd.run(r, cfs, rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			r.commandHelp(cmd, cfs)
			return ExitOK
		}
		var ue *usageError
		if errors.As(err, &ue) {
			return r.fail(usagef("%s; run '%s %s --help' for how", ue.msg, prog, cmd.name))
		}
		return r.fail(err)
	}
	return ExitOK
}

// groupError is a command group named without (or with an unknown) sub-command.
type groupError struct {
	name, sub string
	help      bool
}

func (e *groupError) Error() string {
	if e.sub == "" {
		return fmt.Sprintf("%q needs one of the sub-commands listed above", e.name)
	}
	return fmt.Sprintf("%q has no sub-command %q; run '%s %s --help' for the list", e.name, e.sub, prog, e.name)
}

// lookup finds the command that args start with and returns it with the rest of args.
func lookup(args []string) (command, []string, error) {
	for _, c := range commands {
		if c.name == args[0] {
			return c, args[1:], nil
		}
	}
	isGroup := false
	for _, c := range commands {
		group, sub, ok := strings.Cut(c.name, " ")
		if !ok || group != args[0] {
			continue
		}
		isGroup = true
		if len(args) > 1 && sub == args[1] {
			return c, args[2:], nil
		}
	}
	if !isGroup {
		return command{}, nil, usagef("unknown command %q; run '%s --help' for the commands", args[0], prog)
	}
	if len(args) == 1 {
		return command{}, nil, &groupError{name: args[0]}
	}
	if a := args[1]; a == "-h" || a == "--help" || a == "-help" || a == "help" {
		return command{}, nil, &groupError{name: args[0], help: true}
	}
	return command{}, nil, &groupError{name: args[0], sub: args[1]}
}

// addGlobals registers the global options on fs, except those the command itself defines
// (activity's --user filters by actor; put the signing-in --user before the command there).
func (r *runner) addGlobals(fs *flag.FlagSet) {
	if r.isGlobal == nil {
		r.isGlobal = map[*flag.Flag]bool{}
	}
	def := func(name string, f func()) {
		if fs.Lookup(name) == nil {
			f()
			r.isGlobal[fs.Lookup(name)] = true
		}
	}
	def("home", func() {
		fs.StringVar(&r.global.home, "home", r.global.home, "workspace `DIR` (default $"+core.HomeEnv+", else the user's config folder)")
	})
	def("user", func() {
		fs.StringVar(&r.global.user, "user", r.global.user, "sign in as `NAME` (may be left out when the workspace has one profile)")
	})
	def("passphrase-file", func() {
		fs.StringVar(&r.global.passFile, "passphrase-file", r.global.passFile,
			"read your passphrase from `FILE` (- for standard input); otherwise it is asked on the terminal")
	})
	def("v", func() { fs.BoolVar(&r.global.verbose, "v", r.global.verbose, "also log to the terminal") })
	def("help", func() { fs.BoolVar(&r.global.help, "help", false, "show help") })
	def("version", func() {
		fs.BoolVar(&r.global.version, "version", false, "print the version, the commit it was built from and the Go and Fyne versions")
	})
}

// parse parses a command's options, which may come before, between or after its positional
// arguments, and checks the count of the latter: want exactly, or want to want+optional.
func (r *runner) parse(fs *flag.FlagSet, args []string, want, optional int) ([]string, error) {
	r.addGlobals(fs)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{flagMessage(err)}
		}
		if r.global.help {
			return nil, flag.ErrHelp
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < want || len(pos) > want+optional {
		if len(pos) < want {
			return nil, usagef("missing arguments")
		}
		if r.cmd.secret != "" {
			return nil, usagef("too many arguments, and a secret is never taken as one, where other users and the shell history can see it: use %s", r.cmd.secret)
		}
		return nil, usagef("unexpected argument %q", pos[want+optional])
	}
	r.pos = pos
	return pos, nil
}

// flagMessage words the flag package's errors as the rest of the command line speaks.
func flagMessage(err error) string {
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown option --%s", strings.TrimLeft(name, "-"))
	}
	if msg, ok := strings.CutPrefix(err.Error(), "flag needs an argument: -"); ok {
		return fmt.Sprintf("option --%s needs a value", strings.TrimLeft(msg, "-"))
	}
	return strings.ReplaceAll(err.Error(), " for flag -", " for option --")
}

// fail prints err as one sentence on stderr and returns its exit code.
func (r *runner) fail(err error) int {
	// An error may quote a name or a provider's text: escaped, it stays one line.
	fmt.Fprintf(r.errOut, "%s: %s\n", prog, core.Printable(r.fill(message(err))))
	return exitCode(err)
}

// commandLine is the program with this run's --home and --user, for advice that names a
// command to copy: it then acts on the same workspace, as the same person.
func (r *runner) commandLine() string {
	cmd := prog
	if r.global.home != "" {
		cmd += " --home " + shellWord(r.global.home)
	}
	if r.global.user != "" {
		cmd += " --user " + shellWord(r.global.user)
	}
	return cmd
}

// fill puts this run's own values into the placeholders of an advice, so that the command it
// names can be run as it stands: the source the command named, the user who signed in.
func (r *runner) fill(msg string) string {
	if r.cmd.args == "SOURCE" && len(r.pos) == 1 {
		msg = strings.ReplaceAll(msg, " SOURCE'", " "+shellWord(r.pos[0])+"'")
	}
	if r.global.user != "" {
		msg = strings.ReplaceAll(msg, "--user ADMIN ", "--user "+shellWord(r.global.user)+" ")
	}
	return msg
}

func (r *runner) close() {
	for _, c := range slices.Backward(r.closers) {
		c.Close()
	}
}

// open opens the workspace, once.
func (r *runner) open() (*core.App, error) {
	if r.app != nil {
		return r.app, nil
	}
	app, err := core.OpenWorkspace(r.ctx, r.global.home, r.global.verbose)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, app)
	r.app = app
	return app, nil
}

// signIn opens the workspace and signs in as --user with the passphrase from --passphrase-file
// or the terminal.
func (r *runner) signIn() (*core.App, *access.Session, error) {
	app, err := r.open()
	if err != nil {
		return nil, nil, err
	}
	if empty, err := app.NeedsFirstAdmin(r.ctx); err != nil {
		return nil, nil, err
	} else if empty {
		return nil, nil, errNoUsers
	}
	if r.global.user == "" {
		if r.global.user, err = r.onlyProfile(app); err != nil {
			return nil, nil, err
		}
	}
	pass, err := r.passphrase("Passphrase for " + r.global.user + ": ")
	if err != nil {
		return nil, nil, err
	}
	s, err := app.SignIn(r.ctx, r.global.user, pass)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range s.Notices {
		fmt.Fprintf(r.errOut, "%s: notice: %s\n", prog, core.Printable(n))
	}
	r.signInPass = pass
	return app, s, nil
}

// onlyProfile is the name to sign in with when --user is left out: the workspace's one active
// profile; with more than one, the person must say who they are.
func (r *runner) onlyProfile(app *core.App) (string, error) {
	names, err := app.Profiles(r.ctx)
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", usagef("say who you are with --user NAME")
	}
	return names[0], nil
}

// parseAndSignIn parses a command's options and its want positional arguments, then signs in,
// so that a mistake in the command line is reported before a passphrase is asked.
func (r *runner) parseAndSignIn(fs *flag.FlagSet, args []string, want int) ([]string, *core.App, *access.Session, error) {
	pos, err := r.parse(fs, args, want, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	app, s, err := r.signIn()
	if err != nil {
		return nil, nil, nil, err
	}
	return pos, app, s, nil
}

// errNoUsers means a command needs a signed-in user in a workspace that has none yet.
var errNoUsers = errors.New("the workspace has no users yet")
