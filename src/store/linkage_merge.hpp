// The merge rules of SPEC §3 for a signed paper form, in one place, used by
// the batch (automatic accept) and by the review queue (a person approves):
//   * the pair has a pending (requested) linkage — digital, or the paper
//     linkage of a pre-filled form's reference code → it is approved;
//   * the pair has an approved or activated linkage → nothing changes, the
//     form is attached as evidence, and the caller says so;
//   * no live linkage → one is created (source paper) and approved.
// Precondition: the caller holds a store::Transaction.
#pragma once

#include "store/linkage_repo.hpp"

#include <optional>
#include <string>

namespace store {

enum class PaperApproval { created, approved_pending, already_linked };

struct PaperApprovalResult {
    Id linkage_id = 0;
    PaperApproval what = PaperApproval::created;
    bool pending_was_digital = false;
};

// `via`: "paper" (the batch) or "review" (a person). `decided_by`: recorded
// as who approved (e.g. "signed paper form (Karin Åkesson)").
// `evidence_json`: the paper_form evidence detail.
PaperApprovalResult approve_by_paper_form(LinkageRepo& links, Id bureau_id, Id client_id,
                                          const std::optional<Linkage>& referenced, const std::string& decided_by,
                                          const std::string& actor, const std::string& via,
                                          const std::string& evidence_json);

}  // namespace store
