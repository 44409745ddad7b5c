// EventLog: the append-only audit trail (SPEC §3: who/what, when, before →
// after). Callers append inside the same transaction as the change they
// describe (invariant I4). Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

class EventLog {
public:
    explicit EventLog(Connection& c) : m_c(c) {}

    // before/after: JSON texts or nullopt. `at`: UTC text.
    Id append(const std::string& at, const std::string& actor, const std::string& entity,
              std::optional<Id> entity_id, const std::string& action,
              const std::optional<std::string>& before, const std::optional<std::string>& after);

    std::vector<Event> for_entity(const std::string& entity, Id id) const;
    std::vector<Event> all(std::int64_t limit = 1000) const;
    std::int64_t count() const;

private:
    Connection& m_c;
};

}  // namespace store
