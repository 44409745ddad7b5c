-- Credentials that can be limited and revoked (issue 16).

-- API tokens expire (NULL: never; set from tokens.api_token_days when the
-- token is made) and record when they were last used (written at most once a
-- minute per token, not per request). Tokens made before this migration
-- expire a year after they were made, the default of tokens.api_token_days.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+365 days');

-- Sessions end when idle (server.session_idle_minutes): last_seen_at is
-- written at most once a minute per session (NULL: never since created_at).
-- A password change ends every session of its user: found by these indexes.
ALTER TABLE web_sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE staff_sessions ADD COLUMN last_seen_at TEXT;
CREATE INDEX web_sessions_live_by_user ON web_sessions (bureau_user_id) WHERE ended_at IS NULL;
CREATE INDEX staff_sessions_live_by_user ON staff_sessions (staff_user_id) WHERE ended_at IS NULL;

-- Sign-in limits (store::SigninThrottle): failed sign-ins per key —
-- 'bureau:USERNAME' and 'staff:USERNAME' (as typed, lower-cased) and
-- 'ip:ADDRESS'. Times are milliseconds since the Unix epoch. A row is
-- deleted when its account signs in, and once it is stale. Not an audit
-- record: every failure is an event as well.
CREATE TABLE signin_failures (
  key             TEXT PRIMARY KEY,
  failures        INTEGER NOT NULL,
  first_ms        INTEGER NOT NULL,
  last_ms         INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX signin_failures_by_last ON signin_failures (last_ms);
