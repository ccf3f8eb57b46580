package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/core/vault"
)

// Errors of a file to import, re-exported for the front ends (see transfer).
var (
	ErrFileEmpty    = transfer.ErrEmpty
	ErrNotExport    = transfer.ErrNotExport
	ErrFileKey      = transfer.ErrWrongKey
	ErrFileDamaged  = transfer.ErrDamaged
	ErrFileNewer    = transfer.ErrNewer
	ErrBadRecipient = transfer.ErrBadRecipient
	ErrBadIdentity  = transfer.ErrBadIdentity
	ErrNoFileKey    = transfer.ErrNoKey
	ErrNotInFile    = errors.New("the file has no integration of that id")
	// ErrReplaceUnsafe: replacing an integration here would change its provider, or the
	// addresses its sources' tokens go to.
	ErrReplaceUnsafe   = errors.New("replacing it would send its sources' tokens to another server")
	ErrRestoreNotAdmin = errors.New("only an active administrator named in the file can restore it")
)

// ImportOptions say how Import and Restore read the file and what they replace.
type ImportOptions struct {
	// Passphrase opens a file encrypted to a passphrase; Identity, the text of an age identity
	// file or an SSH private key, opens one encrypted to recipients.
	Passphrase Secret
	Identity   Secret
	// Replace names the integrations in use here that the file's settings replace; ReplaceAll
	// replaces every one. Others that exist are skipped. Users are never replaced.
	Replace    []string
	ReplaceAll bool
	// DryRun returns the plan and changes nothing.
	DryRun bool
}

// Change is what an import does with one item of the file.
type Change string

// The changes of an ImportPlan.
const (
	ChangeAdd     Change = "add"
	ChangeReplace Change = "replace"
	ChangeSkip    Change = "skip"
)

// ImportItem is one integration or user of the file and what the import does with it.
type ImportItem struct {
	ID     string // integrations only
	Name   string
	Change Change
	// Privilege is a user's in the file, shown in the preview: a file can add administrators.
	Privilege access.Privilege
}

// ImportPlan is what an import does, or did: the preview before Confirm, and the report after.
type ImportPlan struct {
	// Workspace is the id of the workspace the file came from: a detail, for whoever needs it.
	Workspace  string
	AppVersion string
	ExportedAt time.Time
	// ExportedBy names who wrote the file; empty for a file written before files said so.
	ExportedBy string
	// Admins are the file's active administrators: those who may restore it.
	Admins       []string
	Integrations []ImportItem
	Users        []ImportItem
	// Settings says whether the file's settings replace the workspace's: only a restore.
	Settings bool
	// Activity counts the entries of the file's activity log added here: only a restore.
	Activity       int
	SourcesLeftOut int
	DryRun         bool
}

// Count returns how many items of list the plan gives change.
func Count(list []ImportItem, change Change) int {
	n := 0
	for _, it := range list {
		if it.Change == change {
			n++
		}
	}
	return n
}

// Import adds the file's integrations and users to this workspace, which is in use (admin
// only): integrations that exist are replaced only as opt says, users that exist are
// skipped. All or nothing: a bad file, a wrong key or a keychain failure halfway leaves the
// database and the keychain as they were.
func (a *App) Import(ctx context.Context, s *access.Session, path string, opt ImportOptions) (ImportPlan, error) {
	admin, err := a.authorize(ctx, s, access.WorkspaceImport, "workspace", false)
	if err != nil {
		return ImportPlan{}, err
	}
	doc, err := readExport(path, opt)
	if err == nil {
		var plan ImportPlan
		if plan, err = a.importDocument(ctx, admin.Name, doc, opt, false); err == nil {
			return plan, nil
		}
	}
	a.note(ctx, admin.Name, access.WorkspaceImport, "workspace", store.OutcomeFailed, err.Error())
	return ImportPlan{}, fmt.Errorf("import %s: %w", path, err)
}

