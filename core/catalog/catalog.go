// Package catalog knows the providers an integration can be registered at: their endpoints,
// scopes, quirks, redirect policy and setup guide, and turns a provider plus an integration's
// settings into an x/oauth2 configuration.
package catalog

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// Errors returned by this package.
var (
	ErrUnknownProvider = errors.New("unknown provider")
	ErrInvalidSettings = errors.New("invalid integration settings")
	ErrInvalidURL      = errors.New("invalid url")
	ErrInsecureURL     = errors.New("url is neither https nor loopback http")
	ErrIssuerMismatch  = errors.New("issuer mismatch")
	ErrMissingEndpoint = errors.New("missing endpoint")
	ErrBadDiscovery    = errors.New("bad discovery document")
	ErrNoAccount       = errors.New("no account in identity response")
)

// ID names a provider; it is stored with each integration, so it never changes.
type ID string

// The providers of the catalog.
const (
	Google    ID = "google"
	Dropbox   ID = "dropbox"
	Microsoft ID = "microsoft"
	Box       ID = "box"
	OIDC      ID = "oidc"
	OAuth2    ID = "oauth2"
	Sandbox   ID = "sandbox"
)

// RedirectPolicy says how the provider compares the loopback redirect URI.
type RedirectPolicy int

const (
	// AnyPort: the registered loopback URI matches any port (RFC 8252 §7.3), so the flow
	// listens on port 0.
	AnyPort RedirectPolicy = iota
	// ExactMatch: the port is part of the comparison, so the flow listens on a fixed port.
	ExactMatch
)

// Redirect is the provider's redirect policy.
type Redirect struct {
	Policy RedirectPolicy
	// Host of the redirect URI: 127.0.0.1, or localhost where the provider documents
	// port-agnostic matching only for localhost (Microsoft). The listener binds 127.0.0.1,
	// and ::1 as well for localhost; see RedirectURL.
	Host string
	// DefaultPort is the fixed port for ExactMatch providers, 1024 or above.
	DefaultPort int
	// Unregistered: the provider takes any loopback redirect without registration (Google
	// Desktop clients), so there is nothing to register.
	Unregistered bool
}

// SecretPolicy says whether the token request carries a client secret.
type SecretPolicy int

const (
	// SecretRequired: the provider refuses a token request without one.
	SecretRequired SecretPolicy = iota
	// SecretOptional: PKCE suffices; a secret is sent only if the admin entered one.
	SecretOptional
	// SecretForbidden: the provider refuses a token request that carries one.
	SecretForbidden
)

// ClientType is how an app is registered at a provider that offers both kinds (Microsoft).
type ClientType string

const (
	// ClientPublic: a native (desktop) registration; PKCE is its only proof, and the provider
	// refuses a token request that carries a secret (Microsoft: AADSTS700025).
	ClientPublic ClientType = "public"
	// ClientConfidential: a web registration, whose token requests must carry its secret.
	ClientConfidential ClientType = "confidential"
)

// RevocationKind says how a grant is revoked at the provider.
type RevocationKind int

const (
	// RevokeNone: the provider offers no per-token revocation; forgetting the token is all.
	RevokeNone RevocationKind = iota
	// RevokeRFC7009: POST token=<refresh token> (form) to URL, with the client
	// authentication of the token endpoint.
	RevokeRFC7009
	// RevokeBearer: POST to URL with the access token as Bearer and no body (Dropbox's
	// /2/auth/token/revoke, which disables the refresh token behind the access token too).
	RevokeBearer
)

// Revocation is how to revoke a grant.
type Revocation struct {
	Kind RevocationKind
	URL  string
	// Manual says, where the app cannot revoke the grant (RevokeNone), how long it stays
	// valid and where the person removes the app's access themselves.
	Manual string
	// WholeGrant, where revoking one token ends the app's whole grant of the account
	// (Google), says what else stops working: every token of that account through the same
	// client, whoever holds it and wherever.
	WholeGrant string
}

