package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/medialake/connect/core"
)

// scriptCommands grant and withdraw script access: 'token SOURCE' without signing in.
var scriptCommands = []command{
	{name: "sources allow-scripts", args: "SOURCE", summary: "let programs on this computer get a source's token without signing in (write, owner)",
		about: "Then 'token SOURCE' works without --user and without a passphrase, for cron jobs and scripts.\n" +
			"Any program running as this OS user can then get the source's token, as it could read the\n" +
			"keychain. The permission ends when the source is disconnected, reconnected to another\n" +
			"account or given to another user, or when you are disabled or deleted.",
		example: prog + " --user wendy sources allow-scripts 3", run: scriptAccess(true)},
	{name: "sources deny-scripts", args: "SOURCE", summary: "withdraw that: programs must sign in again to get the source's token (write, owner; admin)",
		example: prog + " --user wendy sources deny-scripts 3", run: scriptAccess(false)},
}

// scriptAccess runs sources allow-scripts, or sources deny-scripts.
func scriptAccess(allow bool) func(*runner, *flag.FlagSet, []string) error {
	return func(r *runner, fs *flag.FlagSet, args []string) error {
		id, app, s, err := r.sourceArg(fs, args)
		if err != nil {
			return err
		}
		if !allow {
			if err := app.DenyScripts(r.ctx, s, id); err != nil {
				return err
			}
			fmt.Fprintf(r.out, "Programs must sign in again to get the token of source %d.\n", id)
			return nil
		}
		if err := app.AllowScripts(r.ctx, s, id); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "Programs on this computer may now get the token of source %d without signing in: '%s token %d'.\n", id, prog, id)
		return nil
	}
}

// scriptToken is 'token SOURCE' without --user: no sign-in, through the source's script
// access. It opens the workspace and the one keychain item it needs, nothing else.
func (r *runner) scriptToken(id int64, header bool) error {
	app, err := r.openExisting()
	if err != nil {
		return err
	}
	tok, err := app.ScriptToken(r.ctx, id)
	var refused *core.NoScriptAccessError
	if errors.As(err, &refused) && r.global.home != "" {
		// The command that grants it must reach the same workspace.
		return &advisedError{noScriptAccessAdvice(refused, r.global.home), err}
	}
	if err != nil {
		return err
	}
	return r.printToken(tok.Reveal(), header)
}

// shellWord quotes s for a POSIX shell where it holds more than letters, digits and . _ @ + -,
// so that a command suggested with a user's name runs as printed.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@+-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// openExisting opens the workspace for a command that runs without signing in, often
// unattended: a folder without a workspace is an error, not a new empty workspace.
func (r *runner) openExisting() (*core.App, error) {
	if r.app != nil {
		return r.app, nil
	}
	app, err := core.OpenExistingWorkspace(r.ctx, r.global.home, r.global.verbose)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, app)
	r.app = app
	return app, nil
}
