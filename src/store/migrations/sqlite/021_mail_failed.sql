-- Permanently undeliverable mail (issue 16): a message whose recipient is not
-- a valid address, or whose relay dialogue went out of step, is marked
-- 'failed' with its reason in last_error and never retried (it is kept, like
-- every message). SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt with the same columns, index and trigger. DROP TABLE
-- removes the table's triggers before its rows, so the no-delete trigger does
-- not fire; nothing references mail_queue.
CREATE TABLE mail_queue_new (
  id              INTEGER PRIMARY KEY,
  message_id      TEXT NOT NULL UNIQUE,
  linkage_id      INTEGER REFERENCES linkages(id),
  recipient_name  TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  secret          TEXT,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
INSERT INTO mail_queue_new (id, message_id, linkage_id, recipient_name, recipient, subject, body, secret, state,
                            attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
  SELECT id, message_id, linkage_id, recipient_name, recipient, subject, body, secret, state,
         attempts, next_attempt_at, lease_until, last_error, created_at, sent_at FROM mail_queue;
DROP TABLE mail_queue;
ALTER TABLE mail_queue_new RENAME TO mail_queue;
CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);
CREATE TRIGGER mail_queue_no_delete BEFORE DELETE ON mail_queue
  BEGIN SELECT RAISE(ABORT, 'mail is never deleted'); END;
