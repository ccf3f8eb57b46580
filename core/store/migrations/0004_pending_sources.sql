-- Schema v4: the sources whose token may be in the keychain while their row is not yet
-- saved. A connect reserves the source's id here (in one transaction with taking it from the
-- sources table's sequence), writes the token to the keychain under that id, and then saves
-- the row and drops the reservation in one transaction. A process killed in between leaves
-- the reservation, so the next start deletes that token: no token outlives its row.
CREATE TABLE pending_sources (
    id         INTEGER PRIMARY KEY,                     -- the reserved source id
    created_at INTEGER NOT NULL
);
