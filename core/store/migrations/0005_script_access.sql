-- Schema v5: script access. A source's owner may let programs running as this OS account get
-- the source's access token without signing in. A grant names the owner and the account it
-- was given for: a source that now belongs to another user or another account, or whose
-- owner is disabled, does not have it (store.ScriptAccess checks all of it in one query), so
-- a grant cannot outlive what its owner agreed to. No foreign key: a rebuild of the sources
-- table would cascade into this one; store.DeleteSource deletes a source's grant, and a
-- grant left behind stays inert, since a source's id is never given to another source.
CREATE TABLE script_access (
    source_id       INTEGER PRIMARY KEY,               -- the source; at most one grant each
    owner_id        INTEGER NOT NULL,                  -- the owner who gave it
    account_subject TEXT    NOT NULL,                  -- the account it was given for
    granted_at      INTEGER NOT NULL,
    read_noted_at   INTEGER NOT NULL DEFAULT 0         -- the last "token read by a program" entry
);
CREATE INDEX script_access_owner ON script_access (owner_id);
