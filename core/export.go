package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/private"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
	"github.com/medialake/connect/core/vault"
	"github.com/medialake/connect/core/version"
)

// ErrFileExists means the file to write exists already; the caller chooses another name or
// asks to overwrite it.
var ErrFileExists = errors.New("the file exists already")

// ExportExt ends the name of an export file, armoured or not: the files are age's.
const ExportExt = ".age"

// DefaultExportPath is where an export goes unless the person picks another place: a file
// named after today, such as medialake-connect-2026-12-06.age, in ExportFolder.
func (a *App) DefaultExportPath() string {
	return filepath.Join(ExportFolder(), "medialake-connect-"+a.now().Local().Format("2006-01-02")+ExportExt)
}

// NewestExport is the export file in dir changed last, named as DefaultExportPath names them
// (medialake-connect-*.age), or "" when dir holds none: what a restore most likely wants.
func NewestExport(dir string) string {
	paths, _ := filepath.Glob(filepath.Join(dir, "medialake-connect-*"+ExportExt)) // the pattern is valid
	var newest string
	var newestTime time.Time
	for _, path := range paths {
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		// Of two changed at the same time, the later name, which is the later day.
		if t := st.ModTime(); newest == "" || t.After(newestTime) || (t.Equal(newestTime) && path > newest) {
			newest, newestTime = path, t
		}
	}
	return newest
}

// ExportFolder is where the file dialogs of export and import open: the person's Documents
// folder where there is one, else their home folder, else the working folder.
func ExportFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

// ExportOptions say how Export writes the file.
type ExportOptions struct {
	// Passphrase encrypts the file (age's scrypt) when there is no recipient; Confirm is
	// the same typed again. It follows the rules of a sign-in passphrase (access.CheckNew).
	Passphrase, Confirm Secret
	// Recipients are age recipients (age1…) or SSH public keys, one a line; # comments and
	// blank lines are skipped.
	Recipients []string
	// Armor writes the file as text (PEM-like) rather than binary.
	Armor bool
	// WithActivity puts the activity log in the file.
	WithActivity bool
	// Force overwrites an existing file.
	Force bool
}

// ExportReport counts what a file holds.
type ExportReport struct {
	Integrations, Users, Activity int
	// SourcesLeftOut counts the sources the file leaves out: sources are personal, and a
	// refresh token used on two machines breaks rotation.
	SourcesLeftOut int
	// SecretsMissing names the integrations whose client secret the keychain no longer had:
	// the file carries them without one.
	SecretsMissing []string
	// To says to whom the file is encrypted, as the activity log says it.
	To string
}

// Export writes the workspace's integrations (with their client secrets), users (with their
// passphrase hashes) and settings, and optionally its activity log, to an encrypted file at
// path (admin only). The file is 0600 and appears whole or not at all; an existing file is
// ErrFileExists unless opt.Force. Sources and tokens are never exported.
func (a *App) Export(ctx context.Context, s *access.Session, path string, opt ExportOptions) (ExportReport, error) {
	name := filepath.Base(path)
	admin, err := a.authorize(ctx, s, access.WorkspaceExport, name, false)
	if err != nil {
		return ExportReport{}, err
	}
	if encryptedTo(opt.Recipients) == passphraseOnly {
		if err := access.CheckNew(opt.Passphrase, opt.Confirm); err != nil {
			return ExportReport{}, fmt.Errorf("export to %s: file passphrase: %w", path, err)
		}
	}
	doc, rep, err := a.exportDocument(ctx, admin.Name, opt.WithActivity)
	if err == nil {
		rep.To = encryptedTo(opt.Recipients)
		keys := transfer.Keys{Passphrase: opt.Passphrase, Recipients: opt.Recipients}
		err = private.WriteFile(path, opt.Force, func(w io.Writer) error {
			return transfer.Encode(w, doc, keys, opt.Armor)
		})
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%w: %w", ErrFileExists, err)
		}
	}
	if err != nil {
		a.note(ctx, admin.Name, access.WorkspaceExport, name, store.OutcomeFailed, err.Error())
		return ExportReport{}, fmt.Errorf("export to %s: %w", path, err)
	}
	a.note(ctx, admin.Name, access.WorkspaceExport, name, store.OutcomeOK, exportDetail(rep))
	return rep, nil
}

