package core

import (
	"context"
	"errors"
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
	// ErrClientTypeMissing means an integration whose provider offers two client types
	// (Microsoft) was saved before the choice existed: it cannot be enabled, nor used to
	// connect, until an administrator chooses, since a secret sent for a public registration
	// fails every sign-in (AADSTS700025).
	ErrClientTypeMissing = errors.New("the integration's client type is not chosen")
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
	// StateClientTypeMissing: saved before its provider's choice of client type existed; an
	// administrator must choose one before anyone connects through it.
	StateClientTypeMissing
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
	case StateClientTypeMissing:
		return "Client type not chosen"
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
	// SecretExpiresAt is when the client secret expires, as the admin recorded it; zero if
	// not recorded. SecretDue says how soon that is, as of the moment the list was read.
	SecretExpiresAt time.Time
	SecretDue       SecretDue
	Enabled         bool
	// Port is the fixed loopback port, 0 for any port.
	Port int
	// Scopes are the scopes requested: the saved ones, else the provider's defaults.
	Scopes []string
	// DefaultScopes are the provider's defaults.
	DefaultScopes []string
	// PublishingStatus is the app's publishing status where the provider has one
	// (Provider.PublishingStatuses): as saved, else in production; "" elsewhere.
	PublishingStatus catalog.PublishingStatus
	// AccountType is the key of Microsoft's account types that Tenant answers; "" if none.
	AccountType string
	Tenant      string
	Issuer      string
	// The endpoints: typed in for custom OAuth 2.0, read from the discovery document for
	// custom OpenID Connect.
	AuthURL, TokenURL, RevokeURL, UserinfoURL string
	// State is the state as the database tells it, and "secret missing" where the keychain
	// holds none; see StateGiven for a keychain that does not answer.
	State IntegrationState
	// Sources is how many sources use the integration.
	Sources int
}

// StateGiven is the state to show once the keychain has been probed (probe is the probe's
// error, nil when it answered): an integration that is set up is of no use while the
// keychain is unavailable.
func (v IntegrationView) StateGiven(probe error) IntegrationState {
	if probe != nil && v.State != StateNotSetUp {
		return StateKeychainUnavailable
	}
	return v.State
}

// RedirectURI is the exact redirect URI to register at the provider for port (0 for any
// port), or "" where the provider wants none registered.
func (v IntegrationView) RedirectURI(port int) string { return v.Provider.RedirectToRegister(port) }

// SecretPolicyFor is the secret policy the integration has once saved as client type t
// ("" keeps the saved type), for a form to fit its secret field to the type chosen.
func (v IntegrationView) SecretPolicyFor(t catalog.ClientType) catalog.SecretPolicy {
	if t == "" {
		return v.SecretPolicy
	}
	return v.Provider.SecretFor(t)
}

// DropsSecret reports whether saving the integration as client type t ("" keeps the saved
// type) removes its saved client secret: a public client keeps none. SaveIntegration
// decides by the same rule.
func (v IntegrationView) DropsSecret(t catalog.ClientType) bool {
	return dropsSecret(v.SecretPolicyFor(t), v.SecretSetAt)
}

// Input is the form's starting point: the input that saves the integration as it is saved,
// every field as saved and no new secret. A front end changes only what the person changed.
func (v IntegrationView) Input() IntegrationInput {
	in := IntegrationInput{ID: v.ID, Name: v.Name, ClientID: v.ClientID, ClientType: v.ClientType,
		Scopes: strings.Join(v.Scopes, " "), Tenant: v.Tenant, Issuer: v.Issuer,
		AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL, UserinfoURL: v.UserinfoURL}
	if v.Port != 0 {
		in.Port = strconv.Itoa(v.Port)
	}
	return in
}

// Integrations lists every preset of the catalog, saved or not, then the custom integrations
// by name, each with its state and source count (admin only).
func (a *App) Integrations(ctx context.Context, s *access.Session) ([]IntegrationView, error) {
	if _, err := a.authorize(ctx, s, access.IntegrationView, "", false); err != nil {
		return nil, err
	}
	rows, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	counts, err := store.IntegrationSourceCounts(ctx, a.db)
	if err != nil {
		return nil, err
	}
	saved := map[string]store.Integration{}
	for _, r := range rows {
		saved[r.ID] = r
	}
	var list []IntegrationView
	for _, p := range catalog.All() {
		if IsCustomKind(p.ID) {
			continue
		}
		r, ok := saved[string(p.ID)]
		if !ok {
			r = presetRow(p)
		}
		list = append(list, view(p, r, ok, counts[r.ID], a.now()))
	}
	for _, r := range rows {
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if err != nil || !IsCustomKind(p.ID) {
			continue // presets are listed above; a row of an unknown provider cannot be used
		}
		list = append(list, view(p, r, true, counts[r.ID], a.now()))
	}
	a.checkSecrets(ctx, list)
	return list, nil
}

// checkSecrets marks, from the keychain, the integrations whose row says a client secret is
// saved and whose keychain entry is gone (an entry deleted by hand, a killed import): the
// row alone would call them ready, and a sign-in would go without the secret the provider
// expects. A keychain that does not answer is the status line's to tell (StateGiven): the
// list stops asking it.
func (a *App) checkSecrets(ctx context.Context, list []IntegrationView) {
	for i, v := range list {
		if v.SecretSetAt.IsZero() || v.SecretPolicy == catalog.SecretForbidden || (v.State != StateEnabled && v.State != StateDisabled) {
			continue
		}
		_, err := a.keychain.Get(ctx, vault.IntegrationSecretKey(v.ID))
		switch {
		case errors.Is(err, vault.ErrNotFound):
			list[i].State = StateSecretMissing
		case err != nil:
			return
		}
	}
}

// Integration returns one integration (admin only).
func (a *App) Integration(ctx context.Context, s *access.Session, id string) (IntegrationView, error) {
	t, err := a.authorizeIntegration(ctx, s, access.IntegrationView, id, false)
	if err != nil {
		return IntegrationView{}, err
	}
	p, r, saved := t.provider, t.row, t.saved
	counts, err := store.IntegrationSourceCounts(ctx, a.db)
	if err != nil {
		return IntegrationView{}, err
	}
	list := []IntegrationView{view(p, r, saved, counts[id], a.now())}
	a.checkSecrets(ctx, list)
	return list[0], nil
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
