-- Schema v9: what Google does to an app in Testing. Its publishing status, as the admin reads
-- it in the console ('testing' or 'in-production'; '' for an integration saved before this
-- column existed, or of a provider without one, which counts as in production).
ALTER TABLE integrations ADD COLUMN publishing_status TEXT NOT NULL DEFAULT '';
-- When the source's refresh token was issued, at its connection or its last reconnect: an app
-- in Testing has its refresh tokens end 7 days after, however often they are used.
ALTER TABLE sources ADD COLUMN granted_at INTEGER NOT NULL DEFAULT 0;
UPDATE sources SET granted_at = created_at;
