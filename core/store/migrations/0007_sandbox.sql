-- Schema v7: the built-in sandbox provider (core/sandbox). Its settings, one row while the
-- Sandbox integration exists, and its grants: what its authorization server (ory/fosite)
-- keeps per authorization code, PKCE challenge, access token, refresh token and OpenID
-- Connect session, so that connected sandbox sources survive a restart. A grant row holds a
-- token's signature (the HMAC part, useless without the signing key in the keychain), never a
-- token; its request is fosite's sanitized request as JSON. Removing the integration deletes
-- every row of both tables.

CREATE TABLE sandbox (
    singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
    port                 INTEGER NOT NULL,            -- 127.0.0.1 port the provider listens on
    access_token_seconds INTEGER NOT NULL,            -- lifetime of the access tokens it issues
    refuse_refresh       INTEGER NOT NULL DEFAULT 0,  -- answer every refresh with invalid_grant
    silent               INTEGER NOT NULL DEFAULT 0   -- drop every provider call unanswered
);

CREATE TABLE sandbox_grants (
    kind       TEXT    NOT NULL CHECK (kind IN ('code', 'pkce', 'access', 'refresh', 'oidc')),
    signature  TEXT    NOT NULL,
    request_id TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    request    TEXT    NOT NULL,                      -- fosite's sanitized request, JSON
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, signature)
);
CREATE INDEX sandbox_grants_request ON sandbox_grants (request_id);
