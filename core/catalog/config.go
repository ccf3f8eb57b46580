package catalog

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/medialake/connect/core/loopback"
	"github.com/medialake/connect/core/redact"
)

// CallbackPath is the path of every loopback redirect URI: the one the listener serves.
const CallbackPath = loopback.CallbackPath

// Settings are what an administrator enters for one integration.
type Settings struct {
	ClientID     string
	ClientSecret redact.Secret
	// Tenant is Microsoft's tenant: common (the default), organizations, consumers, a
	// domain or a directory ID.
	Tenant string
	// AccountType is the key of the registration's account types (Provider.AccountTypes)
	// where the admin answered; Check holds Tenant to it.
	AccountType string
	// Issuer is the custom OpenID Connect provider's issuer URL, or the issuer of a provider
	// the app serves itself (the sandbox), as it answers at sign-in.
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
	// PublishingStatus is the app's publishing status where the provider has one
	// (Provider.PublishingStatuses); "" counts as in production.
	PublishingStatus PublishingStatus
	// Port pins the loopback port (MinPort to MaxPort); 0 keeps the provider's policy.
	Port int
	// SecretSaved says a client secret is saved apart from ClientSecret (in the keychain) and
	// stays: Check counts it as present where one is required. Only a save's check sets it.
	SecretSaved bool
}

// MinPort is the lowest fixed loopback port: 1024 is the first port that needs no privilege.
const MinPort = 1024

// Resolve returns p with everything that depends on s filled in: Microsoft's tenant, the
// custom OpenID Connect endpoints from d (its discovery document, from Discover), the custom
// OAuth 2.0 endpoints, the scopes override. It checks s with Check, and d against s's
// issuer, and refuses settings that break a rule with their FieldErrors.
func Resolve(p Provider, s Settings, d *Discovery) (Provider, error) {
	bad := p.Check(s)
	if p.ID == OIDC {
		if fe := discovered(s, d); fe != nil {
			bad.add(fe.Field, fe.Message, fe.Err)
		}
	}
	if len(bad) > 0 {
		return Provider{}, fmt.Errorf("%s: %w", p.Name, bad)
	}
	switch p.ID {
	case Microsoft:
		tenant := s.Tenant
		if tenant == "" {
			tenant = "common"
		}
		p.AuthURL = strings.Replace(p.AuthURL, "{tenant}", tenant, 1)
		p.TokenURL = strings.Replace(p.TokenURL, "{tenant}", tenant, 1)
	case OIDC:
		p = p.withDiscovery(*d)
	case Sandbox:
		p = p.sandboxAt(s.Issuer)
	case OAuth2:
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

// withDiscovery is p with the endpoints and the issuer of its discovery document d.
func (p Provider) withDiscovery(d Discovery) Provider {
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
	return p
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
// HOST is 127.0.0.1, or localhost for Microsoft, whose browser redirect reaches the listener
// on 127.0.0.1 or ::1; the callback's Host header is this URL's host.
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
