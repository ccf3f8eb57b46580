package core

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

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

// Bounds of an integration's fixed loopback port: the ports that need no privilege.
const (
	MinFixedPort = catalog.MinPort
	MaxFixedPort = 65535
)

// maxNameLen bounds a custom integration's name, as access.CleanName bounds a user's.
const maxNameLen = 64

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

// Fields of an IntegrationInput, as ValidationError names them.
const (
	FieldName        = "name"
	FieldClientID    = "client_id"
	FieldClientType  = "client_type"
	FieldSecret      = "secret"
	FieldPort        = "port"
	FieldScopes      = "scopes"
	FieldTenant      = "tenant"
	FieldIssuer      = "issuer"
	FieldAuthURL     = "auth_url"
	FieldTokenURL    = "token_url"
	FieldRevokeURL   = "revoke_url"
	FieldUserinfoURL = "userinfo_url"
)

// ValidationError lists every field of an IntegrationInput that is wrong, each with a
// sentence saying why; nothing was saved.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the fields and their problems, sorted by field.
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, f := range names {
		parts[i] = f + ": " + e.Fields[f]
	}
	return "invalid integration settings: " + strings.Join(parts, "; ")
}

// IntegrationInput is what the integration form sends. Values are trimmed before they are
// checked. Enabling is SetEnabled's business.
type IntegrationInput struct {
	ID string
	// Name renames a custom integration; presets keep the catalog's name.
	Name     string
	ClientID string
	// ClientType is how the app is registered, where the provider offers the choice: a
	// public client must have no secret (a saved one is removed), a confidential one must
	// have one. "" keeps the saved type; an integration without one is confidential if it
	// has a secret, public otherwise.
	ClientType catalog.ClientType
	// Secret is a new client secret; the zero Secret keeps the saved one.
	Secret vault.Secret
	// Port is the fixed loopback port as typed; "" means any port.
	Port string
	// Scopes as typed, separated by spaces, commas or new lines; "" means the defaults.
	Scopes string
	// Tenant is Microsoft's; "" means common.
	Tenant string
	// Issuer is the custom OpenID Connect issuer; its discovery document is fetched on save.
	Issuer string
	// The custom OAuth 2.0 endpoints; RevokeURL and UserinfoURL may be empty.
	AuthURL, TokenURL, RevokeURL, UserinfoURL string
}

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

// TestStep is one step of a test authorization, as it happened.
type TestStep struct {
	Step FlowStep
	At   time.Time
	// Elapsed is the time since the test began.
	Elapsed time.Duration
	// Err is set for FlowBrowserFailed and FlowFailed.
	Err error
}

// TestReport is the outcome of TestAuthorization: the steps with their times and, on
// failure, what the provider said and what usually causes it.
type TestReport struct {
	Steps []TestStep
	// Account labels the account that signed in, on success.
	Account string
	OK      bool
	// Problem is what went wrong, in the provider's words where it gave any.
	Problem string
	// Cause is what usually causes Problem and how to fix it.
	Cause string
}

// TestAuthorization runs the whole browser sign-in with the integration's saved credentials,
// as the admin, and reports each step (admin only). It saves no source and no token. Steps
// reach hooks.Progress as they happen. A sign-in that fails returns the report with Problem
// and Cause and the error; the test is recorded in the activity log either way.
func (a *App) TestAuthorization(ctx context.Context, s *access.Session, id string, hooks FlowHooks) (TestReport, error) {
	p, r, saved, err := a.integrationRow(ctx, id)
	label := id
	if err == nil {
		label = r.Name
	}
	admin, aerr := a.authorize(ctx, s, access.IntegrationTest, label, false)
	if aerr != nil {
		return TestReport{}, aerr
	}
	if err == nil && (!saved || state(p, r) == StateNotSetUp || state(p, r) == StateSecretMissing) {
		err = ErrCredentialsMissing
	}
	if err != nil {
		return TestReport{}, fmt.Errorf("test %s: %w", label, err)
	}

	var report TestReport
	var mu sync.Mutex // Progress runs on the flow's goroutines
	start := a.now()
	progress := hooks.Progress
	hooks.NoBrowser, hooks.PastedURL = false, nil
	hooks.Progress = func(ev FlowEvent) {
		mu.Lock()
		report.Steps = append(report.Steps, TestStep{Step: ev.Step, At: ev.At, Elapsed: ev.At.Sub(start), Err: ev.Err})
		mu.Unlock()
		if progress != nil {
			progress(ev)
		}
	}
	in, err := a.prepareIntegration(ctx, r)
	var res flowResult
	if err == nil {
		res, err = a.runFlow(ctx, in, hooks)
	}
	mu.Lock()
	defer mu.Unlock()
	report.OK, report.Account = err == nil, res.account.Label
	if err != nil {
		report.Problem, report.Cause = err.Error(), testCause(err, p.RedirectToRegister(r.RedirectPort))
		a.note(ctx, admin.Name, access.IntegrationTest, label, store.OutcomeFailed, report.Problem)
		return report, fmt.Errorf("test %s: %w", label, err)
	}
	a.note(ctx, admin.Name, access.IntegrationTest, label, store.OutcomeOK, "signed in as "+report.Account)
	return report, nil
}

