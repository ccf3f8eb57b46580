-- Placeholder, in this branch only, for the migration 0005 of another branch (the numbers
-- must follow each other). Delete this file when that migration is merged.
SELECT 1;
