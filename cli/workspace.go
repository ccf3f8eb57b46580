package cli

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/medialake/connect/core"
)

const viaFilePassphraseFile = "--file-passphrase-file FILE (or - for standard input, after your own passphrase), or leave it out to be asked on the terminal"

var workspaceCommands = []command{
	{name: "workspace export", args: "FILE", summary: "write integrations, secrets, users and settings to an encrypted file (admin)",
		about: "The file is encrypted with age: to a passphrase (asked twice, or from --file-passphrase-file),\n" +
			"or to the recipients given (age1... keys or SSH public keys). Sources and tokens are never\n" +
			"exported: their owners reconnect after an import. The file is written 0600; an existing\n" +
			"file is kept unless --force.",
		example: prog + " --user root workspace export backup.age --recipients-file ~/.ssh/id_ed25519.pub --armor",
		secret:  viaFilePassphraseFile, run: runWorkspaceExport},
	{name: "workspace import", args: "FILE", summary: "add a file's integrations and users to this workspace, or restore an empty one (admin)",
		about: "Into an empty workspace the file is restored as it was: sign in with --user and the\n" +
			"passphrase of an administrator named in the file. Into a workspace in use, integrations\n" +
			"that exist are skipped unless --replace ID or --replace-all; users that exist are never\n" +
			"changed. --dry-run shows what would change. Nothing changes unless everything can.",
		example: prog + " --user root workspace import backup.age --dry-run",
		secret:  viaFilePassphraseFile, run: runWorkspaceImport},
	{name: "workspace remove", summary: "delete this workspace: its keychain entries and its folder (admin)",
		about: "Deletes the schedule that runs the workspace's upkeep, every keychain entry of the\n" +
			"workspace (client secrets, tokens, the sandbox's key) and then its folder, with the\n" +
			"database and the log. Tokens are not revoked at the providers: disconnect the sources\n" +
			"first for that. Confirm by typing the folder's path when asked, or give it with --confirm.",
		example: prog + " --user root workspace remove", run: runWorkspaceRemove},
}

func runWorkspaceRemove(r *runner, fs *flag.FlagSet, args []string) error {
	confirm := fs.String("confirm", "", "the workspace's folder `PATH`, typed to confirm")
	if _, err := r.parse(fs, args, 0, 0); err != nil {
		return err
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	if *confirm == "" {
		fmt.Fprintf(r.errOut, "This deletes the workspace in %s, its users, integrations, sources and their secrets, for good.\n"+
			"Type the folder's path to confirm: ", core.Printable(app.Home()))
		if *confirm, err = r.readLine(r.ctx); err != nil {
			return usagef("nothing was removed: no confirmation was typed (give it with --confirm PATH)")
		}
	}
	if err := app.RemoveWorkspace(r.ctx, s, *confirm); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "Removed the workspace in %s.\n", core.Printable(app.Home()))
	return nil
}

// listFlag is an option that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// exportJSON is the --json output of workspace export.
type exportJSON struct {
	File           string   `json:"file"`
	Integrations   int      `json:"integrations"`
	Users          int      `json:"users"`
	Activity       int      `json:"activity"`
	SourcesLeftOut int      `json:"sources_left_out"`
	SecretsMissing []string `json:"secrets_missing"`
	To             string   `json:"to"`
}

