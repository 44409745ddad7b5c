// Activation: what a bureau does with an approved linkage (SPEC §3, issue 7).
//   activation_list()   approved, not yet activated linkages of the bureau,
//                       from either source (paper or digital);
//   activate()          assigns one or more consultants, each with
//                       permissions from the catalogue (data/permissions.json),
//                       and moves the linkage to `activated` — one transaction.
//                       A linkage approved digitally is activated only while
//                       the pair may still link digitally (issue 16): bureau
//                       not excluded nor multi-company, client not
//                       multi-company (the rule of digital::pair_refusal);
//                       otherwise `paper_only` (a signed form is needed). The
//                       approving administrator's later loss of rights does
//                       not matter: the approval was made with valid rights;
//   change_permissions() replaces the consultant set of an activated linkage;
//   revoke()            the bureau ends a live linkage;
//   revoke_by_client_admin() a system administrator of the client ends it
//                       (the operator records it from the CLI: `revoke --client-admin`);
//   client_list()       activated linkages with each consultant's permissions.
//
// Who may be a consultant: an ACTIVE user of the SAME bureau with role
// `consultant` or `admin` (bureau administrators often do the bookkeeping
// themselves); each needs at least one permission; a user appears once.
// Every call is scoped to a bureau: another bureau's linkage is `not_found`,
// exactly like a missing one. Each problem is a value with a stable code and
// a Swedish message; exceptions only for a broken store.
//
// Thread-safety: borrows one Connection; one Activation per thread.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/assignment_repo.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <expected>
#include <string>
#include <vector>

namespace activation {

struct Grant {
    std::string username;
    std::vector<std::string> permissions;  // catalogue codes
};

enum class Refusal {
    not_found,           // no such linkage for this bureau
    wrong_state,         // e.g. activate a linkage that is not approved
    no_consultants,      // the list is empty
    unknown_user,        // no such username (or in another bureau: told the same)
    inactive_user,       // the user is deactivated
    role_not_allowed,    // neither consultant nor admin
    duplicate_user,      // a user listed twice
    no_permissions,      // a consultant without permissions
    unknown_permission,  // a code not in the catalogue
    not_administrator,   // revoke_by_client_admin: not an active system administrator of the client
    paper_only,          // activate: a digitally approved pair that may no longer link digitally
};

struct Problem {
    Refusal refusal = Refusal::not_found;
    std::string code;     // stable: "not_found", "unknown_permission", …
    std::string message;  // Swedish, one sentence, names what was wrong
};

std::string_view to_code(Refusal r);

struct ClientEntry {
    store::Linkage linkage;
    std::vector<store::Assignment> consultants;  // live assignments
};

class Activation {
public:
    Activation(store::Connection& c, const core::Clock& clock, const core::Rules& rules)
        : m_c(c), m_clock(clock), m_rules(rules) {}

    std::vector<store::Linkage> activation_list(store::Id bureau_id) const;
    std::vector<ClientEntry> client_list(store::Id bureau_id) const;
    // The linkage if it belongs to the bureau (any state), with live consultants.
    std::expected<ClientEntry, Problem> get(store::Id bureau_id, store::Id linkage_id) const;

    // `actor`: who acts, recorded on every event (e.g. "bureau_user:anna").
    std::expected<ClientEntry, Problem> activate(store::Id bureau_id, store::Id linkage_id,
                                                 const std::vector<Grant>& consultants, const std::string& actor);
    // Replaces the consultants of an activated linkage: users no longer
    // listed lose their assignment; changed permissions are re-granted;
    // unchanged ones stay as they are.
    std::expected<ClientEntry, Problem> change_permissions(store::Id bureau_id, store::Id linkage_id,
                                                           const std::vector<Grant>& consultants,
                                                           const std::string& actor);
    // Revokes a live linkage (requested, approved or activated) and every
    // live assignment. `reason` is recorded (may be empty).
    std::expected<store::Linkage, Problem> revoke(store::Id bureau_id, store::Id linkage_id, const std::string& actor,
                                                  const std::string& reason);
    // The same, by a system administrator of the linkage's client (by e-mail).
    std::expected<store::Linkage, Problem> revoke_by_client_admin(store::Id linkage_id, const std::string& admin_email,
                                                                  const std::string& reason);

private:
    std::expected<std::vector<std::pair<store::Id, std::vector<std::string>>>, Problem> check(
        store::Id bureau_id, const std::vector<Grant>& consultants) const;
    std::expected<store::Linkage, Problem> revoke_as(const store::Linkage& l, const std::string& actor,
                                                     const std::string& reason);
    store::Connection& m_c;
    const core::Clock& m_clock;
    const core::Rules& m_rules;
};

}  // namespace activation