// exportDocument reads what a file that actor writes carries: every integration with its
// secret from the keychain, every user, the settings, the activity log if asked.
func (a *App) exportDocument(ctx context.Context, actor string, withActivity bool) (transfer.Document, ExportReport, error) {
	var rep ExportReport
	ws, err := store.ReadWorkspace(ctx, a.db)
	if err != nil {
		return transfer.Document{}, rep, err
	}
	doc := transfer.Document{AppVersion: version.Get().Version, Workspace: ws.ID, ExportedAt: a.now(),
		ExportedBy: actor, IdleLock: ws.IdleLock, KeepAlive: ws.KeepAlive}
	rows, err := store.Integrations(ctx, a.db)
	if err != nil {
		return transfer.Document{}, rep, err
	}
	for _, r := range rows {
		in := transfer.Integration{Integration: r}
		if !r.SecretSetAt.IsZero() {
			in.Secret, err = a.keychain.Get(ctx, vault.IntegrationSecretKey(r.ID))
			if errors.Is(err, vault.ErrNotFound) {
				in.SecretSetAt, in.SecretSetBy, err = time.Time{}, "", nil
				rep.SecretsMissing = append(rep.SecretsMissing, r.Name)
			}
			if err != nil {
				return transfer.Document{}, rep, fmt.Errorf("client secret of %s: %w", r.Name, err)
			}
		}
		doc.Integrations = append(doc.Integrations, in)
	}
	users, err := store.Users(ctx, a.db)
	if err != nil {
		return transfer.Document{}, rep, err
	}
	for _, u := range users {
		doc.Users = append(doc.Users, transfer.User{Name: u.Name, Privilege: u.Privilege.String(),
			PassphraseHash: u.PassphraseHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt})
	}
	counts, err := store.IntegrationSourceCounts(ctx, a.db)
	if err != nil {
		return transfer.Document{}, rep, err
	}
	for _, n := range counts {
		doc.SourcesLeftOut += n
	}
	if withActivity {
		if doc.Activity, err = a.wholeActivity(ctx); err != nil {
			return transfer.Document{}, rep, err
		}
	}
	rep.Integrations, rep.Users, rep.Activity = len(doc.Integrations), len(doc.Users), len(doc.Activity)
	rep.SourcesLeftOut = doc.SourcesLeftOut
	return doc, rep, nil
}

// wholeActivity returns the whole activity log, oldest first.
func (a *App) wholeActivity(ctx context.Context) ([]store.Entry, error) {
	var all []store.Entry
	f := store.ActivityFilter{Limit: store.MaxActivityPage}
	for {
		page, err := store.Activity(ctx, a.db, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	slices.Reverse(all)
	return all, nil
}

const passphraseOnly = "a passphrase"

// encryptedTo says to whom a file is encrypted, for the activity log and the report.
func encryptedTo(recipients []string) string {
	var names []string
	for _, r := range recipients {
		if r = strings.TrimSpace(r); r != "" && !strings.HasPrefix(r, "#") {
			names = append(names, transfer.Describe(r))
		}
	}
	if len(names) == 0 {
		return passphraseOnly
	}
	return "recipients " + strings.Join(names, ", ")
}

func exportDetail(r ExportReport) string {
	d := fmt.Sprintf("%s, %s, %s; %s left out; to %s", Counted(r.Integrations, "integration"), Counted(r.Users, "user"),
		Counted(r.Activity, "activity entry", "activity entries"), Counted(r.SourcesLeftOut, "source"), r.To)
	if len(r.SecretsMissing) > 0 {
		d += "; without the client secret the keychain no longer had: " + strings.Join(r.SecretsMissing, ", ")
	}
	return d
}
