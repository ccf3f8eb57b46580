package core

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/medialake/connect/core/access"
	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// SaveIntegration checks in and, if every field is right, saves it (admin only); otherwise it
// returns a *ValidationError naming every wrong field and saves nothing. A new client secret
// goes to the keychain first; if the database then refuses the change, the keychain gets the
// previous secret back. A keychain that is unavailable stops the save before anything is
// written. Replacing the secret disconnects nobody: sources use it at their next refresh.
// Saving a public client removes the secret saved before.
func (a *App) SaveIntegration(ctx context.Context, s *access.Session, in IntegrationInput) error {
	in.ID = strings.TrimSpace(in.ID)
	unlock, err := a.lockIntegration(ctx, in.ID)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationSave, in.ID, false)
	if err != nil {
		return err
	}
	p, old, saved, admin := t.provider, t.row, t.saved, t.admin
	others, err := a.otherPorts(ctx, in.ID)
	if err != nil {
		return fmt.Errorf("save integration %s: %w", old.Name, err)
	}
	next, secret, err := a.checkInput(ctx, p, old, in, others)
	if err != nil {
		return fmt.Errorf("save integration %s: %w", old.Name, err)
	}
	now := a.now()
	next.UpdatedAt = now
	if !saved {
		next.CreatedAt = now
	}
	// A public client sends no secret, so none may stay behind to be sent.
	drop := dropsSecret(p.SecretFor(catalog.ClientType(next.ClientType)), old.SecretSetAt)
	switch {
	case !secret.IsZero():
		next.SecretSetAt, next.SecretSetBy = now, admin.Name
	case drop:
		next.SecretSetAt, next.SecretSetBy, next.SecretExpiresAt = time.Time{}, "", time.Time{}
	}

	write := func() error { return a.putIntegration(ctx, admin.Name, old, next, saved, !secret.IsZero()) }
	switch {
	case !secret.IsZero():
		err = a.withSecret(ctx, vault.IntegrationSecretKey(next.ID), &secret, write)
	case drop:
		err = a.withSecret(ctx, vault.IntegrationSecretKey(next.ID), nil, write)
	default:
		err = write()
	}
	if err != nil {
		return fmt.Errorf("save integration %s: %w", next.Name, err)
	}
	return nil
}

// putIntegration writes next over old (saved tells whether old was in the database) with its
// activity entry; newSecret says whether the keychain just got a new client secret.
func (a *App) putIntegration(ctx context.Context, actor string, old, next store.Integration, saved, newSecret bool) error {
	return a.change(ctx, actor, access.IntegrationSave, next.Name, func(tx *sql.Tx) (string, error) {
		// BEGIN IMMEDIATE holds the write lock, so the committed rows read here are the
		// ones this change lands on: no other integration takes the port meanwhile.
		others, err := a.otherPorts(ctx, next.ID)
		if err != nil {
			return "", err
		}
		if other, taken := others[next.RedirectPort]; taken && next.RedirectPort != 0 {
			return "", &ValidationError{Fields: map[string]string{FieldPort: portTaken(next.RedirectPort, other)}}
		}
		return saveDetail(old, next, saved, newSecret), store.PutIntegration(ctx, tx, next)
	})
}

// RemoveSecret deletes an integration's client secret from the keychain (admin only). Where
// the provider requires a secret, the integration is disabled with it.
func (a *App) RemoveSecret(ctx context.Context, s *access.Session, id string) error {
	unlock, err := a.lockIntegration(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationSave, id, true)
	if err != nil {
		return err
	}
	p, r, admin := t.provider, t.row, t.admin
	detail := "client secret removed"
	r.SecretSetAt, r.SecretSetBy, r.SecretExpiresAt, r.UpdatedAt = time.Time{}, "", time.Time{}, a.now()
	if secretPolicy(p, r) == catalog.SecretRequired && r.Enabled {
		r.Enabled = false
		detail += "; disabled: " + p.Name + " requires one"
	}
	err = a.withSecret(ctx, vault.IntegrationSecretKey(id), nil, func() error {
		return a.change(ctx, admin.Name, access.IntegrationSave, r.Name, func(tx *sql.Tx) (string, error) {
			return detail, store.PutIntegration(ctx, tx, r)
		})
	})
	if err != nil {
		return fmt.Errorf("remove secret of %s: %w", r.Name, err)
	}
	return nil
}

