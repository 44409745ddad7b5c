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
#pragma once

#include "store/connection.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace store {

struct StoreConfig {
    std::string url;  // see above
    int busy_timeout_ms = 10000;
};

// The default URL for a state directory: sqlite:<home>/linkage.db.
std::string default_store_url(const std::filesystem::path& home);

// Opens a connection and applies pending migrations. Throws StoreError with a
// one-line reason (unreachable, unknown scheme, failed migration).
std::unique_ptr<Connection> open_store(const StoreConfig& config);

}  // namespace store
