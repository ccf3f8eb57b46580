-- Schema v8: the sign-ins the app started at its built-in sandbox provider. The app records
-- a flow's PKCE challenge here before it opens the browser; the sandbox shows its sign-in
-- page and issues a code only for a challenge recorded here, once. Only this user's
-- processes can write the database (0600), so no other local user can make the sandbox
-- mint codes and grow this file.
CREATE TABLE sandbox_flows (
    challenge  TEXT    PRIMARY KEY,                   -- the flow's PKCE code_challenge (S256)
    created_at INTEGER NOT NULL
);
