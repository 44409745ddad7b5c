-- Liveness and sane clocks (issue 19, items 6 and 7).

-- One row per pipeline role ('watch', 'batch'): the process that last ran it
-- and how its loop goes. A watcher writes it after every pass and from a
-- beat thread in between; a batch at its end. `health` compares beat_at with
-- health.watch_stale_seconds (a SIGSTOPped watcher still holds the lock but
-- stops beating). last_pass_result: 'ok' or the error text of the pass.
CREATE TABLE heartbeats (
  role             TEXT PRIMARY KEY CHECK (role IN ('watch', 'batch')),
  pid              INTEGER NOT NULL,
  host             TEXT NOT NULL,
  started_at       TEXT NOT NULL,
  beat_at          TEXT NOT NULL,
  last_pass_at     TEXT,
  last_pass_result TEXT,
  files_processed  INTEGER NOT NULL DEFAULT 0,
  inbox_backlog    INTEGER NOT NULL DEFAULT 0
);

-- Approval links and a clock that was wrong (store::effective_valid_until):
--   issued_store_time  the newest event time the store held when the link
--                      was issued; a link issued by a clock running behind
--                      the store's history counts its validity from there;
--   anchored_at        when a link issued "in the future" (a clock running
--                      ahead, since corrected) was first seen so; its
--                      validity counts from then, not from a date years away.
ALTER TABLE approval_tokens ADD COLUMN issued_store_time TEXT;
ALTER TABLE approval_tokens ADD COLUMN anchored_at TEXT;

-- Other timestamps written in the future (a cool-down's closing time): the
-- first time each was seen from a sane clock, by key ('cooldown:B:C').
-- Rewritten when the original time changes (a newer closing).
CREATE TABLE clock_anchors (
  key         TEXT PRIMARY KEY,
  original_at TEXT NOT NULL,
  anchored_at TEXT NOT NULL
);

-- The store's newest event time, read once per digital request.
CREATE INDEX events_by_at ON events (at);