func runWorkspaceExport(r *runner, fs *flag.FlagSet, args []string) error {
	var opt core.ExportOptions
	var recipients listFlag
	fs.Var(&recipients, "recipient", "encrypt to `R`, an age recipient (age1...) or an SSH public key; may be repeated")
	recipientsFile := fs.String("recipients-file", "", "encrypt to each recipient in `FILE`, one a line")
	passFile := fs.String("file-passphrase-file", "", "read the file's passphrase from `FILE` (- for standard input)")
	fs.BoolVar(&opt.Armor, "armor", false, "write text (armoured) rather than binary")
	fs.BoolVar(&opt.WithActivity, "with-activity", false, "put the activity log in the file")
	fs.BoolVar(&opt.Force, "force", false, "overwrite an existing file")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	opt.Recipients = recipients
	if *recipientsFile != "" {
		b, err := r.readPrivateFile(*recipientsFile)
		if err != nil {
			return fmt.Errorf("read the recipients from %s: %w", *recipientsFile, err)
		}
		opt.Recipients = append(opt.Recipients, strings.Split(string(b), "\n")...)
	}
	if len(opt.Recipients) > 0 && *passFile != "" {
		return usagef("choose either recipients or --file-passphrase-file")
	}
	app, s, err := r.signIn()
	if err != nil {
		return err
	}
	if len(opt.Recipients) == 0 {
		if opt.Passphrase, opt.Confirm, err = r.newPassphrase(*passFile, "the file", "--file-passphrase-file FILE"); err != nil {
			return err
		}
	}
	rep, err := app.Export(r.ctx, s, pos[0], opt)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(exportJSON{File: pos[0], Integrations: rep.Integrations, Users: rep.Users, Activity: rep.Activity,
			SourcesLeftOut: rep.SourcesLeftOut, SecretsMissing: rep.SecretsMissing, To: rep.To})
	}
	fmt.Fprintf(r.out, "Exported %s, %s and %s to %s, encrypted to %s.\n",
		core.Counted(rep.Integrations, "integration"), core.Counted(rep.Users, "user"),
		core.Counted(rep.Activity, "activity entry", "activity entries"), core.Printable(pos[0]), core.Printable(rep.To))
	if rep.SourcesLeftOut > 0 {
		fmt.Fprintf(r.out, "%s not in the file: their owners reconnect after an import.\n", core.Counted(rep.SourcesLeftOut, "source is", "sources are"))
	}
	if len(rep.SecretsMissing) > 0 {
		fmt.Fprintf(r.out, "The keychain no longer had the client secret of: %s; enter it again after the import.\n",
			core.Printable(strings.Join(rep.SecretsMissing, ", ")))
	}
	return nil
}

func runWorkspaceImport(r *runner, fs *flag.FlagSet, args []string) error {
	var opt core.ImportOptions
	var replace listFlag
	identity := fs.String("identity", "", "decrypt with the age identity or SSH private key in `FILE`")
	passFile := fs.String("file-passphrase-file", "", "read the file's passphrase from `FILE` (- for standard input)")
	fs.Var(&replace, "replace", "replace the integration `ID` where it exists; may be repeated")
	fs.BoolVar(&opt.ReplaceAll, "replace-all", false, "replace every integration that exists")
	fs.BoolVar(&opt.DryRun, "dry-run", false, "show what would change, and change nothing")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, err := r.parse(fs, args, 1, 0)
	if err != nil {
		return err
	}
	opt.Replace = replace
	if *identity != "" && *passFile != "" {
		return usagef("choose either --identity or --file-passphrase-file")
	}
	app, err := r.open()
	if err != nil {
		return err
	}
	empty, err := app.NeedsFirstAdmin(r.ctx)
	if err != nil {
		return err
	}
	var plan core.ImportPlan
	if empty {
		plan, err = r.restore(app, pos[0], opt, *identity, *passFile)
	} else {
		plan, err = r.importInto(app, pos[0], opt, *identity, *passFile)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return r.json(planJSON(plan, empty))
	}
	return r.printPlan(plan)
}

// importJSON is the --json output of workspace import.
type importJSON struct {
	Restored       bool             `json:"restored"`
	FromWorkspace  string           `json:"from_workspace"`
	AppVersion     string           `json:"app_version"`
	ExportedAt     time.Time        `json:"exported_at"`
	ExportedBy     string           `json:"exported_by"`
	Admins         []string         `json:"admins"`
	Integrations   []importItemJSON `json:"integrations"`
	Users          []importItemJSON `json:"users"`
	Settings       bool             `json:"settings"`
	Activity       int              `json:"activity"`
	SourcesLeftOut int              `json:"sources_left_out"`
	DryRun         bool             `json:"dry_run"`
}

// importItemJSON is one integration or user of an import report.
type importItemJSON struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Privilege string `json:"privilege,omitempty"`
	Change    string `json:"change"`
}

