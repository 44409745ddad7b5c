#include "store/migrations.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace store {

// Defined in the generated migrations_embedded.cpp.
std::vector<Migration> embedded_migrations(std::string_view dialect);

std::vector<Migration> migrations_for(std::string_view dialect) {
    auto list = embedded_migrations(dialect);
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return list;
}

std::vector<std::string> migrate(Connection& c) {
    c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
    std::vector<std::string> applied;
    for (auto& m : migrations_for(c.dialect())) {
        // Applied already (every open but the first): no write transaction, so
        // a store another process holds busy can still be opened and read.
        auto seen = c.prepare("SELECT 1 FROM schema_migrations WHERE name = ?");
        seen->bind(1, m.name);
        if (seen->step()) continue;
        Transaction tx(c);
        // Checked inside the write transaction so two processes opening a new
        // store at once do not both apply the same script.
        auto q = c.prepare("SELECT 1 FROM schema_migrations WHERE name = ?");
        q->bind(1, m.name);
        if (q->step()) continue;
        try {
            c.exec(m.sql);
        } catch (const StoreError& e) {
            throw StoreError("migration " + m.name + " failed: " + e.what());
        }
        auto ins = c.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
        ins->bind(1, m.name).bind(2, core::format_utc(std::chrono::system_clock::now()));
        ins->run();
        tx.commit();
        applied.push_back(m.name);
    }
    return applied;
}

}  // namespace store