// Restore sets up an empty workspace (no user yet) from a file as the workspace it came from
// was: integrations with their secrets, users, settings and the file's activity log, under
// this workspace's own id. name and pass are an active administrator's of the file, checked
// against the file's hash before anything is written; the session returned is theirs. With
// opt.DryRun it returns the plan and no session.
func (a *App) Restore(ctx context.Context, path string, opt ImportOptions, name string, pass Secret) (*access.Session, ImportPlan, error) {
	doc, err := a.readForRestore(ctx, path, opt)
	if err != nil {
		return nil, ImportPlan{}, err
	}
	u, err := restoringAdmin(doc, name, pass)
	if err != nil {
		return nil, ImportPlan{}, fmt.Errorf("restore %s: %w", path, err)
	}
	plan, err := a.importDocument(ctx, u.Name, doc, opt, true)
	if err != nil || opt.DryRun {
		if err != nil {
			err = fmt.Errorf("restore %s: %w", path, err)
		}
		return nil, plan, err
	}
	row, err := store.UserByName(ctx, a.db, u.Name)
	if err == nil {
		err = store.RecordSignIn(ctx, a.db, row.ID, a.now())
	}
	if err != nil {
		return nil, plan, fmt.Errorf("restore %s: sign in: %w", path, err)
	}
	return a.startSession(row, a.now()), plan, nil
}

// PreviewRestore says what restoring the file into this empty workspace would do, before
// anyone names an administrator: its plan lists the file's administrators (Admins), of whom
// Restore then needs one. Whoever can open the file can read all of this in it anyway.
func (a *App) PreviewRestore(ctx context.Context, path string, opt ImportOptions) (ImportPlan, error) {
	doc, err := a.readForRestore(ctx, path, opt)
	if err != nil {
		return ImportPlan{}, err
	}
	opt.DryRun = true
	plan, err := a.importDocument(ctx, "", doc, opt, true)
	if err != nil {
		return ImportPlan{}, fmt.Errorf("restore %s: %w", path, err)
	}
	return plan, nil
}

// readForRestore reads the file to restore, into a workspace that must be empty.
func (a *App) readForRestore(ctx context.Context, path string, opt ImportOptions) (transfer.Document, error) {
	if empty, err := a.NeedsFirstAdmin(ctx); err != nil || !empty {
		if err == nil {
			err = ErrAlreadySetUp
		}
		return transfer.Document{}, fmt.Errorf("restore %s: %w", path, err)
	}
	doc, err := readExport(path, opt)
	if err != nil {
		return transfer.Document{}, fmt.Errorf("restore %s: %w", path, err)
	}
	return doc, nil
}

// restoringAdmin finds the file's active administrator called name and checks pass against
// the file's hash.
func restoringAdmin(doc transfer.Document, name string, pass Secret) (transfer.User, error) {
	i := slices.IndexFunc(doc.Users, func(u transfer.User) bool { return strings.EqualFold(u.Name, strings.TrimSpace(name)) })
	if i < 0 {
		return transfer.User{}, fmt.Errorf("user %q: %w; the file's administrators: %s", typedName(name), access.ErrUnknownUser, adminList(doc))
	}
	u := doc.Users[i]
	if !restorer(u) {
		return transfer.User{}, fmt.Errorf("user %q: %w; the file's administrators: %s", u.Name, ErrRestoreNotAdmin, adminList(doc))
	}
	ok, err := access.Verify(u.PassphraseHash, pass)
	if err != nil {
		return transfer.User{}, fmt.Errorf("user %q: %w: %v", u.Name, transfer.ErrNotExport, err)
	}
	if !ok {
		return transfer.User{}, fmt.Errorf("user %q: %w", u.Name, access.ErrWrongPassphrase)
	}
	return u, nil
}

// restorer reports whether u may restore the file: an active administrator.
func restorer(u transfer.User) bool { return u.Privilege == access.Admin.String() && !u.Disabled }

// fileAdmins names the users of doc who may restore it.
func fileAdmins(doc transfer.Document) []string {
	var names []string
	for _, u := range doc.Users {
		if restorer(u) {
			names = append(names, u.Name)
		}
	}
	return names
}

