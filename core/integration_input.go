package core

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/redact"
	"github.com/medialake/connect/core/store"
)

// Bounds of an integration's fixed loopback port: the ports that need no privilege.
const (
	MinFixedPort = catalog.MinPort
	MaxFixedPort = catalog.MaxPort
)

// maxNameLen bounds a custom integration's name, as access.CleanName bounds a user's.
const maxNameLen = 64

// Fields of an IntegrationInput, as ValidationError names them: catalog's rule book names them.
const (
	FieldName        = catalog.FieldName
	FieldClientID    = catalog.FieldClientID
	FieldClientType  = catalog.FieldClientType
	FieldSecret      = catalog.FieldSecret
	FieldPort        = catalog.FieldPort
	FieldScopes      = catalog.FieldScopes
	FieldTenant      = catalog.FieldTenant
	FieldIssuer      = catalog.FieldIssuer
	FieldAuthURL     = catalog.FieldAuthURL
	FieldTokenURL    = catalog.FieldTokenURL
	FieldRevokeURL   = catalog.FieldRevokeURL
	FieldUserinfoURL = catalog.FieldUserinfoURL
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
	Secret redact.Secret
	// SecretExpires is the day the client secret expires, YYYY-MM-DD, as the provider's
	// console shows it (Microsoft: Certificates & secrets → Expires). With a new secret, ""
	// records no expiry; without one, "" keeps the date saved and a date replaces it.
	SecretExpires string
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

// checkInput validates in against provider p and the integration's saved row old, and
// returns the row to save and the new secret (zero if none). Every wrong field is reported
// at once, in a *ValidationError. The rules are catalog's (Provider.Check, the same that
// Resolve applies at each sign-in); core adds what needs the database or the network: the
// name, a port another integration holds, and for custom OpenID Connect the issuer's
// discovery document, whose endpoints it keeps.
func (a *App) checkInput(ctx context.Context, p catalog.Provider, old store.Integration, in IntegrationInput, otherPorts map[int]string) (store.Integration, redact.Secret, error) {
	s := inputSettings(p, old, in)
	port, portErr := p.ParsePort(in.Port)
	s.Port = port
	bad := p.Check(s)
	if clientTypeMissing(p, old) && strings.TrimSpace(string(in.ClientType)) == "" {
		// Saved before the choice existed: a guess from the saved secret is what failed.
		bad = append(bad, catalog.FieldError{Field: FieldClientType, Message: "Choose Public or Confidential, as the app is registered at " +
			p.Name + ": this integration was saved before the choice existed."})
	}
	if portErr != nil {
		bad = append(bad, *portErr)
	}
	if other, taken := otherPorts[port]; taken && !bad.Has(FieldPort) {
		bad = append(bad, catalog.FieldError{Field: FieldPort, Message: portTaken(port, other)})
	}
	next := old
	next.Provider, next.ClientID, next.ClientType, next.RedirectPort = string(p.ID), s.ClientID, string(s.ClientType), port
	next.Scopes = s.Scopes
	if slices.Equal(s.Scopes, p.Scopes) {
		next.Scopes = nil // the defaults: they follow the catalog when it changes
	}
	next.Tenant, next.Issuer = s.Tenant, s.Issuer
	next.AuthURL, next.TokenURL, next.RevokeURL, next.UserinfoURL = s.AuthURL, s.TokenURL, s.RevokeURL, s.WhoAmIURL
	if IsCustomKind(p.ID) {
		next.Name = strings.TrimSpace(in.Name)
		if msg := checkName(next.Name); msg != "" {
			bad = append(bad, catalog.FieldError{Field: FieldName, Message: msg})
		}
	}
	if p.ID == catalog.OIDC && !bad.Has(FieldIssuer) {
		d, err := catalog.Discover(ctx, a.httpClient, next.Issuer)
		if err != nil {
			bad = append(bad, catalog.FieldError{Field: FieldIssuer, Message: "The discovery document could not be used: " + err.Error()})
		} else {
			next.AuthURL, next.TokenURL = d.AuthorizationEndpoint, d.TokenEndpoint
			next.RevokeURL, next.UserinfoURL = d.RevocationEndpoint, d.UserinfoEndpoint
		}
	}
	expires, msg := secretExpiry(in.SecretExpires, p.SecretFor(s.ClientType), !s.ClientSecret.IsZero(), a.now())
	switch {
	case msg != "":
		bad = append(bad, catalog.FieldError{Field: FieldSecretExpires, Message: msg})
	case !expires.IsZero() || !s.ClientSecret.IsZero():
		next.SecretExpiresAt = expires
	}
	if len(bad) > 0 {
		return store.Integration{}, redact.Secret{}, &ValidationError{Fields: bad.Map()}
	}
	return next, s.ClientSecret, nil
}

// inputSettings is in as catalog.Settings, trimmed, for the rules to check: only the fields
// p's kind has, a client type not chosen as saved (see defaultClientType), and the saved
// secret counted where no new one is typed.
func inputSettings(p catalog.Provider, old store.Integration, in IntegrationInput) catalog.Settings {
	s := catalog.Settings{
		ClientID:     strings.TrimSpace(in.ClientID),
		ClientSecret: redact.NewSecret(strings.TrimSpace(in.Secret.Reveal())),
		SecretSaved:  !old.SecretSetAt.IsZero(),
		ClientType:   catalog.ClientType(strings.TrimSpace(string(in.ClientType))),
		Scopes:       catalog.ParseScopes(in.Scopes),
		Tenant:       strings.TrimSpace(in.Tenant),
		Issuer:       strings.TrimSpace(in.Issuer),
		AuthURL:      strings.TrimSpace(in.AuthURL),
		TokenURL:     strings.TrimSpace(in.TokenURL),
		RevokeURL:    strings.TrimSpace(in.RevokeURL),
		WhoAmIURL:    strings.TrimSpace(in.UserinfoURL),
	}
	if s.ClientType == "" {
		s.ClientType = defaultClientType(p, old.ClientType, !s.ClientSecret.IsZero() || s.SecretSaved)
	}
	return kindFields(p, s)
}

// kindFields keeps of s only the fields p's kind has: a tenant for Microsoft, endpoints for
// custom OAuth 2.0, an issuer and the endpoints its discovery document gave for custom
// OpenID Connect (a save fetches them again). Whatever else a form or a file carries is
// ignored, never saved: a preset's endpoints are the catalog's.
func kindFields(p catalog.Provider, s catalog.Settings) catalog.Settings {
	k := s
	k.Tenant, k.Issuer, k.AuthURL, k.TokenURL, k.RevokeURL, k.WhoAmIURL = "", "", "", "", "", ""
	switch p.ID {
	case catalog.Microsoft:
		k.Tenant = s.Tenant
	case catalog.OIDC:
		k.Issuer = s.Issuer
		fallthrough
	case catalog.OAuth2:
		k.AuthURL, k.TokenURL, k.RevokeURL, k.WhoAmIURL = s.AuthURL, s.TokenURL, s.RevokeURL, s.WhoAmIURL
	}
	return k
}

// checkName is the rule for a custom integration's name, shown in labels and terminals: a
// preset's name is refused too, so that no custom server passes for the preset beside it.
func checkName(name string) string {
	if p, ok := presetNamed(name); ok {
		return fmt.Sprintf("%s is the name of a preset; choose another.", p.Name)
	}
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

// presetNamed returns the preset called name, in any case.
func presetNamed(name string) (catalog.Provider, bool) {
	for _, p := range catalog.All() {
		if !IsCustomKind(p.ID) && strings.EqualFold(strings.TrimSpace(name), p.Name) {
			return p, true
		}
	}
	return catalog.Provider{}, false
}

// validID reports whether id may name an integration of provider p: a preset's own id, or,
// for a custom one, a lower-case word that is no preset's id in any case (the form makes
// "custom-" and random letters). It is a keychain entry's and a lock's name.
func validID(id string, p catalog.Provider) bool {
	if !IsCustomKind(p.ID) {
		return id == string(p.ID)
	}
	if id == "" || len(id) > 64 || id[0] == '-' || strings.ContainsFunc(id, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z')
	}) {
		return false
	}
	for _, q := range catalog.All() {
		if !IsCustomKind(q.ID) && strings.EqualFold(id, string(q.ID)) {
			return false
		}
	}
	return true
}

func portTaken(port int, other string) string {
	return fmt.Sprintf("Port %d is already the fixed port of %s; choose another.", port, other)
}
