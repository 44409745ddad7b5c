-- The paper path: every input file once (by checksum), every form found in
-- it with its outcome and the raw evidence of the decision, every batch run.

CREATE TABLE inputs (
  sha256       TEXT PRIMARY KEY,
  file_name    TEXT NOT NULL,
  size         INTEGER NOT NULL,
  container    TEXT NOT NULL,
  stored_path  TEXT NOT NULL,       -- where the original now lies (archive/ or rejected/)
  processed_at TEXT NOT NULL,
  batch_id     INTEGER,
  pages        INTEGER NOT NULL DEFAULT 0,
  ignored_pages TEXT NOT NULL DEFAULT '[]'  -- JSON: blank backs and foreign pages, reported
);

CREATE TABLE documents (
  id             INTEGER PRIMARY KEY,
  sha256         TEXT NOT NULL REFERENCES inputs(sha256),
  form_index     INTEGER NOT NULL,   -- 1-based position of the form within its file
  page           INTEGER,            -- 1-based page of the file (null: the whole file)
  outcome        TEXT NOT NULL CHECK (outcome IN ('accepted', 'review', 'rejected')),
  reasons        TEXT NOT NULL,      -- JSON array of stable codes
  fields         TEXT NOT NULL,      -- JSON object: field → value as read
  confidence     TEXT NOT NULL,      -- JSON object: field → 0..100
  evidence       TEXT NOT NULL,      -- JSON: failures with details, ink, residual, marks, QR, timings
  reference_code TEXT,
  linkage_id     INTEGER REFERENCES linkages(id),
  crops_dir      TEXT,
  review_state   TEXT CHECK (review_state IS NULL OR review_state IN ('open', 'approved', 'rejected')),
  reviewed_by    TEXT,
  reviewed_at    TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (sha256, form_index)
);
CREATE INDEX documents_by_outcome ON documents (outcome, review_state);
CREATE INDEX documents_by_reference ON documents (reference_code);

CREATE TABLE batches (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('batch', 'watch')),
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  summary     TEXT           -- JSON, written at the end
);

CREATE TRIGGER inputs_no_delete BEFORE DELETE ON inputs
  BEGIN SELECT RAISE(ABORT, 'inputs are never deleted'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
  BEGIN SELECT RAISE(ABORT, 'documents are never deleted'); END;
