-- Schema v6: what the providers really do.
-- Dropbox's default fixed port moved off 53682, which rclone also listens on. A Dropbox
-- integration saved without a port of its own listened on the old default, and the redirect
-- URI registered at Dropbox names it: pin it there, so that it keeps working.
UPDATE integrations SET redirect_port = 53682 WHERE provider = 'dropbox' AND redirect_port = 0;
-- When the client secret stops working (Microsoft's expire, at most 24 months after they are
-- made), as the admin read it in the provider's console; 0 when not recorded.
ALTER TABLE integrations ADD COLUMN secret_expires_at INTEGER NOT NULL DEFAULT 0;
