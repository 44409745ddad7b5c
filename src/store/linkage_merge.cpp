#include "store/linkage_merge.hpp"

namespace store {

PaperApprovalResult approve_by_paper_form(LinkageRepo& links, Id bureau_id, Id client_id,
                                          const std::optional<Linkage>& referenced, const std::string& decided_by,
                                          const std::string& actor, const std::string& via,
                                          const std::string& evidence_json) {
    PaperApprovalResult r;
    std::optional<Linkage> live = referenced && core::is_live(referenced->state) && referenced->bureau_id == bureau_id &&
                                          referenced->client_id == client_id
                                      ? referenced
                                      : links.live_for(bureau_id, client_id);
    if (!live) {
        r.linkage_id = links.create(bureau_id, client_id, core::LinkageSource::paper, actor);
        links.change_state(r.linkage_id, core::LinkageState::approved, decided_by, via);
        r.what = PaperApproval::created;
    } else if (live->state == core::LinkageState::requested) {
        r.linkage_id = live->id;
        links.change_state(r.linkage_id, core::LinkageState::approved, decided_by, via);
        r.what = PaperApproval::approved_pending;
        r.pending_was_digital = live->source == core::LinkageSource::digital;
    } else {
        r.linkage_id = live->id;
        r.what = PaperApproval::already_linked;
    }
    links.add_evidence(r.linkage_id, "paper_form", actor, evidence_json);
    return r;
}

}  // namespace store