// adminList is fileAdmins for an error's text.
func adminList(doc transfer.Document) string {
	names := fileAdmins(doc)
	for i, n := range names {
		names[i] = Printable(n)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// readExport reads and decrypts the file at path.
func readExport(path string, opt ImportOptions) (transfer.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return transfer.Document{}, err
	}
	defer f.Close()
	return transfer.Decode(f, transfer.Keys{Passphrase: opt.Passphrase, Identity: opt.Identity})
}

// importDocument plans the import of doc and, unless opt.DryRun, makes it as actor: the
// client secrets go to the keychain first, each restored if a later step fails (withSecret),
// then every row in one transaction with the activity entry. The secrets are journaled and
// backed up first, so that a process killed before the transaction leaves the keychain as it
// was too, once the next start has swept (import_journal.go).
func (a *App) importDocument(ctx context.Context, actor string, doc transfer.Document, opt ImportOptions, restore bool) (ImportPlan, error) {
	if err := checkDocument(doc, restore); err != nil {
		return ImportPlan{}, err
	}
	unlock, err := a.locks.Lock(ctx, importLock)
	if err != nil {
		return ImportPlan{}, fmt.Errorf("wait for another import: %w", err)
	}
	defer unlock()
	for _, in := range doc.Integrations {
		unlock, err := a.lockIntegration(ctx, in.ID)
		if err != nil {
			return ImportPlan{}, err
		}
		defer unlock()
	}
	plan, err := a.planImport(ctx, doc, opt, restore)
	if err != nil || opt.DryRun {
		return plan, err
	}
	var writes []transfer.Integration
	for i, it := range plan.Integrations {
		if it.Change != ChangeSkip {
			writes = append(writes, doc.Integrations[i])
		}
	}
	if err := a.journalImport(ctx, writes); err != nil {
		if jerr := a.endImportJournal(context.WithoutCancel(ctx)); jerr != nil {
			a.log.Error("end the import journal; the next start ends it", "err", jerr)
		}
		return ImportPlan{}, err
	}
	err = a.withSecrets(ctx, writes, func() error {
		if afterImportSecrets != nil {
			afterImportSecrets()
		}
		return a.change(ctx, actor, access.WorkspaceImport, "workspace", func(tx *sql.Tx) (string, error) {
			return importDetail(plan), a.importRows(ctx, tx, doc, plan, restore)
		})
	})
	if err == nil && afterImportCommit != nil {
		afterImportCommit()
	}
	if jerr := a.endImportJournal(context.WithoutCancel(ctx)); jerr != nil {
		a.log.Error("end the import journal; the next start ends it", "err", jerr)
	}
	if err != nil {
		return ImportPlan{}, err
	}
	return plan, nil
}

// withSecrets writes the client secret of each of list (removes it where the file has none)
// and then runs write; if anything fails, every entry written so far gets back what it held.
func (a *App) withSecrets(ctx context.Context, list []transfer.Integration, write func() error) error {
	if len(list) == 0 {
		return write()
	}
	in := list[0]
	var next *redact.Secret
	if !in.Secret.IsZero() {
		next = &in.Secret
	}
	return a.withSecret(ctx, vault.IntegrationSecretKey(in.ID), next, func() error {
		return a.withSecrets(ctx, list[1:], write)
	})
}

// importRows writes the rows the plan adds or replaces, in the import's transaction.
func (a *App) importRows(ctx context.Context, tx *sql.Tx, doc transfer.Document, plan ImportPlan, restore bool) error {
	if restore {
		if n, err := store.CountUsers(ctx, tx); err != nil || n > 0 {
			return errors.Join(err, ErrAlreadySetUp) // someone set the workspace up meanwhile
		}
	}
	for i, it := range plan.Integrations {
		if it.Change == ChangeSkip {
			continue
		}
		r := doc.Integrations[i].Integration
		if doc.Integrations[i].Secret.IsZero() {
			r.SecretSetAt, r.SecretSetBy = time.Time{}, ""
		}
		stamp, err := a.importStamp(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		r.UpdatedAt = stamp
		if err := store.PutIntegration(ctx, tx, r); err != nil {
			return err
		}
	}
	for i, it := range plan.Users {
		if it.Change != ChangeAdd {
			continue
		}
		u := doc.Users[i]
		p, _ := access.ParsePrivilege(u.Privilege) // checked by checkDocument
		_, err := store.InsertUser(ctx, tx, store.User{Name: u.Name, Privilege: p,
			PassphraseHash: u.PassphraseHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt})
		if err != nil {
			return err
		}
	}
	if !restore {
		return nil
	}
	if err := store.SetIdleLock(ctx, tx, doc.IdleLock); err != nil {
		return err
	}
	if err := store.SetKeepAlive(ctx, tx, doc.KeepAlive); err != nil {
		return err
	}
	for _, e := range doc.Activity {
		if err := store.Append(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// importStamp is when an import changes integration id: now, and in any case later than the
// row it replaces. The journal tells the import's row from the one before by this time
// (import_journal.go); the file's own time may be the very one of the row here (one's own
// backup re-imported), and a clock may stand still or step back.
func (a *App) importStamp(ctx context.Context, tx *sql.Tx, id string) (time.Time, error) {
	now := a.now()
	here, err := store.IntegrationByID(ctx, tx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return now, nil
	case err != nil:
		return time.Time{}, err
	}
	if now.UnixMilli() <= here.UpdatedAt.UnixMilli() { // the database keeps milliseconds
		return time.UnixMilli(here.UpdatedAt.UnixMilli() + 1).UTC(), nil
	}
	return now, nil
}

// planImport says what importing doc would do here.
func (a *App) planImport(ctx context.Context, doc transfer.Document, opt ImportOptions, restore bool) (ImportPlan, error) {
	plan := ImportPlan{Workspace: doc.Workspace, AppVersion: doc.AppVersion, ExportedAt: doc.ExportedAt,
		ExportedBy: doc.ExportedBy, Admins: fileAdmins(doc), SourcesLeftOut: doc.SourcesLeftOut, Settings: restore, DryRun: opt.DryRun}
	if restore {
		plan.Activity = len(doc.Activity)
	}
	for _, id := range opt.Replace {
		if !slices.ContainsFunc(doc.Integrations, func(in transfer.Integration) bool { return in.ID == id }) {
			return ImportPlan{}, fmt.Errorf("replace %q: %w", id, ErrNotInFile)
		}
	}
	for _, in := range doc.Integrations {
		item := ImportItem{ID: in.ID, Name: in.Name, Change: ChangeAdd}
		here, err := store.IntegrationByID(ctx, a.db, in.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return ImportPlan{}, err
		case opt.ReplaceAll || slices.Contains(opt.Replace, in.ID):
			if err := a.safeToReplace(ctx, here, in.Integration); err != nil {
				return ImportPlan{}, err
			}
			item.Change = ChangeReplace
		default:
			item.Change = ChangeSkip
		}
		plan.Integrations = append(plan.Integrations, item)
	}
	for _, u := range doc.Users {
		priv, _ := access.ParsePrivilege(u.Privilege) // checked by checkDocument
		item := ImportItem{Name: u.Name, Change: ChangeAdd, Privilege: priv}
		_, err := store.UserByName(ctx, a.db, u.Name)
		switch {
		case err == nil:
			item.Change = ChangeSkip
		case !errors.Is(err, store.ErrNotFound):
			return ImportPlan{}, err
		}
		plan.Users = append(plan.Users, item)
	}
	return plan, a.checkPorts(ctx, doc, plan)
}

func importDetail(p ImportPlan) string {
	d := fmt.Sprintf("from workspace %s exported %s: integrations %d added, %d replaced, %d skipped; users %d added, %d skipped",
		p.Workspace, p.ExportedAt.UTC().Format(time.RFC3339), Count(p.Integrations, ChangeAdd),
		Count(p.Integrations, ChangeReplace), Count(p.Integrations, ChangeSkip), Count(p.Users, ChangeAdd), Count(p.Users, ChangeSkip))
	if p.Settings {
		d += fmt.Sprintf("; settings; %d activity entries", p.Activity)
	}
	return d + fmt.Sprintf("; %d sources left out, their owners reconnect", p.SourcesLeftOut)
}