// SetEnabled enables or disables an integration (admin only). Disabling keeps the existing
// sources and refuses new connections; enabling is refused with ErrCredentialsMissing while
// the client id or a required client secret is missing.
func (a *App) SetEnabled(ctx context.Context, s *access.Session, id string, on bool) error {
	action := access.IntegrationDisable
	if on {
		action = access.IntegrationEnable
	}
	// The whole row is written back: no save may change it meanwhile.
	unlock, err := a.lockIntegration(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := a.authorizeIntegration(ctx, s, action, id, false)
	if err != nil {
		return err
	}
	p, r, saved, admin, label := t.provider, t.row, t.saved, t.admin, t.row.Name
	if on && (state(p, r) == StateNotSetUp || state(p, r) == StateSecretMissing) {
		return fmt.Errorf("%s %s: %w", action, label, ErrCredentialsMissing)
	}
	if on && state(p, r) == StateClientTypeMissing {
		return fmt.Errorf("%s %s: %w", action, label, ErrClientTypeMissing)
	}
	if !saved && !on {
		return nil // disabling what was never saved: it is disabled already
	}
	err = a.change(ctx, admin.Name, action, r.Name, func(tx *sql.Tx) (string, error) {
		r.Enabled, r.UpdatedAt = on, a.now()
		if !saved { // a preset that needs no registration: enabling saves it
			r.CreatedAt = r.UpdatedAt
		}
		if h, ok := a.host(p.ID); ok {
			if err := h.enabled(ctx, tx); err != nil {
				return "", err
			}
		}
		return "", store.PutIntegration(ctx, tx, r)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, r.Name, err)
	}
	return nil
}

// AddCustomIntegration adds a custom integration of kind catalog.OIDC or catalog.OAuth2,
// disabled and without credentials, and returns its id, "custom-<random>" (admin only).
func (a *App) AddCustomIntegration(ctx context.Context, s *access.Session, name string, kind catalog.ID) (string, error) {
	name = strings.TrimSpace(name)
	admin, err := a.authorize(ctx, s, access.IntegrationAdd, name, false)
	if err != nil {
		return "", err
	}
	if !IsCustomKind(kind) {
		return "", fmt.Errorf("add integration %q of kind %q: %w", name, kind, ErrBadKind)
	}
	if msg := checkName(name); msg != "" {
		return "", fmt.Errorf("add integration: %w", &ValidationError{Fields: map[string]string{FieldName: msg}})
	}
	p, err := catalog.Lookup(kind)
	if err != nil {
		return "", fmt.Errorf("add integration %q: %w", name, err)
	}
	now := a.now()
	r := store.Integration{ID: "custom-" + strings.ToLower(rand.Text()[:12]), Provider: string(kind),
		Name: name, CreatedAt: now, UpdatedAt: now}
	err = a.change(ctx, admin.Name, access.IntegrationAdd, name, func(tx *sql.Tx) (string, error) {
		return p.Name + ", id " + r.ID, store.PutIntegration(ctx, tx, r)
	})
	if err != nil {
		return "", fmt.Errorf("add integration %q: %w", name, err)
	}
	return r.ID, nil
}

// RemoveIntegration removes an integration's row and client secret (admin only); a preset
// shows as not set up again. An integration with sources is ErrIntegrationInUse unless
// confirmDisconnect is set: then each source is disconnected first, revoked at the provider
// where it can be.
func (a *App) RemoveIntegration(ctx context.Context, s *access.Session, id string, confirmDisconnect bool) error {
	unlock, err := a.lockIntegration(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationRemove, id, true)
	if err != nil {
		return err
	}
	p, admin, label := t.provider, t.admin, t.row.Name
	sources, err := store.Sources(ctx, a.db, store.SourceFilter{IntegrationID: id})
	if err != nil {
		return fmt.Errorf("remove integration %s: %w", label, err)
	}
	if len(sources) > 0 && !confirmDisconnect {
		return fmt.Errorf("remove integration %s: %d sources: %w", label, len(sources), ErrIntegrationInUse)
	}
	// Disconnecting talks to the provider and the keychain: it cannot run inside a database
	// transaction, so it runs first and the deletion checks that nothing is left.
	for _, src := range sources {
		if err := a.disconnectSource(ctx, src.ID); err != nil {
			return fmt.Errorf("remove integration %s: disconnect source %d: %w", label, src.ID, err)
		}
	}
	detail := ""
	if len(sources) > 0 {
		detail = fmt.Sprintf("%d sources disconnected", len(sources))
	}
	err = a.withSecret(ctx, vault.IntegrationSecretKey(id), nil, func() error {
		return a.change(ctx, admin.Name, access.IntegrationRemove, label, func(tx *sql.Tx) (string, error) {
			err := store.DeleteIntegration(ctx, tx, id)
			if errors.Is(err, store.ErrInUse) {
				err = fmt.Errorf("%w: %w", ErrIntegrationInUse, err)
			}
			if h, ok := a.host(p.ID); ok && err == nil {
				err = h.removed(ctx, tx)
			}
			return detail, err
		})
	})
	if h, ok := a.host(p.ID); ok && err == nil {
		err = h.forget(ctx)
	}
	if err != nil {
		return fmt.Errorf("remove integration %s: %w", label, err)
	}
	return nil
}

// lockIntegration waits until no other change to integration id runs, in this process or
// another (the GUI and a command at once), and returns the function that lets the next one
// go. A keychain-then-database save must not interleave with another's, or one's restore
// after a failed database write could undo the other's secret. The id is hex-encoded into
// the lock's name, so that any id is one plain file name.
func (a *App) lockIntegration(ctx context.Context, id string) (unlock func(), err error) {
	unlock, err = a.locks.Lock(ctx, "integration-"+hex.EncodeToString([]byte(id)))
	if err != nil {
		return nil, fmt.Errorf("wait for another change to integration %s: %w", id, err)
	}
	return unlock, nil
}

// withSecret puts next under key in the keychain (removes the entry when next is nil), then
// runs write. If write fails, the keychain gets back what it held before: the previous
// secret, or no entry. The previous secret is read first, so a keychain that is unavailable
// stops everything before anything is written.
func (a *App) withSecret(ctx context.Context, key string, next *redact.Secret, write func() error) error {
	prev, err := a.keychain.Get(ctx, key)
	had := err == nil
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	err = nil // no entry yet: nothing to restore, and nothing to delete
	switch {
	case next != nil:
		err = a.keychain.Set(ctx, key, *next)
	case had:
		err = a.keychain.Delete(ctx, key)
	}
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		// The restore must run even when ctx's end is what made write fail.
		rctx := context.WithoutCancel(ctx)
		var undo error
		switch {
		case had:
			undo = a.keychain.Set(rctx, key, prev)
		case next != nil:
			undo = a.keychain.Delete(rctx, key)
		}
		if undo != nil {
			a.log.Error("restore keychain entry after a failed save", "key", key, "err", undo)
			return errors.Join(err, fmt.Errorf("restore the previous keychain entry: %w", undo))
		}
		return err
	}
	return nil
}

