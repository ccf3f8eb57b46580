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
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

var (
	// ErrUnknownIntegration means no integration, preset or custom, has that id.
	ErrUnknownIntegration = errors.New("no such integration")
	// ErrIntegrationInUse means an integration to remove has sources and the removal was not
	// confirmed; confirming disconnects them.
	ErrIntegrationInUse = errors.New("the integration has sources")
	// ErrCredentialsMissing means an integration cannot be enabled or tested while its client
	// id, or the client secret its provider requires, is missing.
	ErrCredentialsMissing = errors.New("the integration's client id or required client secret is missing")
	// ErrBadKind means a custom integration's kind is neither OpenID Connect nor OAuth 2.0.
	ErrBadKind = errors.New("a custom integration is either OpenID Connect or OAuth 2.0")
)

// IntegrationState is what the integrations list says about one integration.
type IntegrationState int

// The states of an integration.
const (
	// StateNotSetUp: no client id saved yet.
	StateNotSetUp IntegrationState = iota
	// StateEnabled: writers may connect sources through it.
	StateEnabled
	// StateDisabled: existing sources keep working, new connections are refused.
	StateDisabled
	// StateSecretMissing: the provider requires a client secret and none is saved.
	StateSecretMissing
	// StateKeychainUnavailable: the keychain did not answer the last probe, so neither the
	// client secret nor the sources' tokens can be read.
	StateKeychainUnavailable
)

// String is the state as the list shows it.
func (s IntegrationState) String() string {
	switch s {
	case StateNotSetUp:
		return "Not set up"
	case StateEnabled:
		return "Enabled"
	case StateDisabled:
		return "Disabled"
	case StateSecretMissing:
		return "Secret missing"
	case StateKeychainUnavailable:
		return "Keychain unavailable"
	}
	return "state " + strconv.Itoa(int(s))
}

// IntegrationView is an integration as the Admin tab shows it. It carries no secret: only
// when the client secret was saved and by whom.
type IntegrationView struct {
	ID string
	// Provider is the catalog entry, with its setup guide and policies; Microsoft's endpoints
	// still hold "{tenant}".
	Provider catalog.Provider
	Name     string
	// Custom is set for the custom OpenID Connect and OAuth 2.0 integrations admins add.
	Custom bool
	// Saved is unset for a preset nobody has saved yet.
	Saved    bool
	ClientID string
	// ClientType is how the app is registered where the provider offers the choice
	// (Provider.ClientTypes), "" elsewhere.
	ClientType catalog.ClientType
	// SecretPolicy is whether a client secret is required, optional or forbidden, given
	// the client type.
	SecretPolicy catalog.SecretPolicy
	// SecretSetAt is when the client secret was saved; zero when there is none.
	SecretSetAt time.Time
	SecretSetBy string
	Enabled     bool
	// Port is the fixed loopback port, 0 for any port.
	Port int
	// Scopes are the scopes requested: the saved ones, else the provider's defaults.
	Scopes []string
	// DefaultScopes are the provider's defaults.
	DefaultScopes []string
	Tenant        string
	Issuer        string
	// The endpoints: typed in for custom OAuth 2.0, read from the discovery document for
	// custom OpenID Connect.
	AuthURL, TokenURL, RevokeURL, UserinfoURL string
	// State is the state as the database tells it; see StateGiven for the keychain's part.
	State IntegrationState
	// Sources is how many sources use the integration.
	Sources int
}

// StateGiven is the state to show once the keychain has been probed (probe is the probe's
// error, nil when it answered): an integration that is set up is of no use while the
// keychain is unavailable. The list never reads a secret to decide.
func (v IntegrationView) StateGiven(probe error) IntegrationState {
	if probe != nil && v.State != StateNotSetUp {
		return StateKeychainUnavailable
	}
	return v.State
}

// RedirectURI is the exact redirect URI to register at the provider for port (0 for any
// port), or "" where the provider wants none registered.
func (v IntegrationView) RedirectURI(port int) string { return v.Provider.RedirectToRegister(port) }

