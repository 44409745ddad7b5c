#include "store/approval_token_repo.hpp"

namespace store {

namespace {

constexpr const char* k_select =
    "SELECT t.id, t.linkage_id, t.client_user_id, t.token_hash, t.created_at, t.valid_until, t.decided_at, "
    "t.decision, u.name, u.email, t.invalidated_at, t.invalid_reason, t.issued_store_time, t.anchored_at FROM approval_tokens t JOIN client_users u ON u.id = t.client_user_id ";

ApprovalToken read_token(Statement& s) {
    ApprovalToken t;
    t.id = s.get_int(0);
    t.linkage_id = s.get_int(1);
    t.client_user_id = s.get_int(2);
    t.token_hash = s.get_text(3);
    t.created_at = s.get_text(4);
    t.valid_until = s.get_text(5);
    t.decided_at = s.get_optional_text(6);
    t.decision = s.get_optional_text(7);
    t.user_name = s.get_text(8);
    t.user_email = s.get_text(9);
    t.invalidated_at = s.get_optional_text(10);
    t.invalid_reason = s.get_optional_text(11);
    t.issued_store_time = s.get_optional_text(12);
    t.anchored_at = s.get_optional_text(13);
    return t;
}

std::optional<core::TimePoint> parsed(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    try {
        return core::parse_utc(*text);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

}  // namespace

core::TimePoint effective_valid_until(const ApprovalToken& t, core::TimePoint now) {
    const auto created = core::parse_utc(t.created_at);
    const auto until = core::parse_utc(t.valid_until);
    const auto validity = until - created;
    const auto tol = core::k_clock_tolerance;
    if (created > now + tol) return parsed(t.anchored_at).value_or(now) + validity;  // R1
    if (auto store_time = parsed(t.issued_store_time); store_time && *store_time > created + tol &&
                                                       *store_time <= now + tol)
        return *store_time + validity;  // R2
    return until;
}

Id ApprovalTokenRepo::insert(Id linkage_id, Id client_user_id, const std::string& token_hash,
                             const std::string& created_at, const std::string& valid_until,
                             const std::optional<std::string>& issued_store_time) {
    auto s = m_c.prepare(
        "INSERT INTO approval_tokens (linkage_id, client_user_id, token_hash, created_at, valid_until, "
        "issued_store_time) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, linkage_id).bind(2, client_user_id).bind(3, token_hash).bind(4, created_at).bind(5, valid_until);
    s->bind(6, issued_store_time);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    return id;
}

std::optional<ApprovalToken> ApprovalTokenRepo::by_hash(const std::string& token_hash) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE t.token_hash = ?");
    s->bind(1, token_hash);
    if (!s->step()) return std::nullopt;
    return read_token(*s);
}

std::vector<ApprovalToken> ApprovalTokenRepo::for_linkage(Id linkage_id) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE t.linkage_id = ? ORDER BY t.id");
    s->bind(1, linkage_id);
    std::vector<ApprovalToken> out;
    while (s->step()) out.push_back(read_token(*s));
    return out;
}

bool ApprovalTokenRepo::record_decision(Id token_id, const std::string& decision, const std::string& at) {
    auto s = m_c.prepare(
        "UPDATE approval_tokens SET decision = ?, decided_at = ? WHERE id = ? AND decision IS NULL RETURNING id");
    s->bind(1, decision).bind(2, at).bind(3, token_id);
    bool changed = s->step();
    s->reset();
    return changed;
}

bool ApprovalTokenRepo::invalidate(Id token_id, const std::string& reason, const std::string& at) {
    auto s = m_c.prepare(
        "UPDATE approval_tokens SET invalidated_at = ?, invalid_reason = ? "
        "WHERE id = ? AND decision IS NULL AND invalidated_at IS NULL RETURNING id");
    s->bind(1, at).bind(2, reason).bind(3, token_id);
    bool changed = s->step();
    s->reset();
    return changed;
}

std::vector<ApprovalTokenRepo::Stale> ApprovalTokenRepo::stale_pending() const {
    auto s = m_c.prepare(
        "SELECT t.id, t.linkage_id, t.client_user_id, "
        "CASE WHEN b.multi_company = 1 THEN 'bureau_multi_company' "
        "WHEN c.multi_company = 1 THEN 'client_multi_company' ELSE 'not_administrator' END "
        "FROM approval_tokens t JOIN linkages l ON l.id = t.linkage_id "
        "JOIN bureaus b ON b.id = l.bureau_id JOIN clients c ON c.id = l.client_id "
        "JOIN client_users u ON u.id = t.client_user_id "
        "WHERE l.state = 'requested' AND t.decision IS NULL AND t.invalidated_at IS NULL "
        "AND (b.multi_company = 1 OR c.multi_company = 1 OR u.active = 0 OR u.role <> 'system_administrator' "
        "OR u.client_id <> l.client_id) ORDER BY t.id");
    std::vector<Stale> out;
    while (s->step()) out.push_back({s->get_int(0), s->get_int(1), s->get_int(2), s->get_text(3)});
    return out;
}

int ApprovalTokenRepo::open_count(Id linkage_id) const {
    auto s = m_c.prepare(
        "SELECT count(*) FROM approval_tokens WHERE linkage_id = ? AND decision IS NULL AND invalidated_at IS NULL");
    s->bind(1, linkage_id);
    s->step();
    int n = static_cast<int>(s->get_int(0));
    s->reset();
    return n;
}

std::optional<std::string> ApprovalTokenRepo::newest_event_at() const {
    auto s = m_c.prepare("SELECT max(at) FROM events");
    std::optional<std::string> out;
    if (s->step()) out = s->get_optional_text(0);
    s->reset();
    return out;
}

std::vector<ApprovalTokenRepo::Anchored> ApprovalTokenRepo::anchor_future(const std::string& now,
                                                                          const std::string& horizon) {
    auto drop = m_c.prepare("UPDATE approval_tokens SET anchored_at = NULL WHERE anchored_at IS NOT NULL AND created_at <= ?");
    drop->bind(1, horizon);
    drop->run();
    auto s = m_c.prepare(
        "UPDATE approval_tokens SET anchored_at = ? WHERE anchored_at IS NULL AND created_at > ? "
        "AND decision IS NULL AND invalidated_at IS NULL "
        "AND linkage_id IN (SELECT id FROM linkages WHERE state = 'requested') "
        "RETURNING id, linkage_id, created_at");
    s->bind(1, now).bind(2, horizon);
    std::vector<Anchored> out;
    while (s->step()) out.push_back({s->get_int(0), s->get_int(1), s->get_text(2)});
    return out;
}

std::string ApprovalTokenRepo::clock_anchor(const std::string& key, const std::string& original_at,
                                            const std::string& now) {
    auto s = m_c.prepare(
        "INSERT INTO clock_anchors (key, original_at, anchored_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET original_at = excluded.original_at, anchored_at = excluded.anchored_at "
        "WHERE clock_anchors.original_at <> excluded.original_at");
    s->bind(1, key).bind(2, original_at).bind(3, now);
    s->run();
    auto q = m_c.prepare("SELECT anchored_at FROM clock_anchors WHERE key = ?");
    q->bind(1, key);
    std::string out = q->step() ? q->get_text(0) : now;
    q->reset();
    return out;
}

std::vector<Id> ApprovalTokenRepo::expired_requests(const std::string& now, int limit) const {
    auto s = m_c.prepare(
        "SELECT l.id FROM linkages l JOIN approval_tokens t ON t.linkage_id = l.id "
        "WHERE l.state = 'requested' GROUP BY l.id HAVING max(t.valid_until) <= ? OR max(t.anchored_at) IS NOT NULL "
        "ORDER BY l.id LIMIT ?");
    s->bind(1, now).bind(2, limit);
    std::vector<Id> out;
    while (s->step()) out.push_back(s->get_int(0));
    return out;
}

}  // namespace store