// WhoAmI is the request that names the connected account.
type WhoAmI struct {
	Method string
	URL    string
	// Subject is the JSON field holding the account's stable identifier.
	Subject string
	// Labels are the JSON fields that may hold a human label (an e-mail address); the first
	// non-empty one is used.
	Labels []string
}

// Guide tells an administrator how to create the app at the provider.
type Guide struct {
	ConsoleURL string
	// AppType is the application type to choose in the console.
	AppType string
	Steps   []string
	// AppTypes is the application type to choose for each client type, where the provider
	// offers the choice (see Provider.ClientTypes); AppType names both.
	AppTypes map[ClientType]string
	// Scopes are the permissions to add in the console.
	Scopes []string
	// Notes are what goes wrong later (expiring tokens, a busy port, a review to pass): the
	// front ends show them as warnings.
	Notes []string
	// About is plain information about the provider, shown in the ordinary colour.
	About []string
}

// Provider is one entry of the catalog. AuthURL and TokenURL of Microsoft contain "{tenant}";
// those of the custom providers are empty: Resolve fills them in.
type Provider struct {
	ID       ID
	Name     string
	AuthURL  string
	TokenURL string
	// AuthStyle is how the token request carries the client credentials.
	AuthStyle oauth2.AuthStyle
	// Issuer is the authorization server's issuer identifier, compared with the iss
	// parameter of the authorization response (RFC 9207); empty where there is no fixed one.
	Issuer string
	// Scopes are the default scopes requested.
	Scopes []string
	// AuthParams are the extra authorization parameters that get a refresh token.
	AuthParams [][2]string
	Redirect   Redirect
	// Secret is the secret policy; see SecretFor where ClientTypes offers a choice.
	Secret SecretPolicy
	// ClientTypes are the client types an admin chooses from; empty where the provider has
	// one kind only and Secret alone decides.
	ClientTypes []ClientType
	Revocation  Revocation
	WhoAmI      WhoAmI
	// RefreshIdle is how long an unused refresh token lives; 0 means no limit.
	RefreshIdle time.Duration
	// PublishingStatuses are the publishing statuses an admin chooses from, where the
	// provider has them; TestingLifetime is how long a refresh token lives, used or not,
	// while the app is in PublishingTesting.
	PublishingStatuses []PublishingStatus
	TestingLifetime    time.Duration
	// AccountTypes are the answers to "which accounts may sign in" that the registration
	// gives (Microsoft's Supported account types), each setting the tenant.
	AccountTypes []AccountType
	// Storage is the access to files that a sign-in must come back with, where the consent
	// screen lets a person withhold it; the zero Storage checks nothing.
	Storage Storage
	Guide   Guide
	// ClientIDShape is the shape of the provider's client ids, where it has one: a client ID
	// of another shape is a copying mistake the provider would refuse only at sign-in.
	ClientIDShape *ClientIDShape
	// FixedClientID is the client id of a provider that needs no registration (the sandbox):
	// an integration of it is set up from the start.
	FixedClientID string
}

// Storage is the access a source exists for, where a person may withhold it at consent
// (Google's granular consent lets them untick Drive while the sign-in still succeeds).
type Storage struct {
	// Name is what people call the access: "Drive".
	Name string
	// Scopes are the scopes that reach the files; each one requested must be granted.
	Scopes []string
}

// MissingStorage returns the scopes of p.Storage among requested that granted lacks. A token
// response without scopes (granted empty) granted what was asked (RFC 6749 §5.1).
func (p Provider) MissingStorage(requested, granted []string) []string {
	if len(granted) == 0 {
		return nil
	}
	var missing []string
	for _, sc := range requested {
		if slices.Contains(p.Storage.Scopes, sc) && !slices.Contains(granted, sc) {
			missing = append(missing, sc)
		}
	}
	return missing
}

