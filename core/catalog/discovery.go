package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/medialake/connect/core/egress"
)

// maxDocument bounds what Discover and Identify read from a server.
const maxDocument = 1 << 20

// DiscoverTimeout bounds fetching a discovery document, even with a client without a
// timeout: a sign-in, a refresh and the background upkeep all wait for it.
const DiscoverTimeout = 30 * time.Second

// Discovery is the part of an OpenID Connect discovery document that the app uses.
type Discovery struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint"`
	ScopesSupported                            []string `json:"scopes_supported"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// Discover fetches and checks issuer's discovery document (OpenID Connect Discovery 1.0).
// The issuer must be https, or http on a loopback host, before anything is sent; the
// document must name exactly the issuer asked for (§4.3), have authorization and token
// endpoints, and every endpoint must pass the same https rule. A nil client means
// egress.New(egress.Config{}). It gives up after DiscoverTimeout, whatever ctx allows.
func Discover(ctx context.Context, client *http.Client, issuer string) (Discovery, error) {
	if err := checkURL(issuer); err != nil {
		return Discovery{}, fmt.Errorf("discover: issuer %w", err)
	}
	if client == nil {
		client = egress.New(egress.Config{})
	}
	ctx, cancel := context.WithTimeout(ctx, DiscoverTimeout)
	defer cancel()
	where := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", where, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", where, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Discovery{}, fmt.Errorf("discover %s: status %d: %w", where, resp.StatusCode, ErrBadDiscovery)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return Discovery{}, fmt.Errorf("discover %s: %w", where, err)
	}
	if len(body) > maxDocument {
		return Discovery{}, fmt.Errorf("discover %s: larger than %d bytes: %w", where, maxDocument, ErrBadDiscovery)
	}
	var d Discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return Discovery{}, fmt.Errorf("discover %s: not a JSON document (%v): %w", where, err, ErrBadDiscovery)
	}
	if d.Issuer != issuer {
		return Discovery{}, fmt.Errorf("discover %s: document names issuer %q: %w", issuer, d.Issuer, ErrIssuerMismatch)
	}
	if d.AuthorizationEndpoint == "" {
		return Discovery{}, fmt.Errorf("discover %s: no authorization_endpoint: %w", issuer, ErrMissingEndpoint)
	}
	if d.TokenEndpoint == "" {
		return Discovery{}, fmt.Errorf("discover %s: no token_endpoint: %w", issuer, ErrMissingEndpoint)
	}
	for _, e := range []string{d.AuthorizationEndpoint, d.TokenEndpoint, d.RevocationEndpoint, d.UserinfoEndpoint} {
		if e == "" {
			continue
		}
		if err := checkURL(e); err != nil {
			return Discovery{}, fmt.Errorf("discover %s: endpoint %w", issuer, err)
		}
	}
	return d, nil
}
