// LinkageRepo: linkages and their evidence — the one truth that both the
// paper path and the digital path write (SPEC §3). Every write method here
// changes a row AND appends its event; the caller wraps the calls that make
// one business step in one store::Transaction (invariant I4, store.hpp).
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "core/clock.hpp"
#include "core/linkage_state.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

// Thrown when a caller asks for a transition that core::transition forbids.
// That is a bug in the caller (it should have checked), not a user error.
class IllegalTransitionError : public StoreError {
public:
    using StoreError::StoreError;
};

struct LinkageFilter {
    std::optional<Id> bureau_id;
    std::optional<Id> client_id;
    std::optional<core::LinkageState> state;
    std::int64_t limit = 10000;
};

class LinkageRepo {
public:
    LinkageRepo(Connection& c, const core::Clock& clock) : m_c(c), m_clock(clock) {}

    std::optional<Linkage> get(Id id) const;
    std::optional<Linkage> by_reference_code(const std::string& code) const;
    // The live (requested|approved|activated) linkage of the pair, if any.
    std::optional<Linkage> live_for(Id bureau_id, Id client_id) const;
    std::vector<Linkage> list(const LinkageFilter& filter = {}) const;
    // When the pair's most recent declined or revoked linkage ended (its
    // updated_at), if it has one: the start of the request cool-down.
    std::optional<std::string> last_closed_at(Id bureau_id, Id client_id) const;
    std::int64_t count() const;

    // Creates a linkage in state `requested`. Throws ConstraintError when the
    // pair already has a live linkage (invariant I1). Precondition: the caller
    // holds a Transaction.
    Id create(Id bureau_id, Id client_id, core::LinkageSource source, const std::string& actor,
              const std::optional<std::string>& reference_code = std::nullopt);

    // Moves a linkage to `to`, recording who decided and, for approvals, via
    // which path ("digital", "paper", "review"); activation records
    // activated_at/by. Throws IllegalTransitionError for a transition that
    // core::transition forbids, StoreError when the linkage does not exist.
    // Precondition: the caller holds a Transaction.
    Linkage change_state(Id id, core::LinkageState to, const std::string& actor,
                         const std::optional<std::string>& approved_via = std::nullopt);

    // Attaches evidence (detail: a JSON object text) and its event.
    Id add_evidence(Id linkage_id, const std::string& kind, const std::string& actor, const std::string& detail);
    std::vector<Evidence> evidence(Id linkage_id) const;

private:
    Connection& m_c;
    const core::Clock& m_clock;
};

}  // namespace store
