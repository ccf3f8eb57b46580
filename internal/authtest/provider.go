package authtest

import (
	"net/http"

	"github.com/ory/fosite"

	"github.com/medialake/connect/core/sandbox/userinfo"
)

// How the server acts like a particular provider where providers differ from RFC 7009 and
// from each other: a revocation endpoint that refuses a dead token, none at all, a consent
// screen where a permission can be unticked.

// WithDeadTokenRevocation400 makes revoking a token that is no longer valid answer 400
// invalid_token, as Google does for a token already revoked or expired.
func WithDeadTokenRevocation400() Option { return func(o *Options) { o.DeadTokenIs400 = true } }

// WithoutRevocation serves no revocation endpoint (404), as Microsoft offers none per token.
func WithoutRevocation() Option { return func(o *Options) { o.NoRevocation = true } }

// WithholdScopes makes later authorizations grant every scope asked but these, as a person
// who unticks a permission on a granular consent screen (Google's) does; the token response
// names the scopes granted. No argument grants everything again.
func (s *Server) WithholdScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.withheld = append([]string(nil), scopes...)
}

// revocationAnswered answers a revocation request the way the options make the server differ
// from RFC 7009, and reports whether it did; otherwise fosite answers.
func (s *Server) revocationAnswered(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case s.opts.NoRevocation:
		http.NotFound(w, r)
		return true
	case s.opts.DeadTokenIs400:
		_, _, err := s.provider.IntrospectToken(r.Context(), r.PostFormValue("token"), fosite.RefreshToken, &fosite.DefaultSession{})
		if err != nil {
			userinfo.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_token", "error_description": "Token expired or revoked"})
			return true
		}
	}
	return false
}