// IsSandbox reports whether p is the built-in sandbox, which connects no real storage: the
// front ends mark it wherever it appears.
func (p Provider) IsSandbox() bool { return p.ID == Sandbox }

const day = 24 * time.Hour

// All returns every provider of the catalog, presets first.
func All() []Provider {
	return []Provider{google(), dropbox(), microsoft(), box(), sandbox(), oidc(), oauth2Custom()}
}

// SecretFor is the secret policy for an app registered as client type t: where p offers the
// choice, a public client sends no secret and a confidential one must; otherwise, and for
// an unknown or empty t, it is p.Secret.
func (p Provider) SecretFor(t ClientType) SecretPolicy {
	switch {
	case !slices.Contains(p.ClientTypes, t):
		return p.Secret
	case t == ClientPublic:
		return SecretForbidden
	}
	return SecretRequired
}

// Lookup returns the provider with the given ID.
func Lookup(id ID) (Provider, error) {
	for _, p := range All() {
		if p.ID == id {
			return p, nil
		}
	}
	return Provider{}, fmt.Errorf("lookup %q: %w", id, ErrUnknownProvider)
}

// Scopes: this app reads media out of the connected accounts and writes nothing back, so every
// preset asks for read-only file access, plus what its "who am I" call needs. Google's
// drive.file would only reach files the app itself created or the user picked with it, which
// misses the existing library; drive would also grant writes. drive.readonly is restricted
// like drive (Google verifies apps that ask for it) but is the least that does the job. An
// integration can override the scopes.

func google() Provider {
	return Provider{
		ID:        Google,
		Name:      "Google Drive",
		AuthURL:   "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:  "https://oauth2.googleapis.com/token",
		AuthStyle: oauth2.AuthStyleInParams,
		Issuer:    "https://accounts.google.com",
		Scopes:    []string{"openid", "email", "https://www.googleapis.com/auth/drive.readonly"},
		// prompt=consent: Google sends a refresh token only on the first consent otherwise,
		// so a reconnect would come back without one.
		AuthParams: [][2]string{{"access_type", "offline"}, {"prompt", "consent"}},
		Redirect:   Redirect{Policy: AnyPort, Host: "127.0.0.1", Unregistered: true},
		// Google requires the secret of a Desktop client even though it cannot stay secret.
		Secret: SecretRequired,
		Revocation: Revocation{Kind: RevokeRFC7009, URL: "https://oauth2.googleapis.com/revoke",
			WholeGrant: "Google ends the app's whole access to the account, not this source alone: every source of this account " +
				"through this integration stops working, here and on any other computer, and must be connected again."},
		WhoAmI:      WhoAmI{Method: "GET", URL: "https://openidconnect.googleapis.com/v1/userinfo", Subject: "sub", Labels: []string{"email"}},
		RefreshIdle: 183 * day,
		// An app in Testing: refresh tokens end 7 days after they are issued.
		PublishingStatuses: []PublishingStatus{PublishingTesting, PublishingInProduction},
		TestingLifetime:    7 * day,
		ClientIDShape:      googleClientID,
		// Google's consent screen has a box per scope: Drive can be unticked.
		Storage: Storage{Name: "Drive", Scopes: []string{
			"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.readonly",
			"https://www.googleapis.com/auth/drive.file", "https://www.googleapis.com/auth/drive.metadata.readonly",
		}},
		Guide: Guide{
			ConsoleURL: "https://console.cloud.google.com/apis/credentials",
			AppType:    "Desktop app",
			Steps: []string{
				"In the Google Cloud console, create a project or select one.",
				"Under APIs & Services → Library, enable the Google Drive API.",
				"Configure the OAuth consent screen (Google Auth Platform): choose the audience (Internal for a Google Workspace organisation, else External) and add the scopes below under Data Access.",
				"While the app is in Testing, add each person who will connect under Audience → Test users.",
				"Under Credentials, choose Create credentials → OAuth client ID, application type \"Desktop app\".",
				"Copy the client ID and the client secret into this form. A Desktop client needs no redirect URI: Google accepts any loopback port.",
			},
			Scopes: []string{"openid", "email", "https://www.googleapis.com/auth/drive.readonly"},
			Notes: []string{
				"While the app's publishing status is \"Testing\", only the test users listed under Audience can connect, and their refresh tokens expire after 7 days, used or not. Choose the same publishing status in this form, so that the sources forecast it.",
				"Publishing does not lift the limits by itself: until Google has verified the app, people see \"Google hasn't verified this app\" and at most 100 of them can ever connect. drive.readonly is a restricted scope, so the verification is the restricted one; it needs a security assessment only if the app's Drive data is stored on or sent through a server (this app keeps it on each person's computer: a setup that sends the files on to a server needs one).",
				"For a Google Workspace organisation, the Internal audience needs no verification and has no 7-day limit; a Workspace administrator may still have to allow the restricted Drive scope for the app (Admin console → Security → API controls).",
				"People must keep the Drive permission ticked on Google's consent screen: a sign-in without it is refused here, and they connect again.",
				"A refresh token unused for about six months expires.",
			},
		},
	}
}

