package catalog

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/vault"
)

// CallbackPath is the path of every loopback redirect URI.
const CallbackPath = "/callback"

// Settings are what an administrator enters for one integration.
type Settings struct {
	ClientID     string
	ClientSecret vault.Secret
	// Tenant is Microsoft's tenant: common (the default), organizations, consumers, a
	// domain or a directory ID.
	Tenant string
	// Issuer is the custom OpenID Connect provider's issuer URL.
	Issuer string
	// The custom OAuth 2.0 provider's endpoints.
	AuthURL, TokenURL, RevokeURL, WhoAmIURL string
	// SubjectField overrides the JSON field of the custom OAuth 2.0 "who am I" response that
	// names the account ("sub" if empty).
	SubjectField string
	// Scopes replace the provider's default scopes when not nil.
	Scopes []string
	// ClientType is how the app is registered where the provider offers the choice
	// (Provider.ClientTypes); "" leaves the provider's own Secret policy in force.
	ClientType ClientType
	// Port pins the loopback port (MinPort to 65535); 0 keeps the provider's policy.
	Port int
}

// MinPort is the lowest fixed loopback port: 1024 is the first port that needs no privilege.
const MinPort = 1024

// tenantPattern admits the names and IDs Microsoft uses, and nothing that could change the
// endpoint's path.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// Resolve returns p with everything that depends on s filled in: Microsoft's tenant, the
// custom OpenID Connect endpoints from d (its discovery document, from Discover), the custom
// OAuth 2.0 endpoints, the scopes override. It checks s against p's policies.
func Resolve(p Provider, s Settings, d *Discovery) (Provider, error) {
	if strings.TrimSpace(s.ClientID) == "" {
		return Provider{}, fmt.Errorf("%s: client id is empty: %w", p.Name, ErrInvalidSettings)
	}
	if s.ClientType != "" && !slices.Contains(p.ClientTypes, s.ClientType) {
		return Provider{}, fmt.Errorf("%s has no client type %q: %w", p.Name, s.ClientType, ErrInvalidSettings)
	}
	switch p.SecretFor(s.ClientType) {
	case SecretRequired:
		if s.ClientSecret.IsZero() {
			return Provider{}, fmt.Errorf("%s requires a client secret: %w", p.Name, ErrInvalidSettings)
		}
	case SecretForbidden:
		if !s.ClientSecret.IsZero() {
			return Provider{}, fmt.Errorf("%s refuses a client secret from this kind of app: %w", p.Name, ErrInvalidSettings)
		}
	}
	if s.Port != 0 && (s.Port < MinPort || s.Port > 65535) {
		return Provider{}, fmt.Errorf("port %d is not between %d and 65535: %w", s.Port, MinPort, ErrInvalidSettings)
	}

	switch p.ID {
	case Microsoft:
		tenant := s.Tenant
		if tenant == "" {
			tenant = "common"
		}
		if !tenantPattern.MatchString(tenant) {
			return Provider{}, fmt.Errorf("tenant %q: %w", tenant, ErrInvalidSettings)
		}
		p.AuthURL = strings.Replace(p.AuthURL, "{tenant}", tenant, 1)
		p.TokenURL = strings.Replace(p.TokenURL, "{tenant}", tenant, 1)
	case OIDC:
		if d == nil {
			return Provider{}, fmt.Errorf("%s: no discovery document: %w", p.Name, ErrInvalidSettings)
		}
		if d.Issuer != s.Issuer {
			return Provider{}, fmt.Errorf("discovery document of %q is for %q: %w", s.Issuer, d.Issuer, ErrIssuerMismatch)
		}
		p.Issuer = d.Issuer
		p.AuthURL, p.TokenURL = d.AuthorizationEndpoint, d.TokenEndpoint
		if d.RevocationEndpoint != "" {
			p.Revocation = Revocation{Kind: RevokeRFC7009, URL: d.RevocationEndpoint}
		}
		p.WhoAmI.URL = d.UserinfoEndpoint
		// Discovery §3: client_secret_basic is the default when the list is absent.
		if m := d.TokenEndpointAuthMethodsSupported; len(m) > 0 && !slices.Contains(m, "client_secret_basic") && slices.Contains(m, "client_secret_post") {
			p.AuthStyle = oauth2.AuthStyleInParams
		}
		if slices.Contains(d.ScopesSupported, "offline_access") {
			p.Scopes = append(slices.Clip(p.Scopes), "offline_access")
		}
	case OAuth2:
		if s.AuthURL == "" || s.TokenURL == "" {
			return Provider{}, fmt.Errorf("%s needs an authorization and a token endpoint: %w", p.Name, ErrMissingEndpoint)
		}
		if err := checkEndpoints(p.Name, s); err != nil {
			return Provider{}, err
		}
		p.AuthURL, p.TokenURL = s.AuthURL, s.TokenURL
		if s.RevokeURL != "" {
			p.Revocation = Revocation{Kind: RevokeRFC7009, URL: s.RevokeURL}
		}
		p.WhoAmI.URL = s.WhoAmIURL
		if s.SubjectField != "" {
			p.WhoAmI.Subject = s.SubjectField
		}
	}
	if s.Scopes != nil {
		p.Scopes = slices.Clone(s.Scopes)
	}
	if s.ClientSecret.IsZero() {
		// A public client identifies itself with client_id in the body.
		p.AuthStyle = oauth2.AuthStyleInParams
	}
	return p, nil
}

