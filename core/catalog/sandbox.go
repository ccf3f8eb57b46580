package catalog

import (
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// The built-in sandbox provider (core/sandbox): an OpenID Connect provider of this app's
// own, on 127.0.0.1, to try the app without an account anywhere. Its endpoints are at these
// paths under its issuer, http://127.0.0.1:PORT.
const (
	SandboxAuthPath      = "/authorize"
	SandboxTokenPath     = "/token"
	SandboxRevokePath    = "/revoke"
	SandboxUserinfoPath  = "/userinfo"
	SandboxJWKSPath      = "/jwks.json"
	SandboxDiscoveryPath = "/.well-known/openid-configuration"
	// SandboxIdentityPath answers which workspace's sandbox serves the port, with a proof
	// only that workspace can make (see core/sandbox).
	SandboxIdentityPath = "/.well-known/medialake-connect-sandbox"
)

// Sandbox defaults: a fixed port (the issuer must not change between runs, or the sources'
// refresh tokens would be sent to another address), and short access tokens so that a
// refresh is seen within minutes.
const (
	SandboxDefaultPort     = 29170
	SandboxDefaultTokenTTL = 5 * time.Minute
	SandboxClientID        = "medialake-connect"
	// Bounds of the access-token lifetime an admin can set.
	SandboxMinTokenTTL = 10 * time.Second
	SandboxMaxTokenTTL = 24 * time.Hour
)

// Fields of the sandbox's own settings, as FieldError names them.
const (
	FieldSandboxPort = "sandbox_port"
	FieldTokenTTL    = "access_token_lifetime"
)

func sandbox() Provider {
	return Provider{
		ID:        Sandbox,
		Name:      "Sandbox (this computer)",
		AuthStyle: oauth2.AuthStyleInParams,
		Scopes:    []string{"openid", "email", "profile", "offline_access"},
		// The sandbox accepts any loopback port for its one client, as RFC 8252 asks.
		Redirect:      Redirect{Policy: AnyPort, Host: "127.0.0.1", Unregistered: true},
		Secret:        SecretForbidden,
		Revocation:    Revocation{Kind: RevokeRFC7009},
		WhoAmI:        WhoAmI{Method: "GET", Subject: "sub", Labels: []string{"email", "name"}},
		FixedClientID: SandboxClientID,
		Guide: Guide{
			AppType: "None: the sandbox needs no registration",
			Steps: []string{
				"Enable the integration: nothing to register, no client ID or secret to copy.",
				"Connect a source as a writer: the browser shows the sandbox's sign-in page, where any account name (an e-mail address) can be typed, then Allow or Deny.",
				"Watch tokens refresh (access tokens live 5 minutes unless changed in the sandbox's settings) and rotate, and try Refuse refreshes or Go silent to see Needs reconnect and Offline.",
			},
			About: []string{
				"The sandbox is a real OpenID Connect provider built into this app, listening on 127.0.0.1 only, for trying the app, training and testing scripts. It connects no real storage.",
				fmt.Sprintf("It runs while a process of this workspace needs it, on port %d unless changed in its settings.", SandboxDefaultPort),
				"Removing the integration deletes the sandbox's signing key and every grant it issued.",
			},
		},
	}
}

// sandboxAt is the sandbox p with its endpoints under issuer.
func (p Provider) sandboxAt(issuer string) Provider {
	p.Issuer = issuer
	p.AuthURL, p.TokenURL = issuer+SandboxAuthPath, issuer+SandboxTokenPath
	p.Revocation.URL = issuer + SandboxRevokePath
	p.WhoAmI.URL = issuer + SandboxUserinfoPath
	return p
}

// SandboxSettings are the sandbox's own settings, apart from its integration's: the port it
// listens on and the lifetime of the access tokens it issues (0 for either: not given).
type SandboxSettings struct {
	Port           int
	AccessTokenTTL time.Duration
}

// Check checks s and returns every field that breaks a rule; nil when all are right.
func (s SandboxSettings) Check() FieldErrors {
	var bad FieldErrors
	if s.Port != 0 && (s.Port < MinPort || s.Port > MaxPort) {
		bad.add(FieldSandboxPort, portRange, nil)
	}
	if s.AccessTokenTTL != 0 && (s.AccessTokenTTL < SandboxMinTokenTTL || s.AccessTokenTTL > SandboxMaxTokenTTL) {
		bad.add(FieldTokenTTL, fmt.Sprintf("An access token lives from %s to %s, e.g. 5m.", SandboxMinTokenTTL, "24h"), nil)
	}
	return bad
}
