// AssignmentRepo: the consultant users assigned to an activated linkage,
// each with a set of permissions from the catalogue (SPEC §3, issue 7;
// table consultant_assignments, migration 020). Rows are never deleted: a
// revocation stamps revoked_at/by; a change of permissions revokes the old
// row and grants a new one. Every write appends its event on the linkage
// ("consultant_granted", "consultant_revoked") — the caller holds the
// Transaction that covers the whole business step (invariant I4).
//
// The repository does not judge: which users and permissions are allowed
// is decided by activation::Activation before it calls here.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "core/clock.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct Assignment {
    Id id = 0;
    Id linkage_id = 0;
    Id bureau_user_id = 0;
    std::string username;   // joined from bureau_users
    std::string user_name;  // joined from bureau_users
    std::vector<std::string> permissions;  // catalogue codes, sorted
    std::string granted_by, granted_at;
    std::optional<std::string> revoked_by, revoked_at;
};

class AssignmentRepo {
public:
    AssignmentRepo(Connection& c, const core::Clock& clock) : m_c(c), m_clock(clock) {}

    // Grants `permissions` (sorted and stored as given) to a user on a
    // linkage. Throws ConstraintError when the user already holds a live
    // assignment on it. Precondition: the caller holds a Transaction.
    Id grant(Id linkage_id, Id bureau_user_id, std::vector<std::string> permissions, const std::string& actor);
    // Revokes a live assignment; no-op for one already revoked.
    // Precondition: the caller holds a Transaction.
    void revoke(Id assignment_id, const std::string& actor);

    // Live (not revoked) assignments of a linkage, by username.
    std::vector<Assignment> live(Id linkage_id) const;
    // Every assignment the linkage ever had, oldest first.
    std::vector<Assignment> all(Id linkage_id) const;

private:
    std::vector<Assignment> query(Id linkage_id, bool live_only) const;
    Connection& m_c;
    const core::Clock& m_clock;
};

}  // namespace store