// Config resolves p with s and d (see Resolve) and returns the x/oauth2 configuration for the
// redirect URL, and the provider's extra authorization parameters.
func Config(p Provider, s Settings, d *Discovery, redirectURL string) (*oauth2.Config, []oauth2.AuthCodeOption, error) {
	r, err := Resolve(p, s, d)
	if err != nil {
		return nil, nil, err
	}
	cfg, extra := r.OAuth2(s, redirectURL)
	return cfg, extra, nil
}

// OAuth2 is Config for a provider that Resolve already returned, so that a sign-in resolves
// its integration once: the x/oauth2 configuration and the extra authorization parameters.
func (r Provider) OAuth2(s Settings, redirectURL string) (*oauth2.Config, []oauth2.AuthCodeOption) {
	cfg := &oauth2.Config{
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret.Reveal(),
		Endpoint:     oauth2.Endpoint{AuthURL: r.AuthURL, TokenURL: r.TokenURL, AuthStyle: r.AuthStyle},
		RedirectURL:  redirectURL,
		Scopes:       r.Scopes,
	}
	extra := make([]oauth2.AuthCodeOption, 0, len(r.AuthParams))
	for _, kv := range r.AuthParams {
		extra = append(extra, oauth2.SetAuthURLParam(kv[0], kv[1]))
	}
	return cfg, extra
}

// AuthCodeURL is the authorization URL for state: the provider's extra parameters and the
// PKCE S256 challenge of verifier.
func AuthCodeURL(cfg *oauth2.Config, extra []oauth2.AuthCodeOption, state, verifier string) string {
	opts := append(slices.Clone(extra), oauth2.S256ChallengeOption(verifier))
	return cfg.AuthCodeURL(state, opts...)
}

// ListenPort is the port the loopback listener binds: the pinned port of s, the fixed port
// of an ExactMatch provider, or 0 for any free port.
func (p Provider) ListenPort(s Settings) int {
	switch {
	case s.Port != 0:
		return s.Port
	case p.Redirect.Policy == ExactMatch:
		return p.Redirect.DefaultPort
	}
	return 0
}

// RedirectURL is the redirect URI sent for a listener on port, http://HOST:PORT/callback.
// HOST is 127.0.0.1, or localhost for Microsoft, whose browser redirect still reaches the
// listener on 127.0.0.1; the callback's Host header is this URL's host.
func (p Provider) RedirectURL(port int) string {
	return "http://" + net.JoinHostPort(p.Redirect.Host, strconv.Itoa(port)) + CallbackPath
}

// RedirectToRegister is the exact redirect URI to register at the provider, given the
// integration's pinned port (0 if none): without a port where any port is accepted, with the
// fixed port otherwise, and "" where the provider wants none registered.
func (p Provider) RedirectToRegister(port int) string {
	switch {
	case p.Redirect.Unregistered:
		return ""
	case port != 0:
		return p.RedirectURL(port)
	case p.Redirect.Policy == ExactMatch:
		return p.RedirectURL(p.Redirect.DefaultPort)
	}
	return "http://" + p.Redirect.Host + CallbackPath
}

// ReservedAuthParams are the authorization request's parameters that the app sets itself for
// each sign-in. An authorization URL that already carries one would send it twice, and many
// servers take the first: a fixed state, redirect_uri or code_challenge there would undo the
// flow's protections.
var ReservedAuthParams = []string{"client_id", "redirect_uri", "state", "scope", "response_type", "code_challenge", "code_challenge_method"}

// ReservedAuthParam returns the first of ReservedAuthParams that the query of the
// authorization URL raw carries (compared without regard to case), or "" if none.
func ReservedAuthParam(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	q, _ := url.ParseQuery(u.RawQuery) // what parses is what a server would read
	for _, name := range ReservedAuthParams {
		for k := range q {
			if strings.EqualFold(k, name) {
				return name
			}
		}
	}
	return ""
}

// checkEndpoints checks the endpoints typed for a custom OAuth 2.0 provider: each one https
// (or loopback http), and the authorization URL without a parameter the app sets itself.
func checkEndpoints(name string, s Settings) error {
	for _, u := range []string{s.AuthURL, s.TokenURL, s.RevokeURL, s.WhoAmIURL} {
		if u == "" {
			continue
		}
		if err := checkURL(u); err != nil {
			return fmt.Errorf("%s endpoint: %w", name, err)
		}
	}
	if param := ReservedAuthParam(s.AuthURL); param != "" {
		return fmt.Errorf("%s authorization endpoint carries %s, which the app sets itself: remove it: %w", name, param, ErrInvalidSettings)
	}
	return nil
}

// checkURL accepts an absolute https URL, or an http one whose host is loopback.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%q: %w", raw, ErrInvalidURL)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%q: %w", raw, ErrInsecureURL)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