func planJSON(p core.ImportPlan, restored bool) importJSON {
	items := func(list []core.ImportItem) []importItemJSON {
		out := make([]importItemJSON, len(list))
		for i, it := range list {
			out[i] = importItemJSON{ID: it.ID, Name: it.Name, Change: string(it.Change)}
			if it.ID == "" {
				out[i].Privilege = it.Privilege.String()
			}
		}
		return out
	}
	return importJSON{Restored: restored, FromWorkspace: p.Workspace, AppVersion: p.AppVersion,
		ExportedAt: p.ExportedAt.UTC(), ExportedBy: p.ExportedBy, Admins: p.Admins, Integrations: items(p.Integrations), Users: items(p.Users),
		Settings: p.Settings, Activity: p.Activity, SourcesLeftOut: p.SourcesLeftOut, DryRun: p.DryRun}
}

// restore restores the file into an empty workspace as --user, an administrator in the file.
func (r *runner) restore(app *core.App, file string, opt core.ImportOptions, identity, passFile string) (core.ImportPlan, error) {
	if r.global.user == "" {
		return core.ImportPlan{}, usagef("the workspace is empty: name an administrator of the file with --user NAME to restore it")
	}
	pass, err := r.passphrase("Passphrase for " + r.global.user + " (as in the file): ")
	if err != nil {
		return core.ImportPlan{}, err
	}
	if err := r.fileKeys(&opt, identity, passFile); err != nil {
		return core.ImportPlan{}, err
	}
	_, plan, err := app.Restore(r.ctx, file, opt, r.global.user, pass)
	return plan, err
}

// importInto adds the file to the workspace in use, signed in as usual.
func (r *runner) importInto(app *core.App, file string, opt core.ImportOptions, identity, passFile string) (core.ImportPlan, error) {
	_, s, err := r.signIn()
	if err != nil {
		return core.ImportPlan{}, err
	}
	if err := r.fileKeys(&opt, identity, passFile); err != nil {
		return core.ImportPlan{}, err
	}
	return app.Import(r.ctx, s, file, opt)
}

// fileKeys reads what opens the file: the identity file, else the file's passphrase.
func (r *runner) fileKeys(opt *core.ImportOptions, identity, passFile string) error {
	var err error
	if identity != "" {
		b, err := r.readPrivateFile(identity)
		if err != nil {
			return &fileError{"identity", identity, err}
		}
		opt.Identity = core.NewSecret(string(b))
		return nil
	}
	if passFile != "" {
		opt.Passphrase, err = r.readSecretFile(passFile, "file's passphrase")
		return err
	}
	opt.Passphrase, err = r.ask("Passphrase of the file: ", "--file-passphrase-file FILE")
	return err
}

// printPlan prints what an import did, or would do.
func (r *runner) printPlan(p core.ImportPlan) error {
	var rows [][]string
	for _, it := range p.Integrations {
		rows = append(rows, []string{"integration", it.ID + " (" + it.Name + ")", changeWords[it.Change]})
	}
	for _, it := range p.Users {
		rows = append(rows, []string{"user", it.Name + " (" + it.Privilege.String() + ")", changeWords[it.Change]})
	}
	if err := r.table([]string{"KIND", "NAME", "CHANGE"}, rows); err != nil {
		return err
	}
	verb := "Imported"
	if p.DryRun {
		verb = "Would import (dry run, nothing changed)"
	}
	by := ""
	if p.ExportedBy != "" {
		by = " by " + core.Printable(p.ExportedBy)
	}
	fmt.Fprintf(r.out, "%s the file exported %s%s (from workspace %s)", verb, when(p.ExportedAt), by, core.Printable(p.Workspace))
	if p.Settings {
		fmt.Fprintf(r.out, ", with its settings and %d activity entries", p.Activity)
	}
	fmt.Fprintln(r.out, ".")
	if p.SourcesLeftOut > 0 {
		fmt.Fprintf(r.out, "%d sources were not in the file: their owners reconnect them here.\n", p.SourcesLeftOut)
	}
	return nil
}

// The file's passphrase is a secret like the others: refused as an argument.
func init() { secretFlags["file-passphrase"] = viaFilePassphraseFile }

// changeWords are the import plan's changes in the table, as the window words them; --json
// keeps add, replace and skip.
var changeWords = map[core.Change]string{
	core.ChangeAdd:     "add",
	core.ChangeReplace: "replace",
	core.ChangeSkip:    "keep (exists here)",
}
