// Package userinfo is the userinfo endpoint of an ory/fosite authorization server and its
// JSON answers: the one implementation that the sandbox (core/sandbox) and the tests'
// authorization server (internal/authtest) serve. A leaf: it imports fosite alone, so that
// any package's tests may use internal/authtest.
package userinfo

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ory/fosite"
)

// Handler is the userinfo endpoint of the fosite provider p: a valid Bearer access token gets the claims
// of its session (the session type newSession makes, as p's tokens hold it), anything else
// RFC 6750's error.
func Handler(p fosite.OAuth2Provider, newSession func() fosite.Session, claims func(fosite.Session) map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer`)
			WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request"})
			return
		}
		_, ar, err := p.IntrospectToken(ctx, token, fosite.AccessToken, newSession())
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
			return
		}
		WriteJSON(w, http.StatusOK, claims(ar.GetSession()))
	}
}

// WriteJSON answers v as JSON with status, never to be cached (tokens and claims).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