func dropbox() Provider {
	return Provider{
		ID:        Dropbox,
		Name:      "Dropbox",
		AuthURL:   "https://www.dropbox.com/oauth2/authorize",
		TokenURL:  "https://api.dropboxapi.com/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams,
		Scopes:    []string{"account_info.read", "files.metadata.read", "files.content.read"},
		// Without it Dropbox issues only a short-lived access token.
		AuthParams: [][2]string{{"token_access_type", "offline"}},
		Redirect:   Redirect{Policy: ExactMatch, Host: "127.0.0.1", DefaultPort: 27419},
		// With PKCE neither the code exchange nor the refresh needs the app secret.
		Secret:     SecretOptional,
		Revocation: Revocation{Kind: RevokeBearer, URL: "https://api.dropboxapi.com/2/auth/token/revoke"},
		// Dropbox RPC calls without arguments are a POST with no body and no Content-Type.
		WhoAmI: WhoAmI{Method: "POST", URL: "https://api.dropboxapi.com/2/users/get_current_account", Subject: "account_id", Labels: []string{"email"}},
		Guide: Guide{
			ConsoleURL: "https://www.dropbox.com/developers/apps",
			AppType:    "Scoped access, Full Dropbox",
			Steps: []string{
				"In the Dropbox App Console, choose Create app → Scoped access → Full Dropbox, and name the app.",
				"On the Permissions tab, tick the scopes below and press Submit.",
				"On the Settings tab, under OAuth 2 → Redirect URIs, add the redirect URI this app shows, exactly, port included.",
				"Copy the App key into Client ID. The App secret is optional: the app uses PKCE.",
			},
			Scopes: []string{"account_info.read", "files.metadata.read", "files.content.read"},
			Notes: []string{
				"Dropbox compares the redirect URI exactly, port included, so connecting always listens on the port registered there, which must be free at that moment. The default port is one no common tool uses (rclone's set-up, for one, listens on 53682).",
				"A new app is in development: only your own account can connect until you press \"Enable additional users\" on the Settings tab; then up to 500 people can. Once the 50th person has connected, production approval (Settings → Apply for production) must be applied for and granted within two weeks, or no more people can connect.",
				"A Dropbox team's administrator may restrict which third-party apps members can connect: ask them to allow this one.",
			},
		},
	}
}