// testCause says what usually causes a failed test authorization, and what to do about it.
func testCause(err error, redirectURI string) string {
	register := "Register the redirect URI shown in the setup guide at the provider, exactly."
	if redirectURI != "" {
		register = "Register the redirect URI " + redirectURI + " at the provider, exactly."
	}
	switch ReasonOf(err) {
	case ReasonRedirectMismatch:
		return "Redirect URI not registered. " + register
	case ReasonBadClient:
		return "Wrong client secret or client ID: copy both again from the provider's console and save. " +
			"A public (desktop) registration must have no secret at all."
	case ReasonScope:
		return "A scope is missing from the app's registration: add the scopes of the setup guide in the provider's console."
	case ReasonDenied:
		return "The sign-in was declined in the browser, or this account may not use the app yet (for example, not a listed test user)."
	case ReasonWrongAppType:
		return "The app was registered with the wrong application type: choose the type the setup guide names."
	case ReasonSecretMissing:
		return "The client secret is not in this computer's keychain: enter it again and save."
	case ReasonKeychain:
		return "The keychain is unavailable: unlock it, or start the Secret Service, and try again."
	case ReasonPortBusy:
		return "Another program uses the fixed port: close it, or choose another port and register the new redirect URI."
	case ReasonTimeout:
		return "Nobody finished the sign-in in the browser in time. If the provider showed an error about the redirect URI: " + register
	case ReasonCancelled:
		return "The test was canceled."
	case ReasonIssuerMismatch, ReasonIssuerMissing:
		return "The answer came from another issuer than the one saved, or did not name its issuer: check the issuer URL."
	case ReasonNoAccount:
		return "The provider did not say which account signed in: add the scopes the setup guide names (they allow the \"who am I\" call)."
	case ReasonBadDiscovery, ReasonMissingEndpoint:
		return "The issuer's discovery document could not be used: check the issuer URL."
	case ReasonOffline:
		return "The provider could not be reached: check the network and the endpoints."
	}
	return "Check the client ID, the client secret, the redirect URI and the scopes against the setup guide."
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

// integrationRow returns an integration's provider and row; a preset nobody saved yet comes
// with the row it would start from, and saved unset.
func (a *App) integrationRow(ctx context.Context, id string) (catalog.Provider, store.Integration, bool, error) {
	r, err := a.db.Integration(ctx, id)
	switch {
	case err == nil:
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if err != nil {
			return catalog.Provider{}, store.Integration{}, false, fmt.Errorf("integration %s: %w", id, err)
		}
		return p, r, true, nil
	case !errors.Is(err, store.ErrNotFound):
		return catalog.Provider{}, store.Integration{}, false, err
	}
	p, err := catalog.Lookup(catalog.ID(id))
	if err != nil || isCustomKind(p.ID) {
		return catalog.Provider{}, store.Integration{}, false, fmt.Errorf("integration %q: %w", id, ErrUnknownIntegration)
	}
	return p, presetRow(p), false, nil
}

// otherPorts maps the fixed ports that integrations other than id listen on to their names.
func (a *App) otherPorts(ctx context.Context, id string) (map[int]string, error) {
	rows, err := a.db.Integrations(ctx)
	if err != nil {
		return nil, err
	}
	ports := map[int]string{}
	for _, r := range rows {
		if r.ID == id {
			continue
		}
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if err != nil {
			continue
		}
		if port := p.ListenPort(catalog.Settings{Port: r.RedirectPort}); port != 0 {
			ports[port] = r.Name
		}
	}
	return ports, nil
}

// checkInput validates in against provider p and the integration's saved row old, and
// returns the row to save and the new secret (zero if none). Every wrong field is reported
// at once, in a *ValidationError. For custom OpenID Connect it fetches the issuer's
// discovery document and keeps its endpoints.
func (a *App) checkInput(ctx context.Context, p catalog.Provider, old store.Integration, in IntegrationInput, otherPorts map[int]string) (store.Integration, vault.Secret, error) {
	bad := map[string]string{}
	next := old
	next.Provider = string(p.ID)

	if isCustomKind(p.ID) {
		next.Name = strings.TrimSpace(in.Name)
		if msg := checkName(next.Name); msg != "" {
			bad[FieldName] = msg
		}
	}

	next.ClientID = strings.TrimSpace(in.ClientID)
	switch {
	case next.ClientID == "":
		bad[FieldClientID] = "Enter the client ID from the provider's console."
	case strings.IndexFunc(next.ClientID, unicode.IsSpace) >= 0:
		bad[FieldClientID] = "A client ID has no spaces or line breaks inside; copy it again from the console."
	case strings.IndexFunc(next.ClientID, unicode.IsControl) >= 0:
		bad[FieldClientID] = "The client ID holds control characters; copy it again from the console."
	}

	secret := vault.NewSecret(strings.TrimSpace(in.Secret.Reveal()))
	hasSecret := !secret.IsZero() || !old.SecretSetAt.IsZero()
	next.ClientType = ""
	if len(p.ClientTypes) > 0 {
		ct := catalog.ClientType(strings.TrimSpace(string(in.ClientType)))
		switch {
		case ct == "" && old.ClientType != "":
			ct = catalog.ClientType(old.ClientType)
		case ct == "" && hasSecret:
			ct = catalog.ClientConfidential
		case ct == "":
			ct = catalog.ClientPublic
		case !slices.Contains(p.ClientTypes, ct):
			bad[FieldClientType] = "Choose Public or Confidential, as the app is registered at " + p.Name + "."
		}
		next.ClientType = string(ct)
	}
	switch p.SecretFor(catalog.ClientType(next.ClientType)) {
	case catalog.SecretRequired:
		switch {
		case hasSecret:
		case len(p.ClientTypes) > 0:
			bad[FieldSecret] = "A confidential client needs its client secret: enter the one the console shows, or choose Public for a desktop registration."
		default:
			bad[FieldSecret] = p.Name + " requires a client secret: enter the one the console shows."
		}
	case catalog.SecretForbidden:
		switch {
		case secret.IsZero():
		case len(p.ClientTypes) > 0:
			bad[FieldSecret] = "A public client sends no client secret (" + p.Name + " would refuse the sign-in): leave it empty, or choose Confidential for a web registration."
		default:
			bad[FieldSecret] = p.Name + " refuses a client secret for this kind of app: leave it empty."
		}
	}

	port, msg := checkPort(p, in.Port, otherPorts)
	if msg != "" {
		bad[FieldPort] = msg
	}
	next.RedirectPort = port

	scopes, msg := parseScopes(in.Scopes)
	if msg != "" {
		bad[FieldScopes] = msg
	}
	if slices.Equal(scopes, p.Scopes) {
		scopes = nil // the defaults: they follow the catalog when it changes
	}
	next.Scopes = scopes

	next.Tenant, next.Issuer = "", ""
	next.AuthURL, next.TokenURL, next.RevokeURL, next.UserinfoURL = "", "", "", ""
	switch p.ID {
	case catalog.Microsoft:
		next.Tenant = strings.TrimSpace(in.Tenant)
		if next.Tenant != "" && !tenantPattern.MatchString(next.Tenant) {
			bad[FieldTenant] = "A tenant is common, organizations, consumers, a domain or a directory ID."
		}
	case catalog.OAuth2:
		next.AuthURL = endpoint(bad, FieldAuthURL, in.AuthURL, true)
		next.TokenURL = endpoint(bad, FieldTokenURL, in.TokenURL, true)
		next.RevokeURL = endpoint(bad, FieldRevokeURL, in.RevokeURL, false)
		next.UserinfoURL = endpoint(bad, FieldUserinfoURL, in.UserinfoURL, false)
	case catalog.OIDC:
		next.Issuer = endpoint(bad, FieldIssuer, in.Issuer, true)
		if _, wrong := bad[FieldIssuer]; !wrong {
			d, err := catalog.Discover(ctx, a.httpClient, next.Issuer)
			if err != nil {
				bad[FieldIssuer] = "The discovery document could not be used: " + err.Error()
			} else {
				next.AuthURL, next.TokenURL = d.AuthorizationEndpoint, d.TokenEndpoint
				next.RevokeURL, next.UserinfoURL = d.RevocationEndpoint, d.UserinfoEndpoint
			}
		}
	}

	if len(bad) > 0 {
		return store.Integration{}, vault.Secret{}, &ValidationError{Fields: bad}
	}
	return next, secret, nil
}

// tenantPattern is the tenant rule of catalog.Resolve: the names and IDs Microsoft uses, and
// nothing that could change the endpoint's path.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

func checkName(name string) string {
	switch {
	case name == "":
		return "Enter a name for the integration."
	case len([]rune(name)) > maxNameLen:
		return fmt.Sprintf("A name has at most %d characters.", maxNameLen)
	case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return "A name holds only printable characters."
	}
	return ""
}

// checkPort reads the fixed port as typed: "" is any port, where the provider allows it.
func checkPort(p catalog.Provider, typed string, others map[int]string) (int, string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		if p.Redirect.Policy == catalog.ExactMatch {
			return 0, p.Name + " compares the redirect URI exactly, port included: enter the port of the URI you registered."
		}
		return 0, ""
	}
	port, err := strconv.Atoi(typed)
	if err != nil || port < MinFixedPort || port > MaxFixedPort {
		return 0, fmt.Sprintf("A fixed port is a number from %d to %d.", MinFixedPort, MaxFixedPort)
	}
	if other, taken := others[port]; taken {
		return 0, portTaken(port, other)
	}
	return port, ""
}

