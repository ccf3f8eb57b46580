package catalog

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The rule book of an integration's settings. Saving an integration (core's form check) and
// building a sign-in from saved settings (Resolve) both ask Check, so the two can never
// disagree about what is allowed; the messages are the ones the form shows under each field.

// Fields of an integration's settings, as FieldError names them.
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
	FieldPublishing  = "publishing_status"
	FieldAccountType = "account_types"
)

// MaxPort is the highest fixed loopback port.
const MaxPort = 65535

// FieldError is one setting that breaks a rule: the field and a sentence saying what is
// wrong and what to do.
type FieldError struct {
	Field   string
	Message string
	// Err is the kind of problem, for errors.Is: ErrMissingEndpoint, ErrInvalidURL,
	// ErrInsecureURL or ErrIssuerMismatch; nil for any other. Every FieldError is also
	// ErrInvalidSettings.
	Err error
}

// Error is the field and its message.
func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes every FieldError ErrInvalidSettings, and its kind.
func (e FieldError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidSettings}
	}
	return []error{ErrInvalidSettings, e.Err}
}

// FieldErrors are every field of a set of settings that breaks a rule, at most one each.
type FieldErrors []FieldError

// Error lists the fields and their problems, sorted by field.
func (es FieldErrors) Error() string {
	sorted := slices.Clone(es)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Field < sorted[j].Field })
	parts := make([]string, len(sorted))
	for i, e := range sorted {
		parts[i] = e.Error()
	}
	return ErrInvalidSettings.Error() + ": " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is and errors.As see each FieldError.