func microsoft() Provider {
	return Provider{
		ID:        Microsoft,
		Name:      "Microsoft OneDrive",
		AuthURL:   "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
		TokenURL:  "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
		AuthStyle: oauth2.AuthStyleInParams,
		// offline_access is what gets a refresh token from Microsoft.
		Scopes: []string{"offline_access", "User.Read", "Files.Read"},
		// Microsoft documents port-agnostic matching for http://localhost only; 127.0.0.1
		// would need the app manifest edited by hand. So the redirect URI says localhost, and
		// the listener binds both 127.0.0.1 and ::1 on the same port, so that a browser that
		// tries either reaches it and no other process holds the other side; the callback
		// must accept Host localhost:PORT (RedirectURL gives the host to expect).
		Redirect: Redirect{Policy: AnyPort, Host: "localhost"},
		// A "Mobile and desktop applications" registration is a public client and fails with
		// AADSTS700025 if a secret is sent; a "Web" one needs a secret. The admin says which
		// (ClientTypes); SecretOptional is left for an integration saved before it chose.
		Secret:        SecretOptional,
		ClientTypes:   []ClientType{ClientPublic, ClientConfidential},
		ClientIDShape: microsoftClientID,
		AccountTypes: []AccountType{
			{Key: "single", Label: "This directory only (single tenant)"},
			{Key: "multi", Label: "Any directory (multitenant)", Tenant: TenantOrganizations},
			{Key: "multi-and-personal", Label: "Any directory and personal accounts", Tenant: TenantCommon},
			{Key: "personal", Label: "Personal accounts only", Tenant: TenantConsumers},
		},
		Revocation: Revocation{Kind: RevokeNone, Manual: "Microsoft lets no app revoke its access, so the access stays valid at Microsoft " +
			"until it goes unused for 90 days. To end it now: with a personal account, remove the app at account.microsoft.com → " +
			"Privacy → Apps and services; with a work or school account, ask your administrator."},
		WhoAmI:      WhoAmI{Method: "GET", URL: "https://graph.microsoft.com/v1.0/me", Subject: "id", Labels: []string{"mail", "userPrincipalName"}},
		RefreshIdle: 90 * day,
		Guide: Guide{
			ConsoleURL: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
			AppType:    "Mobile and desktop applications (public client), or Web (confidential client)",
			AppTypes: map[ClientType]string{
				ClientPublic:       "Mobile and desktop applications (public client: no client secret)",
				ClientConfidential: "Web (confidential client: needs a client secret)",
			},
			Steps: []string{
				"In the Microsoft Entra admin center, open App registrations → New registration. Under Supported account types, choose whose accounts may connect: Entra's default is this organizational directory only (single tenant); include personal Microsoft accounts to connect personal OneDrives.",
				"Under Authentication, choose Add a platform → the application type above, and add the redirect URI this app shows (for Mobile and desktop applications, as a custom redirect URI).",
				"Under API permissions, add the Microsoft Graph delegated permissions below.",
				"Copy the Application (client) ID into Client ID. Public client: leave Client secret empty. Confidential client: under Certificates & secrets, create a client secret and copy its Value into Client secret.",
				"In this form, choose the same account types: they set the tenant (organizations, common or consumers). For a single tenant, enter the Directory (tenant) ID from the app's Overview page: signed in at common, a single-tenant app fails with AADSTS50194.",
			},
			Scopes: []string{"offline_access", "User.Read", "Files.Read"},
			Notes: []string{
				"Register the redirect URI with http://localhost, as shown: Microsoft ignores its port, so any free port is used.",
				"For a desktop app, the public client (Mobile and desktop applications) is recommended: it has no secret to leak or to expire. One that sends a secret is refused (AADSTS700025), so this app sends none for it.",
				"A Web (confidential) app's client secret expires, at most 24 months after it is made, and then every sign-in and refresh fails. Enter its expiry date from Certificates & secrets (the Expires column) with the secret: the Admin tab warns 30 days before.",
				"In a work or school tenant, users may not be allowed to consent to an app from an unverified publisher: an administrator grants admin consent (Enterprise applications → the app → Permissions), or you complete publisher verification (Branding & properties).",
				"Microsoft cannot revoke a single grant from the app: disconnecting deletes the token here, and the grant stays valid until it idles out (90 days) or the person removes the app's access.",
				"Each refresh returns a new refresh token; one unused for 90 days expires.",
			},
		},
	}
}

