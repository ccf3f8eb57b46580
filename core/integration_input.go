package core

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/store"
	"github.com/medialake/connect/core/vault"
)

// Bounds of an integration's fixed loopback port: the ports that need no privilege.
const (
	MinFixedPort = catalog.MinPort
	MaxFixedPort = 65535
)

// maxNameLen bounds a custom integration's name, as access.CleanName bounds a user's.
const maxNameLen = 64

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
