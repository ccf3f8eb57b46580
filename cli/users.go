package cli

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/medialake/connect/core"
	"github.com/medialake/connect/core/access"
)

var userCommands = []command{
	{name: "init", args: "NAME", summary: "create the first administrator of an empty workspace",
		about:   "The passphrase is asked twice on the terminal, or read from --passphrase-file.",
		example: prog + " --home ~/medialake init root", secret: viaPassphraseFile, run: runInit},
	{name: "passphrase", summary: "change your own passphrase",
		about:   "The current passphrase signs you in (--passphrase-file or the terminal); the new one comes from\n--new-passphrase-file or is asked twice on the terminal.",
		example: prog + " --user wendy passphrase", secret: viaNewPassphraseFile, run: runPassphrase},
	{name: "users list", summary: "list the users of the workspace (admin)",
		example: prog + " --user root users list --json", run: runUsersList},
	{name: "users add", args: "NAME", summary: "add a user with a privilege and a first passphrase (admin)",
		about:   "The new user's passphrase is asked twice on the terminal, or read from --new-passphrase-file.",
		example: prog + " --user root users add wendy --privilege write --new-passphrase-file wendy.pass",
		secret:  viaNewPassphraseFile, run: runUsersAdd},
	{name: "users set-privilege", args: "NAME PRIVILEGE", summary: "make a user admin, write or read (admin)",
		example: prog + " --user root users set-privilege wendy read", run: runUsersSetPrivilege},
	{name: "users reset-passphrase", args: "NAME", summary: "give a user a new passphrase and lift a lock-out (admin)",
		about: "--local-recovery is the way back in when no administrator knows a passphrase: at a terminal of the OS\n" +
			"account that owns the workspace, it sets an administrator's passphrase without signing in, after you\n" +
			"type the name again. It is recorded in the activity log and shown to every administrator at their next sign-in.",
		example: prog + " --user root users reset-passphrase wendy --new-passphrase-file -",
		secret:  viaNewPassphraseFile, run: runUsersResetPassphrase},
	{name: "users disable", args: "NAME", summary: "keep a user from signing in (admin)",
		example: prog + " --user root users disable wendy", run: userChange("disable")},
	{name: "users enable", args: "NAME", summary: "let a disabled user sign in again (admin)",
		example: prog + " --user root users enable wendy", run: userChange("enable")},
	{name: "users delete", args: "NAME", summary: "delete a user; their sources go to another user or are disconnected (admin)",
		example: prog + " --user root users delete wendy --transfer-to walter", run: runUsersDelete},
}

func runInit(r *runner, fs *flag.FlagSet, args []string) error {
	pos, err := r.parse(fs, args, 0, 1)
	if err != nil {
		return err
	}
	name := r.global.user
	if len(pos) == 1 {
		name = pos[0]
	}
	if name == "" {
		return usagef("name the first administrator: init NAME")
	}
	app, err := r.open()
	if err != nil {
		return err
	}
	pass, confirm, err := r.newPassphrase(r.global.passFile, name, "--passphrase-file FILE")
	if err != nil {
		return err
	}
	if _, err := app.CreateFirstAdmin(r.ctx, name, pass, confirm); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "Created administrator %s.\n", strings.TrimSpace(name))
	return nil
}

func runPassphrase(r *runner, fs *flag.FlagSet, args []string) error {
	newFile := fs.String("new-passphrase-file", "", "read the new passphrase from `FILE` (- for standard input)")
	_, app, s, err := r.parseAndSignIn(fs, args, 0)
	if err != nil {
		return err
	}
	// The current passphrase is the one just signed in with; the change checks it again.
	pass, confirm, err := r.newPassphrase(*newFile, s.Name, "--new-passphrase-file FILE")
	if err != nil {
		return err
	}
	if err := app.ChangeOwnPassphrase(r.ctx, s, r.signInPass, pass, confirm); err != nil {
		return err
	}
	fmt.Fprintln(r.out, "Passphrase changed.")
	return nil
}

