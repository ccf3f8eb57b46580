package sandbox

import (
	"net/http"

	"github.com/go-jose/go-jose/v3"
	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"

	"github.com/medialake/connect/core/catalog"
	"github.com/medialake/connect/core/sandbox/userinfo"
)

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	p, _ := catalog.Lookup(catalog.Sandbox)
	i := s.issuer
	userinfo.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         i,
		"authorization_endpoint":                         i + catalog.SandboxAuthPath,
		"token_endpoint":                                 i + catalog.SandboxTokenPath,
		"revocation_endpoint":                            i + catalog.SandboxRevokePath,
		"userinfo_endpoint":                              i + catalog.SandboxUserinfoPath,
		"jwks_uri":                                       i + catalog.SandboxJWKSPath,
		"scopes_supported":                               p.Scopes,
		"response_types_supported":                       []string{"code"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          []string{"none"},
		"claims_supported":                               []string{"sub", "email", "name"},
		"authorization_response_iss_parameter_supported": true,
	})
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	userinfo.WriteJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &s.keys.private.PublicKey, KeyID: s.keys.kid, Algorithm: "RS256", Use: "sig"}}})
}

// token runs the grant, unless the admin's "refuse refreshes" switch turns a refresh down
// as a provider does whose grant was withdrawn.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err == nil && r.PostForm.Get("grant_type") == "refresh_token" && s.settings(ctx).RefuseRefresh {
		s.provider.WriteAccessError(ctx, w, fosite.NewAccessRequest(nil),
			fosite.ErrInvalidGrant.WithHint("The sandbox refuses refreshes: an administrator turned on Refuse refreshes."))
		return
	}
	ar, err := s.provider.NewAccessRequest(ctx, r, openid.NewDefaultSession())
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.provider.WriteRevocationResponse(ctx, w, s.provider.NewRevocationRequest(ctx, r))
}

// claims are what the sandbox's userinfo answers: the account name typed at its sign-in
// page, as the e-mail address and the name.
func claims(sess fosite.Session) map[string]any {
	return map[string]any{"sub": sess.GetSubject(), "email": sess.GetUsername(), "name": sess.GetUsername()}
}

func newSession() fosite.Session { return openid.NewDefaultSession() }
