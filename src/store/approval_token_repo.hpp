// ApprovalTokenRepo: the personal approval links of the digital path (issue 6).
// One row per system administrator per request; the token itself is never
// stored, only its SHA-256 hash (hex). A token decides at most once (a
// trigger refuses changing a decision) and is never deleted. A link whose
// holder lost the right to decide (issue 16) is invalidated: it keeps its row
// with when and why, and a trigger refuses any decision through it.
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct ApprovalToken {
    Id id = 0;
    Id linkage_id = 0;
    Id client_user_id = 0;
    std::string token_hash;  // hex SHA-256
    std::string created_at;
    std::string valid_until;  // UTC text; the link works while now < valid_until
    std::optional<std::string> decided_at;
    std::optional<std::string> decision;  // "approve" | "decline"
    std::optional<std::string> invalidated_at;
    std::optional<std::string> invalid_reason;  // digital::Refusal code, e.g. "not_administrator"
    // Joined from client_users for display.
    std::string user_name;
    std::string user_email;
};

class ApprovalTokenRepo {
public:
    explicit ApprovalTokenRepo(Connection& c) : m_c(c) {}

    // Precondition: the caller holds a Transaction. Throws ConstraintError on
    // a hash collision (never in practice with 256-bit tokens).
    Id insert(Id linkage_id, Id client_user_id, const std::string& token_hash, const std::string& created_at,
              const std::string& valid_until);
    std::optional<ApprovalToken> by_hash(const std::string& token_hash) const;
    std::vector<ApprovalToken> for_linkage(Id linkage_id) const;
    // Records this token's decision. Returns false when it had decided already.
    bool record_decision(Id token_id, const std::string& decision, const std::string& at);
    // Marks an undecided token invalid. Returns false when it was decided or
    // invalidated already. Precondition: the caller holds a Transaction.
    bool invalidate(Id token_id, const std::string& reason, const std::string& at);
    // Undecided, still valid tokens of `requested` linkages whose holder or
    // pair no longer allows deciding according to the registry rows: the
    // holder is not an active system administrator of the linkage's client,
    // or the client or bureau is a multi-company setup. Each with its reason
    // (the exclusion list is not in the store: Desk::decide checks it).
    struct Stale {
        Id token_id = 0;
        Id linkage_id = 0;
        Id client_user_id = 0;
        std::string reason;
    };
    std::vector<Stale> stale_pending() const;
    // How many undecided, not invalidated tokens the linkage has.
    int open_count(Id linkage_id) const;
    // Linkages in state 'requested' whose every token is past valid_until at `now`.
    std::vector<Id> expired_requests(const std::string& now, int limit = 1000) const;

private:
    Connection& m_c;
};

}  // namespace store
