// SqliteConnection: the one wrapper around the SQLite C API. Return codes
// become StoreError/ConstraintError here and nowhere else.
//
// Opening sets: WAL journal, foreign keys on, a busy timeout, secure_delete
// (freed content is zeroed), and durable commits (synchronous_full): a
// commit that returned survives a power cut. A store file (or backup target)
// that does not exist yet is created with mode 0600 whatever the umask;
// SQLite gives its -wal and -shm the same mode.
// SQLite runs with synchronous=NORMAL and the connection syncs the WAL after
// COMMIT itself, outside the write lock, one sync shared by the commits of
// all the process's connections to the file that finished meanwhile (group
// commit). Write transactions of one process queue on an in-process gate
// before BEGIN IMMEDIATE (no busy-handler sleeps); other processes meet the
// busy timeout. prepare() reuses the connection's cached statements (keyed
// by SQL text; one in use is never handed out twice).
//
// Errors name the file and what to do: a damaged file (SQLITE_CORRUPT,
// SQLITE_NOTADB) points to restoring a backup, a full disk and a read-only
// store say so. A connection remembers its file's device and inode: before
// each write transaction (and at most once a second before reads) it checks
// that the path still names that file, not emptied; else StoreError "vanished
// or was replaced while running" (store.hpp, I8).
//
// Thread-safety: one connection per thread; any number of connections to one
// file in one process.
#pragma once

#include "store/connection.hpp"

#include <filesystem>
#include <memory>

namespace store {

struct SqliteOptions {
    int busy_timeout_ms = 10000;
    bool synchronous_full = true;  // false: a power cut may lose the last commits (never a process crash)
    bool secure_delete = true;     // PRAGMA secure_delete: overwritten/deleted content zeroed in the file
    bool create = true;            // false: a missing file is an error, not a new database
    bool read_only = false;        // SQLITE_OPEN_READONLY; on a folder it cannot write, read as immutable
};

// sqlite_backup() could not write the target: its file system is full.
class BackupTargetFull : public StoreError {
public:
    using StoreError::StoreError;
};

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& file, const SqliteOptions& options = {});

// Copies the live database `from` into `to_file` with SQLite's online backup
// API, while other connections keep reading and writing: the copy is one
// consistent snapshot (a read transaction on `from` unless the caller holds
// one). Throws StoreError.
void sqlite_backup(Connection& from, const std::filesystem::path& to_file);

// "ok", or the problems PRAGMA integrity_check lists, one per line.
std::string sqlite_integrity_check(Connection& c);

}  // namespace store
