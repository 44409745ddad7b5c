-- The bureau is told (issue 17): one row per thing the requesting bureau
-- should hear about a linkage — approved, declined, expired, revoked by the
-- client's administrator, or an approval
-- mail to a client administrator that cannot be delivered. The bureau's
-- pages show the unseen rows; a mail to the requesting user is queued in
-- the same transaction. Rows are made by digital::notify_bureaus, which
-- reads the event log after a cursor, so every path that changes a linkage
-- (web, CLI, batch, the expiry sweep, the mail sender) is covered.
CREATE TABLE bureau_notices (
  id             INTEGER PRIMARY KEY,
  bureau_id      INTEGER NOT NULL REFERENCES bureaus(id),
  linkage_id     INTEGER NOT NULL REFERENCES linkages(id),
  kind           TEXT NOT NULL CHECK (kind IN ('approved', 'declined', 'expired', 'revoked', 'mail_undeliverable')),
  event_id       INTEGER NOT NULL UNIQUE REFERENCES events(id),
  recipient      TEXT,            -- the requesting bureau user's username; NULL when none (CLI, paper)
  text           TEXT NOT NULL,   -- the Swedish line shown on the bureau's pages
  created_at     TEXT NOT NULL,
  seen_at        TEXT
);
CREATE INDEX bureau_notices_by_bureau ON bureau_notices (bureau_id, seen_at, id);

-- How far notify_bureaus has read the event log. A store upgraded with
-- history starts at its newest event (what happened before is not announced
-- now); a new store has no row, which counts as 0 (and stays empty, so
-- `restore` still sees an empty store).
CREATE TABLE bureau_notice_cursor (
  one      INTEGER PRIMARY KEY CHECK (one = 1),
  event_id INTEGER NOT NULL
);
INSERT INTO bureau_notice_cursor (one, event_id) SELECT 1, max(id) FROM events HAVING count(*) > 0;
