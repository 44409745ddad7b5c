// Versioned schema migrations, applied in name order when a store opens.
// Each script runs once, inside one transaction with its record in
// schema_migrations, so a crash mid-migration leaves the previous version.
// Scripts live in src/store/migrations/<dialect>/NNN_name.sql and are
// embedded into the binary at build time.
#pragma once

#include "store/connection.hpp"

#include <string>
#include <vector>

namespace store {

struct Migration {
    std::string name;  // e.g. "001_foundation"
    std::string sql;
};

// The embedded scripts of one dialect, sorted by name.
std::vector<Migration> migrations_for(std::string_view dialect);

// Applies every script not yet recorded; returns the names it applied.
// Throws StoreError when a script fails (the store is left at the last good version).
std::vector<std::string> migrate(Connection& c);

}  // namespace store
