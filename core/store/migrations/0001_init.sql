-- Schema v1. Append-only: a shipped migration is never edited; add 0002_*.sql instead.
-- No column of any table holds a secret: client secrets, tokens and passphrases live in the
-- OS keychain (passphrases only as argon2id PHC hashes here). Times are Unix milliseconds, UTC.

CREATE TABLE workspace (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    id                TEXT    NOT NULL,                -- random; namespaces keychain entries
    created_at        INTEGER NOT NULL,
    idle_lock_seconds INTEGER NOT NULL DEFAULT 900,    -- sign-in sessions lock after this idle time
    keepalive         INTEGER NOT NULL DEFAULT 1       -- refresh tokens before they idle out
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    privilege       TEXT    NOT NULL CHECK (privilege IN ('admin', 'write', 'read')),
    passphrase_hash TEXT    NOT NULL,                  -- argon2id PHC string, never the passphrase
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_signins  INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,        -- no sign-in attempt accepted before this
    created_at      INTEGER NOT NULL,
    last_signin_at  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE integrations (
    id             TEXT    PRIMARY KEY,                -- a preset's id, or "custom-<random>"
    provider       TEXT    NOT NULL,                   -- catalog provider id
    name           TEXT    NOT NULL,
    client_id      TEXT    NOT NULL DEFAULT '',
    secret_set_at  INTEGER NOT NULL DEFAULT 0,         -- 0: no client secret in the keychain
    secret_set_by  TEXT    NOT NULL DEFAULT '',        -- the admin's name, for "saved on … by …"
    enabled        INTEGER NOT NULL DEFAULT 0,
    redirect_port  INTEGER NOT NULL DEFAULT 0,         -- 0: any loopback port
    scopes         TEXT    NOT NULL DEFAULT '',        -- space separated; '' = the preset's defaults
    tenant         TEXT    NOT NULL DEFAULT '',
    issuer         TEXT    NOT NULL DEFAULT '',
    auth_url       TEXT    NOT NULL DEFAULT '',
    token_url      TEXT    NOT NULL DEFAULT '',
    revoke_url     TEXT    NOT NULL DEFAULT '',
    userinfo_url   TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    integration_id  TEXT    NOT NULL REFERENCES integrations (id),
    owner_id        INTEGER NOT NULL REFERENCES users (id),
    account         TEXT    NOT NULL,                  -- label shown to people, e.g. jane@example.com
    account_subject TEXT    NOT NULL,                  -- the provider's stable id of the account
    scopes          TEXT    NOT NULL DEFAULT '',       -- scopes granted, space separated
    status          TEXT    NOT NULL DEFAULT 'connected'
                    CHECK (status IN ('connected', 'needs_reconnect', 'offline',
                                      'revocation_pending', 'error')),
    status_detail   TEXT    NOT NULL DEFAULT '',
    token_version   INTEGER NOT NULL DEFAULT 0,        -- bumped by every token write to the keychain
    token_expiry    INTEGER NOT NULL DEFAULT 0,
    last_refresh_at INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (integration_id, owner_id, account_subject)
);
CREATE INDEX sources_owner ON sources (owner_id);

CREATE TABLE activity (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,                        -- user name at the time, or '' for the system
    action     TEXT    NOT NULL,                        -- e.g. signin, user.add, integration.save
    subject    TEXT    NOT NULL DEFAULT '',
    outcome    TEXT    NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX activity_actor ON activity (actor, id);
CREATE INDEX activity_action ON activity (action, id);
