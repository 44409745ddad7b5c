-- The store's identity (issue 19): one random id, made when the store is
-- created (or first opened by this version). `init` writes it to the state
-- directory's marker file (<home>/store.id) as well, and every later open
-- compares the two, so a different store in the place of this one (another
-- volume mounted, another home's file copied in) is refused instead of used.
-- One row, never changed, never deleted.
CREATE TABLE store_identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL CHECK (length(id) = 32),
    created_at TEXT NOT NULL
);
INSERT INTO store_identity (singleton, id, created_at)
VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
CREATE TRIGGER store_identity_no_update BEFORE UPDATE ON store_identity
BEGIN SELECT RAISE(ABORT, 'the store identity never changes'); END;
CREATE TRIGGER store_identity_no_delete BEFORE DELETE ON store_identity
BEGIN SELECT RAISE(ABORT, 'the store identity is never deleted'); END;
