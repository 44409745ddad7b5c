-- The digital path (issue 6): approval tokens, the mail queue, and the
-- credentials of bureau users (API tokens, web sessions). Secrets are stored
-- only as SHA-256 hashes (hex); passwords as PBKDF2 in bureau_users.password_hash.

-- One approval token per system administrator of the client per request.
CREATE TABLE approval_tokens (
  id             INTEGER PRIMARY KEY,
  linkage_id     INTEGER NOT NULL REFERENCES linkages(id),
  client_user_id INTEGER NOT NULL REFERENCES client_users(id),
  token_hash     TEXT NOT NULL UNIQUE,
  created_at     TEXT NOT NULL,
  valid_until    TEXT NOT NULL,
  decided_at     TEXT,
  decision       TEXT CHECK (decision IS NULL OR decision IN ('approve', 'decline'))
);
CREATE INDEX approval_tokens_by_linkage ON approval_tokens (linkage_id);
-- A token decides at most once: its decision is never changed afterwards.
CREATE TRIGGER approval_tokens_decide_once BEFORE UPDATE OF decision ON approval_tokens
  WHEN OLD.decision IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'an approval token decides once'); END;
CREATE TRIGGER approval_tokens_no_delete BEFORE DELETE ON approval_tokens
  BEGIN SELECT RAISE(ABORT, 'approval tokens are never deleted'); END;

-- Outgoing mail. A message is delivered by a sender that first takes a lease
-- (lease_until) so two senders never deliver the same message at once; it
-- stays 'queued' until delivery succeeded, then 'sent'. The secret (the
-- approval token in the link) is kept only until delivery, then scrubbed.
CREATE TABLE mail_queue (
  id              INTEGER PRIMARY KEY,
  message_id      TEXT NOT NULL UNIQUE,
  linkage_id      INTEGER REFERENCES linkages(id),
  recipient_name  TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  secret          TEXT,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);
CREATE TRIGGER mail_queue_no_delete BEFORE DELETE ON mail_queue
  BEGIN SELECT RAISE(ABORT, 'mail is never deleted'); END;

-- Personal API tokens of bureau users (Authorization: Bearer ...).
CREATE TABLE api_tokens (
  id             INTEGER PRIMARY KEY,
  bureau_user_id INTEGER NOT NULL REFERENCES bureau_users(id),
  token_hash     TEXT NOT NULL UNIQUE,
  created_at     TEXT NOT NULL,
  revoked_at     TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (bureau_user_id);

-- Signed-in browser sessions of bureau users.
CREATE TABLE web_sessions (
  id             INTEGER PRIMARY KEY,
  session_hash   TEXT NOT NULL UNIQUE,
  bureau_user_id INTEGER NOT NULL REFERENCES bureau_users(id),
  csrf_token     TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  ended_at       TEXT
);
