-- Activation (issue 7): which consultant users of the bureau work with an
-- activated client, each with a set of permissions from the catalogue
-- (data/permissions.json). A row is never changed except to record its
-- revocation (revoked_at/by); a change of permissions revokes the old row
-- and adds a new one, so the table itself is the history (plus events).
CREATE TABLE consultant_assignments (
  id             INTEGER PRIMARY KEY,
  linkage_id     INTEGER NOT NULL REFERENCES linkages(id),
  bureau_user_id INTEGER NOT NULL REFERENCES bureau_users(id),
  permissions    TEXT NOT NULL,          -- JSON array of catalogue codes, sorted
  granted_by     TEXT NOT NULL,
  granted_at     TEXT NOT NULL,
  revoked_by     TEXT,
  revoked_at     TEXT
);
-- One live assignment per consultant and linkage.
CREATE UNIQUE INDEX consultant_assignments_live ON consultant_assignments (linkage_id, bureau_user_id)
  WHERE revoked_at IS NULL;
CREATE TRIGGER consultant_assignments_no_delete BEFORE DELETE ON consultant_assignments
  BEGIN SELECT RAISE(ABORT, 'assignments are revoked, never deleted'); END;
CREATE TRIGGER consultant_assignments_revoke_only BEFORE UPDATE ON consultant_assignments
  WHEN OLD.revoked_at IS NOT NULL OR NEW.permissions <> OLD.permissions OR NEW.linkage_id <> OLD.linkage_id
    OR NEW.bureau_user_id <> OLD.bureau_user_id
  BEGIN SELECT RAISE(ABORT, 'an assignment is only ever revoked'); END;

-- Back-office staff (SPEC §2) who resolve the review queue on the web.
-- Not bureau users: they act for the operator, never for a bureau.
CREATE TABLE staff_users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE TRIGGER staff_users_no_delete BEFORE DELETE ON staff_users
  BEGIN SELECT RAISE(ABORT, 'staff users are deactivated, never deleted'); END;

CREATE TABLE staff_sessions (
  id            INTEGER PRIMARY KEY,
  session_hash  TEXT NOT NULL UNIQUE,
  staff_user_id INTEGER NOT NULL REFERENCES staff_users(id),
  csrf_token    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  ended_at      TEXT
);
