-- Schema v2: how an integration's app is registered where the provider offers the choice
-- (Microsoft): 'public' sends no client secret, 'confidential' must; '' where there is no
-- choice, or for an integration saved before this column existed.
ALTER TABLE integrations ADD COLUMN client_type TEXT NOT NULL DEFAULT '';