func (es FieldErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// Has reports whether field has a problem.
func (es FieldErrors) Has(field string) bool {
	return slices.ContainsFunc(es, func(e FieldError) bool { return e.Field == field })
}

// Map is each field's message.
func (es FieldErrors) Map() map[string]string {
	m := make(map[string]string, len(es))
	for _, e := range es {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}

// add notes a problem of field, unless it has one already: the first rule a field breaks is
// the one to fix first.
func (es *FieldErrors) add(field, msg string, kind error) {
	if !es.Has(field) {
		*es = append(*es, FieldError{Field: field, Message: msg, Err: kind})
	}
}

// tenantPattern admits the names and IDs Microsoft uses, and nothing that could change the
// endpoint's path.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// Check checks s, with its values as they are used (trimmed), against p's rules and returns
// every field that breaks one; nil when all are right. For custom OpenID Connect it checks
// the issuer URL, not the discovery document (Discover and Resolve do).
func (p Provider) Check(s Settings) FieldErrors {
	var bad FieldErrors
	checkClientID(&bad, s.ClientID)
	if shape := p.ClientIDShape; shape != nil && !bad.Has(FieldClientID) && !shape.Pattern.MatchString(strings.TrimSpace(s.ClientID)) {
		bad.add(FieldClientID, "A client ID of "+p.Name+" "+shape.Words+".", nil)
	}
	if p.FixedClientID != "" && !bad.Has(FieldClientID) && s.ClientID != p.FixedClientID {
		bad.add(FieldClientID, p.Name+" has one client, "+p.FixedClientID+": nothing to register, nothing to change.", nil)
	}
	p.checkClient(&bad, s)
	if s.Port != 0 && (s.Port < MinPort || s.Port > MaxPort) {
		bad.add(FieldPort, portRange, nil)
	}
	checkScopes(&bad, s.Scopes)
	p.checkPublishing(&bad, s.PublishingStatus)
	switch p.ID {
	case Microsoft:
		if s.Tenant != "" && !tenantPattern.MatchString(s.Tenant) {
			bad.add(FieldTenant, "A tenant is common, organizations, consumers, a domain or a directory ID.", nil)
		}
		p.checkAccountType(&bad, s)
	case OAuth2:
		checkEndpoint(&bad, FieldAuthURL, s.AuthURL, true)
		checkEndpoint(&bad, FieldTokenURL, s.TokenURL, true)
		checkEndpoint(&bad, FieldRevokeURL, s.RevokeURL, false)
		checkEndpoint(&bad, FieldUserinfoURL, s.WhoAmIURL, false)
	case OIDC:
		checkEndpoint(&bad, FieldIssuer, s.Issuer, true)
	case Sandbox:
		if s.Issuer != "" { // as its local host answers at sign-in
			checkEndpoint(&bad, FieldIssuer, s.Issuer, true)
		}
	}
	return bad
}

var portRange = fmt.Sprintf("A fixed port is a number from %d to %d.", MinPort, MaxPort)

func checkClientID(bad *FieldErrors, id string) {
	switch {
	case strings.TrimSpace(id) == "":
		bad.add(FieldClientID, "Enter the client ID from the provider's console.", nil)
	case strings.IndexFunc(id, unicode.IsSpace) >= 0:
		bad.add(FieldClientID, "A client ID has no spaces or line breaks inside; copy it again from the console.", nil)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		bad.add(FieldClientID, "The client ID holds control characters; copy it again from the console.", nil)
	}
}

// checkClient checks the client type and the secret policy it implies: a public client keeps
// no secret, a confidential one (and a provider that requires one) needs it. A secret saved
// apart (s.SecretSaved) counts as present where one is needed; where none may be sent it is
// not sent, so only a new one is refused.
func (p Provider) checkClient(bad *FieldErrors, s Settings) {
	switch {
	case s.ClientType == "" || slices.Contains(p.ClientTypes, s.ClientType):
	case len(p.ClientTypes) == 0:
		bad.add(FieldClientType, p.Name+" has one kind of app, so there is no client type to choose.", nil)
	default:
		bad.add(FieldClientType, "Choose Public or Confidential, as the app is registered at "+p.Name+".", nil)
	}
	choice := len(p.ClientTypes) > 0
	switch p.SecretFor(s.ClientType) {
	case SecretRequired:
		switch {
		case !s.ClientSecret.IsZero() || s.SecretSaved:
		case choice:
			bad.add(FieldSecret, "A confidential client needs its client secret: enter the one the console shows, or choose Public for a desktop registration.", nil)
		default:
			bad.add(FieldSecret, p.Name+" requires a client secret: enter the one the console shows.", nil)
		}
	case SecretForbidden:
		switch {
		case s.ClientSecret.IsZero():
		case choice:
			bad.add(FieldSecret, "A public client sends no client secret ("+p.Name+" would refuse the sign-in): leave it empty, or choose Confidential for a web registration.", nil)
		default:
			bad.add(FieldSecret, p.Name+" refuses a client secret for this kind of app: leave it empty.", nil)
		}
	}
}

// checkPublishing checks the publishing status against the ones p has.
func (p Provider) checkPublishing(bad *FieldErrors, status PublishingStatus) {
	switch {
	case status == "" || slices.Contains(p.PublishingStatuses, status):
	case len(p.PublishingStatuses) == 0:
		bad.add(FieldPublishing, p.Name+" has no publishing status to choose.", nil)
	default:
		bad.add(FieldPublishing, "Choose testing or in-production, as the console shows it (Google Auth Platform → Audience).", nil)
	}
}

// checkAccountType checks the tenant against the account types the registration allows: a
// single-tenant registration (Entra's default) signs in at its own directory only, and
// common refuses it (AADSTS50194).
func (p Provider) checkAccountType(bad *FieldErrors, s Settings) {
	if s.AccountType == "" {
		return
	}
	i := slices.IndexFunc(p.AccountTypes, func(at AccountType) bool { return at.Key == s.AccountType })
	switch {
	case i < 0:
		keys := make([]string, len(p.AccountTypes))
		for j, at := range p.AccountTypes {
			keys[j] = at.Key
		}
		bad.add(FieldAccountType, "Choose the account types as the registration shows them (Authentication → Supported account types): "+
			strings.Join(keys, ", ")+".", nil)
	case p.AccountTypes[i].Tenant == "" && (s.Tenant == "" || namedTenant(s.Tenant)):
		bad.add(FieldTenant, "A single-tenant registration signs in at its own directory: enter its Directory (tenant) ID, "+
			"from the app's Overview page.", nil)
	case p.AccountTypes[i].Tenant != "" && !strings.EqualFold(p.AccountTypes[i].Tenant, s.Tenant):
		bad.add(FieldTenant, "These account types sign in at the tenant "+p.AccountTypes[i].Tenant+".", nil)
	}
}

// checkScopes checks each scope against RFC 6749 §3.3.
func checkScopes(bad *FieldErrors, scopes []string) {
	for _, sc := range scopes {
		if strings.IndexFunc(sc, func(r rune) bool { return r < 0x21 || r > 0x7e || r == '"' || r == '\\' }) >= 0 {
			bad.add(FieldScopes, fmt.Sprintf("The scope %q holds a character scopes cannot hold (quotes, backslashes, non-ASCII).", sc), nil)
			return
		}
	}
}

// checkEndpoint checks a URL field: https, or http on a loopback host for testing; no user
// name or password, which the database and the activity log would hold; an authorization
// URL without the parameters the app sets itself.
func checkEndpoint(bad *FieldErrors, field, raw string, required bool) {
	if raw == "" {
		if required {
			bad.add(field, "Enter the URL.", ErrMissingEndpoint)
		}
		return
	}
	if msg, kind := urlProblem(raw); msg != "" {
		bad.add(field, msg, kind)
		return
	}
	if param := ReservedAuthParam(raw); field == FieldAuthURL && param != "" {
		bad.add(field, "Remove the parameter "+param+" from the URL: the app sets it itself at each sign-in.", nil)
	}
}

// urlProblem says what is wrong with the URL raw, and the kind of problem; "" if nothing.
func urlProblem(raw string) (string, error) {
	if msg := urlCharProblem(raw); msg != "" {
		return msg, ErrInvalidURL
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return "Enter a full URL, starting with https://.", ErrInvalidURL
	case u.User != nil:
		return "Leave the user name and password out of the URL: enter the client ID and secret in their fields.", ErrInvalidURL
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "The URL must start with https:// (http:// only for localhost or 127.0.0.1, for testing).", ErrInsecureURL
	}
	return "", nil
}

// urlCharProblem refuses a URL holding anything but printable ASCII. Such a link is shown to
// people later, and a direction-changing or zero-width character in it (U+202E, U+200B) makes
// it read as another address than the one it opens.
func urlCharProblem(raw string) string {
	for _, r := range raw {
		switch {
		case r > ' ' && r < 0x7f:
		case r <= ' ' || r == 0x7f || unicode.IsSpace(r) || !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r):
			return "The address holds an invisible or direction-changing character; type it again."
		default:
			return fmt.Sprintf("The address holds the character %q, outside plain ASCII: enter the host in its xn-- form and the rest with %%XX escapes.", r)
		}
	}
	return ""
}

// checkURL is urlProblem as an error that names the URL, for a discovery document's.
func checkURL(raw string) error {
	if _, kind := urlProblem(raw); kind != nil {
		return fmt.Errorf("%q: %w", raw, kind)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParsePort reads a fixed port as typed: "" is any port (0), which a provider that compares
// the port exactly does not accept. A number out of range is left to Check.
func (p Provider) ParsePort(typed string) (int, *FieldError) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		if p.Redirect.Policy == ExactMatch {
			return 0, &FieldError{Field: FieldPort, Message: p.Name + " compares the redirect URI exactly, port included: enter the port of the URI you registered."}
		}
		return 0, nil
	}
	port, err := strconv.Atoi(typed)
	if err != nil {
		return 0, &FieldError{Field: FieldPort, Message: portRange}
	}
	return port, nil
}

// ParseScopes splits scopes typed with spaces, commas or line breaks, dropping repeats;
// Check checks each.
func ParseScopes(typed string) []string {
	var scopes []string
	for _, sc := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	return scopes
}

// discovered checks that d is the discovery document of the issuer s names.
func discovered(s Settings, d *Discovery) *FieldError {
	switch {
	case d == nil:
		return &FieldError{Field: FieldIssuer, Message: "The issuer's discovery document is missing: fetch it again."}
	case d.Issuer != s.Issuer:
		return &FieldError{Field: FieldIssuer, Message: fmt.Sprintf("The discovery document of %s is for %s: check the issuer URL.", s.Issuer, d.Issuer), Err: ErrIssuerMismatch}
	}
	return nil
}
