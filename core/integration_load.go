package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
)

// rowOrPreset returns an integration's provider and row for the admin's screens; a preset
// nobody saved yet comes with the row it would start from, and saved unset.
func (a *App) rowOrPreset(ctx context.Context, id string) (catalog.Provider, store.Integration, bool, error) {
	r, err := store.IntegrationByID(ctx, a.db, id)
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
	if err != nil || IsCustomKind(p.ID) {
		return catalog.Provider{}, store.Integration{}, false, fmt.Errorf("integration %q: %w", id, ErrUnknownIntegration)
	}
	return p, presetRow(p), false, nil
}

// otherPorts maps the fixed ports that integrations other than id listen on, and the ports
// of the local hosts but id's own (hostPorts), to their names.
func (a *App) otherPorts(ctx context.Context, id string) (map[int]string, error) {
	rows, err := store.Integrations(ctx, a.db)
	if err != nil {
		return nil, err
	}
	ports, err := a.hostPorts(ctx, catalog.ID(id))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p, err := catalog.Lookup(catalog.ID(r.Provider))
		if r.ID == id || err != nil {
			continue
		}
		if port := p.ListenPort(catalog.Settings{Port: r.RedirectPort}); port != 0 {
			ports[port] = r.Name
		}
	}
	return ports, nil
}

// presetRow is the row a preset starts from before its first save.
func presetRow(p catalog.Provider) store.Integration {
	r := store.Integration{ID: string(p.ID), Provider: string(p.ID), Name: p.Name, ClientID: p.FixedClientID}
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
	case clientTypeMissing(p, r):
		return StateClientTypeMissing
	case secretPolicy(p, r) == catalog.SecretRequired && r.SecretSetAt.IsZero():
		return StateSecretMissing
	case r.Enabled:
		return StateEnabled
	}
	return StateDisabled
}

// clientTypeMissing reports whether r was saved before p's choice of client type existed:
// set up, offered a choice, and none saved.
func clientTypeMissing(p catalog.Provider, r store.Integration) bool {
	return len(p.ClientTypes) > 0 && r.ClientID != "" && r.ClientType == ""
}

// rowSettings are a saved integration's settings as the rule book and Resolve take them,
// without the client secret, which the keychain holds.
func rowSettings(p catalog.Provider, row store.Integration) catalog.Settings {
	return catalog.Settings{
		ClientID:   row.ClientID,
		Tenant:     row.Tenant,
		Issuer:     row.Issuer,
		AuthURL:    row.AuthURL,
		TokenURL:   row.TokenURL,
		RevokeURL:  row.RevokeURL,
		WhoAmIURL:  row.UserinfoURL,
		Scopes:     row.Scopes,
		ClientType: clientType(p, row),
		Port:       row.RedirectPort,

		PublishingStatus: catalog.PublishingStatus(row.PublishingStatus),
	}
}

// publishingStatus is the integration's publishing status where p has one: as saved, else
// (saved before the choice existed, or never) in production; "" where p has none.
func publishingStatus(p catalog.Provider, r store.Integration) catalog.PublishingStatus {
	switch {
	case len(p.PublishingStatuses) == 0:
		return ""
	case r.PublishingStatus == "":
		return catalog.PublishingInProduction
	}
	return catalog.PublishingStatus(r.PublishingStatus)
}

// clientType is how the integration's app is registered where the provider offers the
// choice: see defaultClientType.
func clientType(p catalog.Provider, r store.Integration) catalog.ClientType {
	return defaultClientType(p, r.ClientType, !r.SecretSetAt.IsZero())
}

// defaultClientType is the client type of an integration whose form chose none: as saved,
// else (a row saved before the choice existed, or none saved) confidential if it has a
// secret, public otherwise; "" where p offers no choice.
func defaultClientType(p catalog.Provider, saved string, hasSecret bool) catalog.ClientType {
	ct := catalog.ClientType(saved)
	switch {
	case len(p.ClientTypes) == 0:
		return ""
	case slices.Contains(p.ClientTypes, ct):
		return ct
	case hasSecret:
		return catalog.ClientConfidential
	}
	return catalog.ClientPublic
}

// dropsSecret reports whether a save under secret policy policy removes the secret saved at
// savedAt: a client that must send none (a public one) keeps none to be sent.
func dropsSecret(policy catalog.SecretPolicy, savedAt time.Time) bool {
	return policy == catalog.SecretForbidden && !savedAt.IsZero()
}

// secretPolicy is whether the integration needs, may have or must not have a client secret.
func secretPolicy(p catalog.Provider, r store.Integration) catalog.SecretPolicy {
	return p.SecretFor(clientType(p, r))
}

func view(p catalog.Provider, r store.Integration, saved bool, sources int, now time.Time) IntegrationView {
	v := IntegrationView{
		ID: r.ID, Provider: p, Name: r.Name, Custom: IsCustomKind(p.ID), Saved: saved,
		ClientID: r.ClientID, ClientType: clientType(p, r), SecretPolicy: secretPolicy(p, r),
		SecretSetAt: r.SecretSetAt, SecretSetBy: r.SecretSetBy,
		SecretExpiresAt: r.SecretExpiresAt, SecretDue: secretDue(r.SecretExpiresAt, now),
		Enabled: r.Enabled, Port: r.RedirectPort, Scopes: r.Scopes, DefaultScopes: p.Scopes,
		PublishingStatus: publishingStatus(p, r), AccountType: p.AccountTypeOf(r.Tenant),
		Tenant: r.Tenant, Issuer: r.Issuer, AuthURL: r.AuthURL, TokenURL: r.TokenURL,
		RevokeURL: r.RevokeURL, UserinfoURL: r.UserinfoURL,
		State: state(p, r), Sources: sources,
	}
	if v.State == StateClientTypeMissing {
		// Shown as not chosen, so that the form asks rather than offer a guess.
		v.ClientType, v.SecretPolicy = "", p.Secret
	}
	if v.Scopes == nil {
		v.Scopes = p.Scopes
	}
	return v
}