func portTaken(port int, other string) string {
	return fmt.Sprintf("Port %d is already the fixed port of %s; choose another.", port, other)
}

// parseScopes splits scopes typed with spaces, commas or line breaks, dropping repeats, and
// checks each against RFC 6749 §3.3.
func parseScopes(typed string) ([]string, string) {
	var scopes []string
	for _, sc := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		for _, r := range sc {
			if r < 0x21 || r > 0x7e || r == '"' || r == '\\' {
				return nil, fmt.Sprintf("The scope %q holds a character scopes cannot hold (quotes, backslashes, non-ASCII).", sc)
			}
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	return scopes, ""
}

// endpoint trims and checks a URL field, noting its problem in bad: https, or http on a
// loopback host for testing; an authorization URL without the parameters the app sets itself.
func endpoint(bad map[string]string, field, typed string, required bool) string {
	raw := strings.TrimSpace(typed)
	if raw == "" {
		if required {
			bad[field] = "Enter the URL."
		}
		return ""
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		bad[field] = "Enter a full URL, starting with https://."
	case u.User != nil:
		// The database and the activity log would hold the password.
		bad[field] = "Leave the user name and password out of the URL: enter the client ID and secret in their fields."
	case field == FieldAuthURL && catalog.ReservedAuthParam(raw) != "": // the app sets these at each sign-in
		bad[field] = "Remove the parameter " + catalog.ReservedAuthParam(raw) + " from the URL: the app sets it itself at each sign-in."
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		bad[field] = "The URL must start with https:// (http:// only for localhost or 127.0.0.1, for testing)."
	}
	return raw
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

func isCustomKind(id catalog.ID) bool { return id == catalog.OIDC || id == catalog.OAuth2 }

// presetRow is the row a preset starts from before its first save.
func presetRow(p catalog.Provider) store.Integration {
	r := store.Integration{ID: string(p.ID), Provider: string(p.ID), Name: p.Name}
	if p.Redirect.Policy == catalog.ExactMatch {
		r.RedirectPort = p.Redirect.DefaultPort
	}
	return r
}

// state is an integration's state as its row tells it, without the keychain.
func state(p catalog.Provider, r store.Integration) IntegrationState {
	switch {
	case r.ClientID == "":
		return StateNotSetUp
	case secretPolicy(p, r) == catalog.SecretRequired && r.SecretSetAt.IsZero():
		return StateSecretMissing
	case r.Enabled:
		return StateEnabled
	}
	return StateDisabled
}

// clientType is how the integration's app is registered where the provider offers the
// choice: as saved, else (a row saved before the choice existed, or none saved) confidential
// if it has a secret, public otherwise.
func clientType(p catalog.Provider, r store.Integration) catalog.ClientType {
	ct := catalog.ClientType(r.ClientType)
	switch {
	case len(p.ClientTypes) == 0:
		return ""
	case slices.Contains(p.ClientTypes, ct):
		return ct
	case !r.SecretSetAt.IsZero():
		return catalog.ClientConfidential
	}
	return catalog.ClientPublic
}

// secretPolicy is whether the integration needs, may have or must not have a client secret.
func secretPolicy(p catalog.Provider, r store.Integration) catalog.SecretPolicy {
	return p.SecretFor(clientType(p, r))
}

func view(p catalog.Provider, r store.Integration, saved bool, sources int) IntegrationView {
	v := IntegrationView{
		ID: r.ID, Provider: p, Name: r.Name, Custom: isCustomKind(p.ID), Saved: saved,
		ClientID: r.ClientID, ClientType: clientType(p, r), SecretPolicy: secretPolicy(p, r),
		SecretSetAt: r.SecretSetAt, SecretSetBy: r.SecretSetBy,
		Enabled: r.Enabled, Port: r.RedirectPort, Scopes: r.Scopes, DefaultScopes: p.Scopes,
		Tenant: r.Tenant, Issuer: r.Issuer, AuthURL: r.AuthURL, TokenURL: r.TokenURL,
		RevokeURL: r.RevokeURL, UserinfoURL: r.UserinfoURL,
		State: state(p, r), Sources: sources,
	}
	if v.Scopes == nil {
		v.Scopes = p.Scopes
	}
	return v
}
