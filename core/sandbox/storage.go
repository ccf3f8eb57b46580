package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/openid"

	"github.com/medialake/connect/core/store"
)

// Kinds of grant records, as the sandbox_grants table names them.
const (
	kindCode    = "code"
	kindPKCE    = "pkce"
	kindAccess  = "access"
	kindRefresh = "refresh"
	kindOIDC    = "oidc"
)

// grants is fosite's storage on the workspace database: every record is a row of
// sandbox_grants, so that a grant outlives the process that issued it and any process of
// the workspace can serve the sandbox next. It serves the sandbox's one client.
type grants struct {
	db     *store.DB
	now    func() time.Time
	client func(ctx context.Context) fosite.Client
}

// record is a fosite request as stored: fosite hands its storage sanitized requests, whose
// form keeps no code, verifier or token.
type record struct {
	ID              string          `json:"id"`
	RequestedAt     time.Time       `json:"requested_at"`
	Scope           []string        `json:"scope"`
	Granted         []string        `json:"granted"`
	Audience        []string        `json:"audience,omitempty"`
	GrantedAudience []string        `json:"granted_audience,omitempty"`
	Form            url.Values      `json:"form,omitempty"`
	Session         json.RawMessage `json:"session"`
}

func (g *grants) put(ctx context.Context, kind, signature string, req fosite.Requester) error {
	sess, err := json.Marshal(req.GetSession())
	if err != nil {
		return fmt.Errorf("sandbox: encode session: %w", err)
	}
	b, err := json.Marshal(record{ID: req.GetID(), RequestedAt: req.GetRequestedAt(), Scope: req.GetRequestedScopes(),
		Granted: req.GetGrantedScopes(), Audience: req.GetRequestedAudience(), GrantedAudience: req.GetGrantedAudience(),
		Form: req.GetRequestForm(), Session: sess})
	if err != nil {
		return fmt.Errorf("sandbox: encode request: %w", err)
	}
	return store.PutSandboxGrant(ctx, g.db, store.SandboxGrant{Kind: kind, Signature: signature, RequestID: req.GetID(),
		Active: true, Request: b, CreatedAt: g.now()})
}

// get returns the request of kind and signature: fosite.ErrNotFound if there is none, and
// with errInactive the request all the same where the record was invalidated (fosite
// needs it to revoke a grant whose retired refresh token came back).
func (g *grants) get(ctx context.Context, kind, signature string, errInactive error) (fosite.Requester, error) {
	row, err := store.SandboxGrantOf(ctx, g.db, kind, signature)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fosite.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(row.Request, &rec); err != nil {
		return nil, fmt.Errorf("sandbox: decode request: %w", err)
	}
	sess := openid.NewDefaultSession()
	if err := json.Unmarshal(rec.Session, sess); err != nil {
		return nil, fmt.Errorf("sandbox: decode session: %w", err)
	}
	req := &fosite.Request{ID: rec.ID, RequestedAt: rec.RequestedAt, Client: g.client(ctx),
		RequestedScope: rec.Scope, GrantedScope: rec.Granted, RequestedAudience: rec.Audience,
		GrantedAudience: rec.GrantedAudience, Form: rec.Form, Session: sess}
	if req.Form == nil {
		req.Form = url.Values{}
	}
	if !row.Active {
		return req, errInactive
	}
	return req, nil
}

func (g *grants) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	if c := g.client(ctx); c.GetID() == id {
		return c, nil
	}
	return nil, fosite.ErrNotFound
}

// ClientAssertionJWTValid and SetClientAssertionJWT: the one client is public and never
// authenticates with a JWT.
func (g *grants) ClientAssertionJWTValid(context.Context, string) error { return nil }

func (g *grants) SetClientAssertionJWT(context.Context, string, time.Time) error { return nil }

func (g *grants) CreateAuthorizeCodeSession(ctx context.Context, code string, req fosite.Requester) error {
	return g.put(ctx, kindCode, code, req)
}

