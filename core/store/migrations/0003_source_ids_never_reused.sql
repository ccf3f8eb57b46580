-- Schema v3: a source's id is never given to another source. Without AUTOINCREMENT, SQLite
-- hands out max(id)+1, so after the newest source was disconnected the next one took its id,
-- and a script that asks for "token 3" on a schedule could receive another account's token.
-- SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt, ids kept; the copy
-- sets sqlite_sequence to the largest id kept. No table refers to sources, and the table has
-- no trigger or view; its one index is made again.

CREATE TABLE sources_v3 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
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

INSERT INTO sources_v3 (id, integration_id, owner_id, account, account_subject, scopes, status,
    status_detail, token_version, token_expiry, last_refresh_at, created_at, updated_at)
SELECT id, integration_id, owner_id, account, account_subject, scopes, status,
    status_detail, token_version, token_expiry, last_refresh_at, created_at, updated_at
FROM sources;

DROP TABLE sources;
ALTER TABLE sources_v3 RENAME TO sources;
CREATE INDEX sources_owner ON sources (owner_id);

-- An empty table has no sqlite_sequence row yet; give it one, so that reserving the next id
-- (store.ReserveSourceID) always finds it.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'sources', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'sources');
