-- Every sign-in also removes up to 100 dead rows of anyone (expired or revoked), so
-- the table does not grow with users who never come back; these indexes find them.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_revocation ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