// saveDetail says for the activity log what a save changed; never the secret, only that it
// was replaced.
func saveDetail(old, next store.Integration, saved, newSecret bool) string {
	var parts []string
	if !saved {
		parts = append(parts, "first save")
	}
	if next.Name != old.Name {
		parts = append(parts, "renamed from "+old.Name)
	}
	if next.ClientID != old.ClientID {
		parts = append(parts, "client id "+next.ClientID)
	}
	if next.ClientType != old.ClientType {
		parts = append(parts, next.ClientType+" client")
	}
	if !newSecret && !old.SecretSetAt.IsZero() && next.SecretSetAt.IsZero() {
		parts = append(parts, "client secret removed: a public client sends none")
	}
	if newSecret {
		if old.SecretSetAt.IsZero() {
			parts = append(parts, "client secret saved")
		} else {
			parts = append(parts, "client secret replaced")
		}
	}
	if !next.SecretExpiresAt.Equal(old.SecretExpiresAt) && !next.SecretExpiresAt.IsZero() {
		parts = append(parts, "client secret expires "+next.SecretExpiresAt.Format(SecretDateLayout))
	}
	if next.RedirectPort != old.RedirectPort {
		if next.RedirectPort == 0 {
			parts = append(parts, "any port")
		} else {
			parts = append(parts, "port "+strconv.Itoa(next.RedirectPort))
		}
	}
	if !slices.Equal(next.Scopes, old.Scopes) {
		if next.Scopes == nil {
			parts = append(parts, "default scopes")
		} else {
			parts = append(parts, "scopes "+strings.Join(next.Scopes, " "))
		}
	}
	for _, f := range []struct{ name, old, next string }{
		{"publishing status", old.PublishingStatus, next.PublishingStatus},
		{"tenant", old.Tenant, next.Tenant}, {"issuer", old.Issuer, next.Issuer},
		{"authorization endpoint", old.AuthURL, next.AuthURL}, {"token endpoint", old.TokenURL, next.TokenURL},
		{"revocation endpoint", old.RevokeURL, next.RevokeURL}, {"userinfo endpoint", old.UserinfoURL, next.UserinfoURL},
	} {
		if f.old != f.next {
			parts = append(parts, f.name+" "+f.next)
		}
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}
