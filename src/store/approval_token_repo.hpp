// ApprovalTokenRepo: the personal approval links of the digital path (issue 6).
// One row per system administrator per request; the token itself is never
// stored, only its SHA-256 hash (hex). A token decides at most once (a
// trigger refuses changing a decision) and is never deleted. A link whose
// holder lost the right to decide (issue 16) is invalidated: it keeps its row
// with when and why, and a trigger refuses any decision through it.
//
// A wrong clock (issue 19). A link's validity does not trust its own times
// blindly; effective_valid_until() applies, with tolerance T =
// core::k_clock_tolerance:
//   R1 (issued ahead) created_at > now + T: issued by a clock that ran ahead
//      (since corrected). Its validity (valid_until − created_at) counts from
//      anchored_at, the first time the sweep saw it so (anchor_future), or
//      from now while not yet anchored: it neither stays open nor blocks the
//      pair for years. The anchor is dropped once created_at is plausible
//      again (the clock was behind when it was set).
//   R2 (issued behind) issued_store_time > created_at + T, and not itself in
//      the future (≤ now + T): issued by a clock running behind the store's
//      own history (the newest event time when it was issued). Its validity
//      counts from that store time, so correcting the clock does not expire
//      every such link at once. A store with no history, or a clock that was
//      behind from its first event on, cannot be detected.
//   otherwise valid_until as stored.
//
// clock_anchors: the first time another stored time (a cool-down's closing)
// was seen lying in the future, by key.
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "core/clock.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct ApprovalToken;

// When the link stops working, by rules R1/R2 above, at `now`.
core::TimePoint effective_valid_until(const ApprovalToken& t, core::TimePoint now);

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
    std::optional<std::string> issued_store_time;  // newest event time when issued (R2)
    std::optional<std::string> anchored_at;        // first seen issued in the future (R1)
    // Joined from client_users for display.
    std::string user_name;
    std::string user_email;
};

class ApprovalTokenRepo {
public:
    explicit ApprovalTokenRepo(Connection& c) : m_c(c) {}

    // Precondition: the caller holds a Transaction. Throws ConstraintError on
    // a hash collision (never in practice with 256-bit tokens).
    // `issued_store_time`: newest_event_at() read in the same transaction.
    Id insert(Id linkage_id, Id client_user_id, const std::string& token_hash, const std::string& created_at,
              const std::string& valid_until, const std::optional<std::string>& issued_store_time = std::nullopt);
    // The newest event time in the store (none: an empty history).
    std::optional<std::string> newest_event_at() const;
    struct Anchored {
        Id token_id = 0;
        Id linkage_id = 0;
        std::string created_at;
    };
    // R1: records `now` as anchored_at of every open link of a requested
    // linkage created after `horizon` (now + T) and not yet anchored, and
    // drops the anchor of links no longer in the future. Returns the newly
    // anchored. Precondition: the caller holds a Transaction.
    std::vector<Anchored> anchor_future(const std::string& now, const std::string& horizon);
    // The anchor of `key` for `original_at`: the `now` of the first call for
    // that pair (a new original_at replaces the old anchor). Precondition:
    // the caller holds a Transaction.
    std::string clock_anchor(const std::string& key, const std::string& original_at, const std::string& now);
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
    // Candidates for the expiry sweep: linkages in state 'requested' whose
    // every token is past its stored valid_until at `now`, or with an
    // anchored token (R1). The caller decides with effective_valid_until.
    std::vector<Id> expired_requests(const std::string& now, int limit = 1000) const;

private:
    Connection& m_c;
};

}  // namespace store
