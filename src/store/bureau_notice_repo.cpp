#include "store/bureau_notice_repo.hpp"

namespace store {

namespace {

BureauNotice read_notice(Statement& s) {
    BureauNotice n;
    n.id = s.get_int(0);
    n.bureau_id = s.get_int(1);
    n.linkage_id = s.get_int(2);
    n.kind = s.get_text(3);
    n.recipient = s.get_optional_text(4);
    n.text = s.get_text(5);
    n.created_at = s.get_text(6);
    n.seen_at = s.get_optional_text(7);
    return n;
}

}  // namespace

std::vector<NoticeEvent> BureauNoticeRepo::events_after_cursor(int limit) const {
    auto s = m_c.prepare(
        "SELECT e.id, e.at, e.actor, e.entity, e.entity_id, e.action, e.after FROM events e "
        "WHERE e.id > coalesce((SELECT event_id FROM bureau_notice_cursor WHERE one = 1), 0) AND "
        "e.entity_id IS NOT NULL AND "
        "((e.entity = 'linkage' AND e.action IN ('approved', 'declined', 'expired', 'revoked')) OR "
        " (e.entity = 'mail' AND e.action = 'failed')) ORDER BY e.id LIMIT ?");
    s->bind(1, limit);
    std::vector<NoticeEvent> out;
    while (s->step()) {
        NoticeEvent e;
        e.event_id = s->get_int(0);
        e.at = s->get_text(1);
        e.actor = s->get_text(2);
        e.entity = s->get_text(3);
        e.entity_id = s->get_int(4);
        e.action = s->get_text(5);
        e.after = s->get_optional_text(6);
        out.push_back(std::move(e));
    }
    return out;
}

void BureauNoticeRepo::move_cursor(Id event_id) {
    auto s = m_c.prepare(
        "INSERT INTO bureau_notice_cursor (one, event_id) VALUES (1, ?) "
        "ON CONFLICT (one) DO UPDATE SET event_id = excluded.event_id WHERE excluded.event_id > bureau_notice_cursor.event_id");
    s->bind(1, event_id);
    s->run();
}

std::optional<Id> BureauNoticeRepo::add(Id bureau_id, Id linkage_id, const std::string& kind, Id event_id,
                                        const std::optional<std::string>& recipient, const std::string& text,
                                        const std::string& now) {
    auto s = m_c.prepare(
        "INSERT INTO bureau_notices (bureau_id, linkage_id, kind, event_id, recipient, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING id");
    s->bind(1, bureau_id).bind(2, linkage_id).bind(3, kind).bind(4, event_id).bind(5, recipient).bind(6, text).bind(7, now);
    if (!s->step()) return std::nullopt;
    return s->get_int(0);
}

std::vector<BureauNotice> BureauNoticeRepo::for_bureau(Id bureau_id, bool unseen_only, int limit) const {
    auto s = m_c.prepare(std::string("SELECT id, bureau_id, linkage_id, kind, recipient, text, created_at, seen_at "
                                     "FROM bureau_notices WHERE bureau_id = ?") +
                         (unseen_only ? " AND seen_at IS NULL" : "") + " ORDER BY id DESC LIMIT ?");
    s->bind(1, bureau_id).bind(2, limit);
    std::vector<BureauNotice> out;
    while (s->step()) out.push_back(read_notice(*s));
    return out;
}

int BureauNoticeRepo::mark_seen(Id bureau_id, const std::string& now) {
    Transaction tx(m_c);
    auto s = m_c.prepare("UPDATE bureau_notices SET seen_at = ? WHERE bureau_id = ? AND seen_at IS NULL RETURNING id");
    s->bind(1, now).bind(2, bureau_id);
    int n = 0;
    while (s->step()) ++n;
    s->reset();
    tx.commit();
    return n;
}

std::optional<BureauNoticeRepo::MailFacts> BureauNoticeRepo::mail(Id mail_id) const {
    auto s = m_c.prepare("SELECT linkage_id, recipient_name, recipient, coalesce(last_error, '') FROM mail_queue WHERE id = ?");
    s->bind(1, mail_id);
    if (!s->step()) return std::nullopt;
    MailFacts f;
    if (!s->is_null(0)) f.linkage_id = s->get_int(0);
    f.recipient_name = s->get_text(1);
    f.recipient = s->get_text(2);
    f.last_error = s->get_text(3);
    return f;
}

std::optional<ClientUser> BureauNoticeRepo::client_user(Id id) const {
    auto s = m_c.prepare("SELECT id, client_id, name, email, role, active FROM client_users WHERE id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    ClientUser u;
    u.id = s->get_int(0);
    u.client_id = s->get_int(1);
    u.name = s->get_text(2);
    u.email = s->get_text(3);
    u.role = s->get_text(4);
    u.active = s->get_int(5) != 0;
    return u;
}

std::optional<std::string> BureauNoticeRepo::staff_name(const std::string& username) const {
    auto s = m_c.prepare("SELECT name FROM staff_users WHERE username = ?");
    s->bind(1, username);
    if (!s->step()) return std::nullopt;
    return s->get_text(0);
}

}  // namespace store
