package core

// import_check.go: the checks a file to import goes through before anything is written: the
// form's rules for every value, and what replacing an integration here may change.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/transfer"
)

// safeToReplace refuses to replace an integration here with the file's when that would send
// its sources' tokens somewhere else: another provider, or, while sources use it, another
// issuer or endpoint. The file is input, and a hostile one must not redirect refresh tokens.
func (a *App) safeToReplace(ctx context.Context, here, file store.Integration) error {
	if here.Provider != file.Provider {
		return fmt.Errorf("integration %s: provider %s here, %s in the file: %w", here.Name, here.Provider, Printable(file.Provider), ErrReplaceUnsafe)
	}
	srcs, err := store.Sources(ctx, a.db, store.SourceFilter{IntegrationID: here.ID})
	if err != nil || len(srcs) == 0 {
		return err
	}
	for _, f := range []struct{ name, here, file string }{
		{"issuer", here.Issuer, file.Issuer}, {"tenant", here.Tenant, file.Tenant},
		{"authorization endpoint", here.AuthURL, file.AuthURL}, {"token endpoint", here.TokenURL, file.TokenURL},
		{"revocation endpoint", here.RevokeURL, file.RevokeURL}, {"userinfo endpoint", here.UserinfoURL, file.UserinfoURL},
	} {
		if f.here != f.file {
			return fmt.Errorf("integration %s has %d sources here and the file changes its %s to %q: %w",
				here.Name, len(srcs), f.name, Printable(f.file), ErrReplaceUnsafe)
		}
	}
	return nil
}

// checkPorts refuses a plan that would give two integrations one fixed loopback port, as
// SaveIntegration refuses a port taken.
func (a *App) checkPorts(ctx context.Context, doc transfer.Document, plan ImportPlan) error {
	rows, err := store.Integrations(ctx, a.db)
	if err != nil {
		return err
	}
	after := map[string]store.Integration{}
	for _, r := range rows {
		after[r.ID] = r
	}
	for i, it := range plan.Integrations {
		if it.Change != ChangeSkip {
			after[it.ID] = doc.Integrations[i].Integration
		}
	}
	taken, err := a.hostPorts(ctx, "")
	if err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(after)) {
		r := after[id]
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if err != nil {
			continue
		}
		port := p.ListenPort(catalog.Settings{Port: r.RedirectPort})
		if other, ok := taken[port]; ok && port != 0 {
			return fmt.Errorf("integration %s: %w", r.Name, &ValidationError{Fields: map[string]string{FieldPort: portTaken(port, other)}})
		}
		taken[port] = r.Name
	}
	return nil
}

// checkDocument refuses a file whose records this version could not save as they are, and,
// for a restore, which applies them, whose settings the settings form would refuse. The
// file is input like a form: every value goes through the form's rules, and what the form
// ignores (a preset's name and endpoints) is dropped, as a save drops it.
func checkDocument(doc transfer.Document, restore bool) error {
	if err := checkIdleLock(doc.IdleLock); restore && err != nil {
		return fmt.Errorf("%w: settings: %v", transfer.ErrNotExport, err)
	}
	seen := map[string]bool{}
	for i := range doc.Integrations {
		in := &doc.Integrations[i]
		if err := checkFileIntegration(in); err != nil || seen[in.ID] {
			if err == nil {
				err = errors.New("twice in the file")
			}
			return fmt.Errorf("%w: integration %d (%q): %v", transfer.ErrNotExport, i+1, Printable(in.ID), err)
		}
		seen[in.ID] = true
	}
	names := map[string]bool{}
	for i, u := range doc.Users {
		name, err := access.CleanName(u.Name)
		_, perr := access.ParsePrivilege(u.Privilege)
		if err != nil || perr != nil || name != u.Name || names[strings.ToLower(name)] {
			return fmt.Errorf("%w: user %d (%q) is not valid", transfer.ErrNotExport, i+1, Printable(u.Name))
		}
		if err := checkFileHash(u.PassphraseHash); err != nil {
			return fmt.Errorf("%w: user %d (%q): %v", transfer.ErrNotExport, i+1, u.Name, err)
		}
		names[strings.ToLower(name)] = true
	}
	return nil
}

// checkFileIntegration checks one integration of a file by the form's rules and drops what
// the form ignores.
func checkFileIntegration(in *transfer.Integration) error {
	p, err := catalog.Lookup(catalog.ID(in.Provider))
	switch {
	case err != nil:
		return err
	case !validID(in.ID, p):
		return fmt.Errorf("id %q for provider %q: a preset's id is its own, a custom one's a lower-case word of letters, digits and dashes that no preset has", Printable(in.ID), in.Provider)
	case IsCustomKind(p.ID) && checkName(in.Name) != "":
		return errors.New(checkName(in.Name)) // shown in labels and terminals: the form's rule
	}
	if _, nerr := access.CleanName(in.SecretSetBy); in.SecretSetBy != "" && nerr != nil {
		return fmt.Errorf("secret set by %q", Printable(in.SecretSetBy))
	}
	if !IsCustomKind(p.ID) {
		in.Name = p.Name // a preset keeps the catalog's name, as a save does
	}
	s := kindFields(p, rowSettings(p, in.Integration))
	in.Tenant, in.Issuer = s.Tenant, s.Issuer
	in.AuthURL, in.TokenURL, in.RevokeURL, in.UserinfoURL = s.AuthURL, s.TokenURL, s.RevokeURL, s.WhoAmIURL
	// The rule book a save and every sign-in apply. A custom integration added and not yet
	// set up (no client id, disabled) is as a form left it; its first save checks it.
	s.ClientSecret = in.Secret
	if s.ClientID == "" && !in.Enabled && p.FixedClientID == "" {
		return nil
	}
	if bad := p.Check(s); len(bad) > 0 {
		return &ValidationError{Fields: bad.Map()}
	}
	return nil
}

// checkFileHash refuses a passphrase hash this app would not have written: unreadable,
// beyond the caps (every sign-in would pay for it), or below the app's own cost (a weak hash
// planted for someone who never signs in to have it re-hashed).
func checkFileHash(phc string) error {
	if _, err := access.PHCParams(phc); err != nil {
		return err
	}
	if access.NeedsRehash(phc) {
		return errors.New("passphrase hash made with less work than this app uses")
	}
	return nil
}
