#include "store/linkage_story_repo.hpp"

namespace store {

std::vector<MailRow> LinkageStoryRepo::mails(Id linkage_id) const {
    auto s = m_c.prepare(
        "SELECT id, recipient_name, recipient, state, created_at, sent_at, last_error, attempts "
        "FROM mail_queue WHERE linkage_id = ? ORDER BY id");
    s->bind(1, linkage_id);
    std::vector<MailRow> out;
    while (s->step()) {
        MailRow m;
        m.id = s->get_int(0);
        m.recipient_name = s->get_text(1);
        m.recipient = s->get_text(2);
        m.state = s->get_text(3);
        m.created_at = s->get_text(4);
        m.sent_at = s->get_optional_text(5);
        m.last_error = s->get_optional_text(6);
        m.attempts = static_cast<int>(s->get_int(7));
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<StoryDocument> LinkageStoryRepo::documents(Id linkage_id) const {
    auto s = m_c.prepare(
        "SELECT d.id, d.sha256, d.outcome, d.reasons, d.created_at, i.file_name, i.stored_path, d.review_state, "
        "d.reviewed_by, d.reviewed_at FROM documents d JOIN inputs i ON i.sha256 = d.sha256 "
        "WHERE d.linkage_id = ? ORDER BY d.id");
    s->bind(1, linkage_id);
    std::vector<StoryDocument> out;
    while (s->step()) {
        StoryDocument d;
        d.id = s->get_int(0);
        d.sha256 = s->get_text(1);
        d.outcome = s->get_text(2);
        d.reasons = s->get_text(3);
        d.created_at = s->get_text(4);
        d.file_name = s->get_text(5);
        d.stored_path = s->get_text(6);
        d.review_state = s->get_optional_text(7);
        d.reviewed_by = s->get_optional_text(8);
        d.reviewed_at = s->get_optional_text(9);
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace store