// Integrations lists every preset of the catalog, saved or not, then the custom integrations
// by name, each with its state and source count (admin only).
func (a *App) Integrations(ctx context.Context, s *access.Session) ([]IntegrationView, error) {
	if _, err := a.authorize(ctx, s, access.IntegrationView, "", false); err != nil {
		return nil, err
	}
	rows, err := a.db.Integrations(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := a.db.IntegrationSourceCounts(ctx)
	if err != nil {
		return nil, err
	}
	saved := map[string]store.Integration{}
	for _, r := range rows {
		saved[r.ID] = r
	}
	var list []IntegrationView
	for _, p := range catalog.All() {
		if isCustomKind(p.ID) {
			continue
		}
		r, ok := saved[string(p.ID)]
		if !ok {
			r = presetRow(p)
		}
		list = append(list, view(p, r, ok, counts[r.ID]))
	}
	for _, r := range rows {
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if err != nil || !isCustomKind(p.ID) {
			continue // presets are listed above; a row of an unknown provider cannot be used
		}
		list = append(list, view(p, r, true, counts[r.ID]))
	}
	return list, nil
}

// Integration returns one integration (admin only).
func (a *App) Integration(ctx context.Context, s *access.Session, id string) (IntegrationView, error) {
	if _, err := a.authorize(ctx, s, access.IntegrationView, id, false); err != nil {
		return IntegrationView{}, err
	}
	p, r, saved, err := a.integrationRow(ctx, id)
	if err != nil {
		return IntegrationView{}, err
	}
	counts, err := a.db.IntegrationSourceCounts(ctx)
	if err != nil {
		return IntegrationView{}, err
	}
	return view(p, r, saved, counts[id]), nil
}

// DiscoverIssuer fetches and checks an OpenID Connect issuer's discovery document, for the
// form to show its endpoints before saving (admin only).
func (a *App) DiscoverIssuer(ctx context.Context, s *access.Session, issuer string) (catalog.Discovery, error) {
	issuer = strings.TrimSpace(issuer)
	if _, err := a.authorize(ctx, s, access.IntegrationView, issuer, false); err != nil {
		return catalog.Discovery{}, err
	}
	return catalog.Discover(ctx, a.httpClient, issuer)
}

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
	p, old, saved, err := a.integrationRow(ctx, in.ID)
	if err != nil {
		// Authorize first all the same, so a refusal is recorded as one.
		if _, aerr := a.authorize(ctx, s, access.IntegrationSave, in.ID, false); aerr != nil {
			return aerr
		}
		return fmt.Errorf("save integration %s: %w", in.ID, err)
	}
	admin, err := a.authorize(ctx, s, access.IntegrationSave, old.Name, false)
	if err != nil {
		return err
	}
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
	drop := p.SecretFor(catalog.ClientType(next.ClientType)) == catalog.SecretForbidden && !old.SecretSetAt.IsZero()
	switch {
	case !secret.IsZero():
		next.SecretSetAt, next.SecretSetBy = now, admin.Name
	case drop:
		next.SecretSetAt, next.SecretSetBy = time.Time{}, ""
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
	p, r, saved, err := a.integrationRow(ctx, id)
	if err == nil && !saved {
		err = ErrUnknownIntegration
	}
	label := id
	if err == nil {
		label = r.Name
	}
	admin, aerr := a.authorize(ctx, s, access.IntegrationSave, label, false)
	if aerr != nil {
		return aerr
	}
	if err != nil {
		return fmt.Errorf("remove secret of %s: %w", label, err)
	}
	detail := "client secret removed"
	r.SecretSetAt, r.SecretSetBy, r.UpdatedAt = time.Time{}, "", a.now()
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
	p, r, saved, err := a.integrationRow(ctx, id)
	label := id
	if err == nil {
		label = r.Name
	}
	admin, aerr := a.authorize(ctx, s, action, label, false)
	if aerr != nil {
		return aerr
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, label, err)
	}
	if on && (!saved || state(p, r) == StateNotSetUp || state(p, r) == StateSecretMissing) {
		return fmt.Errorf("%s %s: %w", action, label, ErrCredentialsMissing)
	}
	if !saved {
		return nil // disabling what was never saved: it is disabled already
	}
	err = a.change(ctx, admin.Name, action, r.Name, func(tx *sql.Tx) (string, error) {
		r.Enabled, r.UpdatedAt = on, a.now()
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
	if !isCustomKind(kind) {
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
	_, r, saved, err := a.integrationRow(ctx, id)
	if err == nil && !saved {
		err = ErrUnknownIntegration
	}
	label := id
	if err == nil {
		label = r.Name
	}
	admin, aerr := a.authorize(ctx, s, access.IntegrationRemove, label, false)
	if aerr != nil {
		return aerr
	}
	if err != nil {
		return fmt.Errorf("remove integration %s: %w", label, err)
	}
	sources, err := a.db.Sources(ctx, store.SourceFilter{IntegrationID: id})
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
			return detail, err
		})
	})
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
func (a *App) withSecret(ctx context.Context, key string, next *vault.Secret, write func() error) error {
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