// userJSON is a user in --json output.
type userJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	Privilege    string     `json:"privilege"`
	Disabled     bool       `json:"disabled"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
	LastSignInAt *time.Time `json:"last_sign_in_at,omitempty"`
	Sources      int        `json:"sources"`
}

func runUsersList(r *runner, fs *flag.FlagSet, args []string) error {
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	_, app, s, err := r.parseAndSignIn(fs, args, 0)
	if err != nil {
		return err
	}
	users, err := app.Users(r.ctx, s)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]userJSON, len(users))
		for i, u := range users {
			out[i] = userJSON{ID: u.ID, Name: u.Name, Privilege: u.Privilege.String(), Disabled: u.Disabled,
				LockedUntil: timePtr(u.LockedUntil), CreatedAt: timePtr(u.CreatedAt),
				LastSignInAt: timePtr(u.LastSignInAt), Sources: u.Sources}
		}
		return r.json(out)
	}
	rows := make([][]string, len(users))
	for i, u := range users {
		status := "active"
		switch {
		case u.Disabled:
			status = "disabled"
		case time.Now().Before(u.LockedUntil):
			status = "locked until " + when(u.LockedUntil)
		}
		rows[i] = []string{u.Name, u.Privilege.String(), status, strconv.Itoa(u.Sources), when(u.LastSignInAt)}
	}
	return r.table([]string{"NAME", "PRIVILEGE", "STATUS", "SOURCES", "LAST SIGN-IN"}, rows)
}

func runUsersAdd(r *runner, fs *flag.FlagSet, args []string) error {
	priv := fs.String("privilege", "write", "`PRIVILEGE`: admin, write or read")
	newFile := fs.String("new-passphrase-file", "", "read the new user's passphrase from `FILE` (- for standard input)")
	asJSON := fs.Bool("json", false, "print the new user's id and name as JSON")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	p, err := access.ParsePrivilege(*priv)
	if err != nil {
		return usagef("--privilege must be admin, write or read")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	pass, confirm, err := r.newPassphrase(*newFile, pos[0], "--new-passphrase-file FILE")
	if err != nil {
		return err
	}
	id, err := app.AddUser(r.ctx, s, pos[0], p, pass, confirm)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(pos[0])
	if *asJSON {
		return r.json(userJSON{ID: id, Name: name, Privilege: p.String()})
	}
	fmt.Fprintf(r.out, "Added %s with %s privilege.\n", name, p)
	return nil
}

func runUsersSetPrivilege(r *runner, fs *flag.FlagSet, args []string) error {
	pos, err := r.parse(fs, args, 2, 0)
	if err != nil {
		return err
	}
	p, err := access.ParsePrivilege(pos[1])
	if err != nil {
		return usagef("PRIVILEGE must be admin, write or read")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	id, err := r.userID(app, s, pos[0])
	if err != nil {
		return err
	}
	if err := app.SetPrivilege(r.ctx, s, id, p); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "%s now has %s privilege.\n", pos[0], p)
	return nil
}

func runUsersResetPassphrase(r *runner, fs *flag.FlagSet, args []string) error {
	newFile := fs.String("new-passphrase-file", "", "read the new passphrase from `FILE` (- for standard input)")
	recovery := fs.Bool("local-recovery", false, "without signing in, at this OS account's terminal: an administrator's new passphrase")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	if *recovery {
		if *newFile != "" {
			return usagef("--local-recovery asks the new passphrase on the terminal only; leave out --new-passphrase-file")
		}
		return r.localRecovery(pos[0])
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	id, err := r.userID(app, s, pos[0])
	if err != nil {
		return err
	}
	pass, confirm, err := r.newPassphrase(*newFile, pos[0], "--new-passphrase-file FILE")
	if err != nil {
		return err
	}
	if err := app.ResetPassphrase(r.ctx, s, id, pass, confirm); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "New passphrase set for %s.\n", pos[0])
	return nil
}

// userChange runs users disable or users enable.
func userChange(verb string) func(*runner, *flag.FlagSet, []string) error {
	return func(r *runner, fs *flag.FlagSet, args []string) error {
		pos, app, s, err := r.parseAndSignIn(fs, args, 1)
		if err != nil {
			return err
		}
		id, err := r.userID(app, s, pos[0])
		if err != nil {
			return err
		}
		change := app.EnableUser
		if verb == "disable" {
			change = app.DisableUser
		}
		if err := change(r.ctx, s, id); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "%s is %sd.\n", pos[0], verb)
		return nil
	}
}

func runUsersDelete(r *runner, fs *flag.FlagSet, args []string) error {
	to := fs.String("transfer-to", "", "give the user's sources to the user `NAME`")
	disconnect := fs.Bool("disconnect", false, "disconnect the user's sources")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	if *to != "" && *disconnect {
		return usagef("choose either --transfer-to or --disconnect")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	id, err := r.userID(app, s, pos[0])
	if err != nil {
		return err
	}
	policy := core.SourcePolicy{Disconnect: *disconnect}
	if *to != "" {
		if policy.TransferTo, err = r.userID(app, s, *to); err != nil {
			return err
		}
	}
	if err := app.DeleteUser(r.ctx, s, id, policy); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "Deleted %s.\n", pos[0])
	return nil
}

// userID finds a user's id by name. Any signed-in user may look a name up, so that the
// use-case called next is the one that checks the privilege and records a refusal.
func (r *runner) userID(app *core.App, s *access.Session, name string) (int64, error) {
	return app.UserID(r.ctx, s, name)
}

// localRecovery sets the administrator name's passphrase without signing in, only when a
// person at a terminal confirms it by typing the name again: a script cannot run it by mistake.
func (r *runner) localRecovery(name string) error {
	app, err := r.open()
	if err != nil {
		return err
	}
	if empty, err := app.NeedsFirstAdmin(r.ctx); err != nil || empty {
		return cmp.Or(err, errNoUsers)
	}
	fmt.Fprintf(r.errOut, "Local recovery sets a new passphrase for the administrator %s without signing in.\n"+
		"It is recorded in the activity log and shown to every administrator at their next sign-in.\n", core.Printable(name))
	ask := func(prompt string) (core.Secret, error) {
		s, err := r.askSecret(prompt)
		if errors.Is(err, errNoTerminal) {
			return s, usagef("--local-recovery works only at a terminal: run it yourself, as the OS account that owns the workspace")
		}
		return s, err
	}
	typed, err := ask("Type the name " + name + " again to confirm (not shown): ")
	if err != nil {
		return err
	}
	if strings.TrimSpace(typed.Reveal()) != strings.TrimSpace(name) {
		return usagef("the name typed is not %s: nothing was changed", name)
	}
	pass, err := ask("New passphrase for " + name + ": ")
	if err != nil {
		return err
	}
	confirm, err := ask("Type it again: ")
	if err != nil {
		return err
	}
	if err := app.RecoverAdmin(r.ctx, name, pass, confirm); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "New passphrase set for %s by local recovery; every administrator will be told at their next sign-in.\n", core.Printable(name))
	return nil
}
