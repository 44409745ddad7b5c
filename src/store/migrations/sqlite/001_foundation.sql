-- Foundation schema: registry, linkages, evidence, the append-only event log.
-- Timestamps are UTC text "YYYY-MM-DDTHH:MM:SSZ" (core::format_utc).

CREATE TABLE bureaus (
  id            INTEGER PRIMARY KEY,
  orgnr         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  product       TEXT NOT NULL CHECK (product IN ('digital_byra', 'klienthanterare')),
  multi_company INTEGER NOT NULL DEFAULT 0 CHECK (multi_company IN (0, 1)),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE bureau_users (
  id            INTEGER PRIMARY KEY,
  bureau_id     INTEGER NOT NULL REFERENCES bureaus(id),
  username      TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('consultant', 'admin')),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  password_hash TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE clients (
  id            INTEGER PRIMARY KEY,
  orgnr         TEXT NOT NULL UNIQUE,
  subscription  TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  multi_company INTEGER NOT NULL DEFAULT 0 CHECK (multi_company IN (0, 1)),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE client_users (
  id         INTEGER PRIMARY KEY,
  client_id  INTEGER NOT NULL REFERENCES clients(id),
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('system_administrator', 'user')),
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (client_id, email)
);

CREATE TABLE linkages (
  id             INTEGER PRIMARY KEY,
  bureau_id      INTEGER NOT NULL REFERENCES bureaus(id),
  client_id      INTEGER NOT NULL REFERENCES clients(id),
  state          TEXT NOT NULL CHECK (state IN ('requested', 'approved', 'activated', 'declined', 'expired', 'revoked')),
  source         TEXT NOT NULL CHECK (source IN ('digital', 'paper')),
  reference_code TEXT UNIQUE,
  requested_by   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  decided_at     TEXT,
  decided_by     TEXT,
  approved_via   TEXT CHECK (approved_via IS NULL OR approved_via IN ('digital', 'paper', 'review')),
  activated_at   TEXT,
  activated_by   TEXT
);
-- Invariant 1: at most one live linkage per (bureau, client).
CREATE UNIQUE INDEX linkages_one_live ON linkages (bureau_id, client_id)
  WHERE state IN ('requested', 'approved', 'activated');
CREATE INDEX linkages_by_state ON linkages (bureau_id, state);
CREATE INDEX linkages_by_client ON linkages (client_id);

-- Evidence: every digital request, decision and paper form behind a linkage.
CREATE TABLE evidence (
  id         INTEGER PRIMARY KEY,
  linkage_id INTEGER NOT NULL REFERENCES linkages(id),
  kind       TEXT NOT NULL CHECK (kind IN ('digital_request', 'digital_approval', 'digital_decline', 'paper_form', 'review')),
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX evidence_by_linkage ON evidence (linkage_id);

-- The audit log: who/what, when, before → after. Append-only.
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id INTEGER,
  action    TEXT NOT NULL,
  before    TEXT,
  after     TEXT
);
CREATE INDEX events_by_entity ON events (entity, entity_id);

-- Invariant 2: nothing is deleted; events are never changed.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER linkages_no_delete BEFORE DELETE ON linkages
  BEGIN SELECT RAISE(ABORT, 'linkages are never deleted'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
  BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END;
CREATE TRIGGER bureaus_no_delete BEFORE DELETE ON bureaus
  BEGIN SELECT RAISE(ABORT, 'registry records are deactivated, never deleted'); END;
CREATE TRIGGER clients_no_delete BEFORE DELETE ON clients
  BEGIN SELECT RAISE(ABORT, 'registry records are deactivated, never deleted'); END;
-- Invariant 3: a linkage changes state only along the legal transitions.
CREATE TRIGGER linkages_legal_transition BEFORE UPDATE OF state ON linkages
  WHEN NEW.state <> OLD.state AND NOT (
       (OLD.state = 'requested' AND NEW.state IN ('approved', 'declined', 'expired', 'revoked'))
    OR (OLD.state = 'approved'  AND NEW.state IN ('activated', 'revoked'))
    OR (OLD.state = 'activated' AND NEW.state = 'revoked'))
  BEGIN SELECT RAISE(ABORT, 'illegal linkage state transition'); END;