func box() Provider {
	return Provider{
		ID:        Box,
		Name:      "Box",
		AuthURL:   "https://account.box.com/api/oauth2/authorize",
		TokenURL:  "https://api.box.com/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams,
		// Box takes its scopes from the app's configuration and always issues a refresh token.
		// Box's setup guide says loopback redirect URIs may redirect to any port, while
		// scheme, host, path and query must match: so AnyPort, not DESIGN.md's exact match.
		Redirect:    Redirect{Policy: AnyPort, Host: "127.0.0.1"},
		Secret:      SecretRequired,
		Revocation:  Revocation{Kind: RevokeRFC7009, URL: "https://api.box.com/oauth2/revoke"},
		WhoAmI:      WhoAmI{Method: "GET", URL: "https://api.box.com/2.0/users/me", Subject: "id", Labels: []string{"login"}},
		RefreshIdle: 60 * day,
		Guide: Guide{
			ConsoleURL: "https://app.box.com/developers/console",
			AppType:    "Platform App with User Authentication (OAuth 2.0)",
			Steps: []string{
				"In the Box Developer Console, choose Create Platform App → Platform App, with User Authentication (OAuth 2.0).",
				"On the Configuration tab, under OAuth 2.0 Redirect URIs, add the redirect URI this app shows.",
				"Under Application Scopes, tick the scope below and save.",
				"Copy the Client ID and the Client Secret into this form.",
			},
			Scopes: []string{"Read all files and folders stored in Box"},
			Notes: []string{
				"Box accepts any port for a loopback redirect URI.",
				"Each refresh token works once and expires after 60 days unused.",
				"If the company's Box enterprise has unpublished apps disabled, a Box administrator must enable this app by its client ID in the Admin Console (Integrations → Platform Apps Manager) before anyone can connect.",
			},
		},
	}
}

func oidc() Provider {
	return Provider{
		ID:        OIDC,
		Name:      "Custom OpenID Connect",
		AuthStyle: oauth2.AuthStyleInHeader,
		Scopes:    []string{"openid", "email"},
		Redirect:  Redirect{Policy: AnyPort, Host: "127.0.0.1"},
		Secret:    SecretOptional,
		WhoAmI:    WhoAmI{Method: "GET", Subject: "sub", Labels: []string{"email", "preferred_username", "name"}},
		Guide: Guide{
			AppType: "Native (public) application, authorization code with PKCE",
			Steps: []string{
				"At your identity provider, register a native or public application that uses the authorization code flow with PKCE.",
				"Register the redirect URI this app shows.",
				"Enter the issuer URL; the endpoints are read from its discovery document.",
				"Copy the client ID, and the client secret if the provider issued one.",
			},
			Scopes: []string{"openid", "email", "offline_access (if the provider lists it)"},
			Notes:  []string{"RFC 8252 servers accept any loopback port; if yours compares ports, set a fixed port and register the URI with it."},
		},
	}
}

func oauth2Custom() Provider {
	return Provider{
		ID:        OAuth2,
		Name:      "Custom OAuth 2.0",
		AuthStyle: oauth2.AuthStyleAutoDetect,
		Redirect:  Redirect{Policy: AnyPort, Host: "127.0.0.1"},
		Secret:    SecretOptional,
		WhoAmI:    WhoAmI{Method: "GET", Subject: "sub", Labels: []string{"email", "preferred_username", "login", "name"}},
		Guide: Guide{
			AppType: "Native (public) application, authorization code with PKCE",
			Steps: []string{
				"At the provider, register an application that uses the authorization code flow.",
				"Register the redirect URI this app shows.",
				"Enter the authorization and token endpoints, and if the provider has them, the revocation endpoint and a \"who am I\" URL returning JSON.",
				"Enter the scopes to request, the client ID, and the client secret if the provider issued one.",
			},
			Notes: []string{"If the provider compares ports, set a fixed port and register the URI with it."},
		},
	}
}
