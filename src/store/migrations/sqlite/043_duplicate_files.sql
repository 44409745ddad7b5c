-- Files dropped again whose exact bytes were processed before (issue 17,
-- item 20): the batch sets each aside in rejected/ with a sidecar; this row
-- keeps it countable (metrics) and listed on the staff task page. `sha256`
-- names the input first processed with these bytes.
CREATE TABLE duplicate_files (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL REFERENCES inputs(sha256),
  file_name   TEXT NOT NULL,
  stored_path TEXT NOT NULL,
  seen_at     TEXT NOT NULL
);
CREATE INDEX duplicate_files_by_time ON duplicate_files (seen_at);
CREATE INDEX documents_by_created ON documents (created_at);
CREATE INDEX inputs_by_processed ON inputs (processed_at);
CREATE TRIGGER duplicate_files_no_delete BEFORE DELETE ON duplicate_files
  BEGIN SELECT RAISE(ABORT, 'duplicate files are never deleted'); END;
