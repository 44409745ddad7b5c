// SqliteConnection: the one wrapper around the SQLite C API. Return codes
// become StoreError/ConstraintError here and nowhere else.
//
// Opening sets: WAL journal, foreign keys on, a busy timeout, synchronous=FULL
// (a COMMIT that returned survives a power cut). Thread-safety: one connection
// per thread.
#pragma once

#include "store/connection.hpp"

#include <filesystem>
#include <memory>

namespace store {

struct SqliteOptions {
    int busy_timeout_ms = 10000;
    bool synchronous_full = true;
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