func (g *grants) GetAuthorizeCodeSession(ctx context.Context, code string, _ fosite.Session) (fosite.Requester, error) {
	return g.get(ctx, kindCode, code, fosite.ErrInvalidatedAuthorizeCode)
}

func (g *grants) InvalidateAuthorizeCodeSession(ctx context.Context, code string) error {
	return notFound(store.DeactivateSandboxGrant(ctx, g.db, kindCode, code))
}

func (g *grants) CreatePKCERequestSession(ctx context.Context, sig string, req fosite.Requester) error {
	return g.put(ctx, kindPKCE, sig, req)
}

func (g *grants) GetPKCERequestSession(ctx context.Context, sig string, _ fosite.Session) (fosite.Requester, error) {
	return g.get(ctx, kindPKCE, sig, fosite.ErrNotFound)
}

func (g *grants) DeletePKCERequestSession(ctx context.Context, sig string) error {
	return store.DeleteSandboxGrant(ctx, g.db, kindPKCE, sig)
}

func (g *grants) CreateOpenIDConnectSession(ctx context.Context, code string, req fosite.Requester) error {
	return g.put(ctx, kindOIDC, code, req)
}

func (g *grants) GetOpenIDConnectSession(ctx context.Context, code string, _ fosite.Requester) (fosite.Requester, error) {
	req, err := g.get(ctx, kindOIDC, code, fosite.ErrNotFound)
	if errors.Is(err, fosite.ErrNotFound) {
		return nil, openid.ErrNoSessionFound
	}
	return req, err
}

func (g *grants) DeleteOpenIDConnectSession(ctx context.Context, code string) error {
	return store.DeleteSandboxGrant(ctx, g.db, kindOIDC, code)
}

func (g *grants) CreateAccessTokenSession(ctx context.Context, sig string, req fosite.Requester) error {
	return g.put(ctx, kindAccess, sig, req)
}

func (g *grants) GetAccessTokenSession(ctx context.Context, sig string, _ fosite.Session) (fosite.Requester, error) {
	return g.get(ctx, kindAccess, sig, fosite.ErrNotFound)
}

func (g *grants) DeleteAccessTokenSession(ctx context.Context, sig string) error {
	return store.DeleteSandboxGrant(ctx, g.db, kindAccess, sig)
}

// retiredKept is how long a retired refresh token or used code is kept, for fosite to
// recognise its reuse, before it is pruned.
const retiredKept = 7 * 24 * time.Hour

func (g *grants) CreateRefreshTokenSession(ctx context.Context, sig, _ string, req fosite.Requester) error {
	if err := store.PruneSandboxGrants(ctx, g.db, g.now().Add(-retiredKept)); err != nil {
		return err
	}
	return g.put(ctx, kindRefresh, sig, req)
}

func (g *grants) GetRefreshTokenSession(ctx context.Context, sig string, _ fosite.Session) (fosite.Requester, error) {
	return g.get(ctx, kindRefresh, sig, fosite.ErrInactiveToken)
}

func (g *grants) DeleteRefreshTokenSession(ctx context.Context, sig string) error {
	return store.DeleteSandboxGrant(ctx, g.db, kindRefresh, sig)
}

// RotateRefreshToken retires the grant's refresh tokens and access tokens before fosite
// stores the new pair: a retired refresh token presented again revokes the grant.
func (g *grants) RotateRefreshToken(ctx context.Context, requestID, _ string) error {
	if err := g.RevokeRefreshToken(ctx, requestID); err != nil {
		return err
	}
	return g.RevokeAccessToken(ctx, requestID)
}

func (g *grants) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return store.DeactivateSandboxRequest(ctx, g.db, kindRefresh, requestID)
}

func (g *grants) RevokeAccessToken(ctx context.Context, requestID string) error {
	return store.DeleteSandboxRequest(ctx, g.db, kindAccess, requestID)
}

// notFound turns the store's ErrNotFound into fosite's.
func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fosite.ErrNotFound
	}
	return err
}
