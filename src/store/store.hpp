// Opening the linkage store: the one place that knows which database engine
// is behind the Connection interface. Switching engines is a change of the
// store URL in configuration (SPEC §8):
//   sqlite:/path/to/linkage.db      the embedded default
//   postgresql://…                  reserved; refused with a clear message until implemented
//
// Invariants of the store as a whole (numbered; each has a test in
// tests/store/invariants_test.cpp):
//   I1  At most one live (requested|approved|activated) linkage per
//       (bureau, client): a unique index, not only code.
//   I2  Nothing is deleted: linkages, evidence and registry rows refuse
//       DELETE; the event log refuses UPDATE and DELETE.
//   I3  A linkage changes state only along the legal transitions of
//       core::transition; the database refuses any other change too.
//   I4  Every state change is written together with its event in one
//       transaction: both or neither.
//   I5  Schema migrations are applied once each, in order, atomically.
//   I6  A store is created only when asked (StoreConfig::create: `init`,
//       `restore`, `demo`); any other open of a missing or 0-byte store file
//       is refused, so a lost store never silently becomes an empty one.
//   I7  A store has one random identity (table store_identity, migration
//       040), and the state directory's marker file <home>/store.id names it:
//       an open with `home` set refuses a store whose id differs. A home
//       without a marker (an installation older than 040) adopts the store it
//       finds: the marker is written at that first open.
//   I8  A connection refuses to go on when its file was deleted or replaced
//       under it (sqlite_connection.hpp): no write lands in an unlinked file.
#pragma once

#include "store/connection.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace store {

struct StoreConfig {
    std::string url;  // see above
    int busy_timeout_ms = 10000;
    // True only for the commands that make a store (init, restore, demo): a
    // missing or empty store file is created and migrated. False: refused.
    bool create = false;
    // Opened with SQLITE_OPEN_READONLY: no migration, no marker written; works
    // on a read-only state directory. A store whose schema is older than this
    // program is refused (a write command brings it up to date).
    bool read_only = false;
    // The state directory whose marker (<home>/store.id) must name this store
    // (I7); empty: no identity check (tests, backup copies).
    std::filesystem::path home;
};

// The default URL for a state directory: sqlite:<home>/linkage.db.
std::string default_store_url(const std::filesystem::path& home);

// Opens a connection and applies pending migrations. Throws StoreError with a
// one-line reason that names the path and what to do (missing or empty store
// without `create`, identity mismatch, unreachable, unknown scheme, failed
// migration, damaged file).
std::unique_ptr<Connection> open_store(const StoreConfig& config);

// The marker file of a state directory: <home>/store.id.
std::filesystem::path identity_marker(const std::filesystem::path& home);
// The id recorded in the store (I7); empty for a store older than migration 040.
std::string store_identity(Connection& c);
// Writes `id` as the home's marker, atomically (temp, fsync, rename, fsync
// folder), mode 0600. Throws StoreError.
void write_identity_marker(const std::filesystem::path& home, const std::string& id);

}  // namespace store
