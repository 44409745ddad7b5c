#include "store/linkage_repo.hpp"

#include "store/event_log.hpp"
#include "store/json_text.hpp"

namespace store {

namespace {

constexpr const char* k_select =
    "SELECT l.id, l.bureau_id, l.client_id, l.state, l.source, l.reference_code, l.requested_by, "
    "l.created_at, l.updated_at, l.decided_at, l.decided_by, l.approved_via, l.activated_at, l.activated_by, "
    "b.orgnr, b.name, c.orgnr, c.name, c.subscription "
    "FROM linkages l JOIN bureaus b ON b.id = l.bureau_id JOIN clients c ON c.id = l.client_id ";

Linkage read_linkage(Statement& s) {
    Linkage l;
    l.id = s.get_int(0);
    l.bureau_id = s.get_int(1);
    l.client_id = s.get_int(2);
    auto st = core::parse_linkage_state(s.get_text(3));
    if (!st) throw StoreError("linkage " + std::to_string(l.id) + " has an unknown state in the store");
    l.state = *st;
    l.source = core::parse_linkage_source(s.get_text(4)).value_or(core::LinkageSource::digital);
    l.reference_code = s.get_optional_text(5);
    l.requested_by = s.get_text(6);
    l.created_at = s.get_text(7);
    l.updated_at = s.get_text(8);
    l.decided_at = s.get_optional_text(9);
    l.decided_by = s.get_optional_text(10);
    l.approved_via = s.get_optional_text(11);
    l.activated_at = s.get_optional_text(12);
    l.activated_by = s.get_optional_text(13);
    l.bureau_orgnr = s.get_text(14);
    l.bureau_name = s.get_text(15);
    l.client_orgnr = s.get_text(16);
    l.client_name = s.get_text(17);
    l.client_subscription = s.get_text(18);
    return l;
}

std::string state_json(const Linkage& l) {
    return json_object({{"state", std::string(core::to_string(l.state))}});
}

}  // namespace

std::optional<Linkage> LinkageRepo::get(Id id) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE l.id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    return read_linkage(*s);
}

std::optional<Linkage> LinkageRepo::by_reference_code(const std::string& code) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE l.reference_code = ?");
    s->bind(1, code);
    if (!s->step()) return std::nullopt;
    return read_linkage(*s);
}

std::optional<Linkage> LinkageRepo::live_for(Id bureau_id, Id client_id) const {
    auto s = m_c.prepare(std::string(k_select) +
                         "WHERE l.bureau_id = ? AND l.client_id = ? AND l.state IN ('requested','approved','activated')");
    s->bind(1, bureau_id).bind(2, client_id);
    if (!s->step()) return std::nullopt;
    return read_linkage(*s);
}

std::optional<std::string> LinkageRepo::last_closed_at(Id bureau_id, Id client_id) const {
    auto s = m_c.prepare(
        "SELECT max(updated_at) FROM linkages WHERE bureau_id = ? AND client_id = ? "
        "AND state IN ('declined','revoked')");
    s->bind(1, bureau_id).bind(2, client_id);
    std::optional<std::string> out;
    if (s->step()) out = s->get_optional_text(0);
    s->reset();
    return out;
}

std::vector<Linkage> LinkageRepo::list(const LinkageFilter& f) const {
    std::string sql = std::string(k_select) + "WHERE 1 = 1";
    if (f.bureau_id) sql += " AND l.bureau_id = ?";
    if (f.client_id) sql += " AND l.client_id = ?";
    if (f.state) sql += " AND l.state = ?";
    sql += " ORDER BY l.id LIMIT ?";
    auto s = m_c.prepare(sql);
    int i = 1;
    if (f.bureau_id) s->bind(i++, *f.bureau_id);
    if (f.client_id) s->bind(i++, *f.client_id);
    if (f.state) s->bind(i++, core::to_string(*f.state));
    s->bind(i, f.limit);
    std::vector<Linkage> out;
    while (s->step()) out.push_back(read_linkage(*s));
    return out;
}

std::int64_t LinkageRepo::count() const {
    auto s = m_c.prepare("SELECT count(*) FROM linkages");
    s->step();
    return s->get_int(0);
}

Id LinkageRepo::create(Id bureau_id, Id client_id, core::LinkageSource source, const std::string& actor,
                       const std::optional<std::string>& reference_code) {
    const std::string now = core::format_utc(m_clock.now());
    auto s = m_c.prepare(
        "INSERT INTO linkages (bureau_id, client_id, state, source, reference_code, requested_by, created_at, updated_at) "
        "VALUES (?, ?, 'requested', ?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, bureau_id).bind(2, client_id).bind(3, core::to_string(source)).bind(4, reference_code);
    s->bind(5, actor).bind(6, now).bind(7, now);
    Id id;
    try {
        s->step();
        id = s->get_int(0);
        s->reset();
    } catch (const ConstraintError&) {
        throw ConstraintError("the pair (bureau " + std::to_string(bureau_id) + ", client " +
                              std::to_string(client_id) + ") already has a live linkage");
    }
    EventLog(m_c).append(now, actor, "linkage", id, "created", std::nullopt,
                         json_object({{"state", "requested"},
                                      {"source", std::string(core::to_string(source))},
                                      {"bureau_id", static_cast<long long>(bureau_id)},
                                      {"client_id", static_cast<long long>(client_id)}}));
    return id;
}

Linkage LinkageRepo::change_state(Id id, core::LinkageState to, const std::string& actor,
                                  const std::optional<std::string>& approved_via) {
    auto before = get(id);
    if (!before) throw StoreError("linkage " + std::to_string(id) + " does not exist");
    auto legal = core::transition(before->state, to);
    if (!legal) throw IllegalTransitionError("linkage " + std::to_string(id) + ": " + legal.error().message);
    const std::string now = core::format_utc(m_clock.now());
    using S = core::LinkageState;
    std::unique_ptr<Statement> s;
    if (to == S::activated) {
        s = m_c.prepare("UPDATE linkages SET state = ?, updated_at = ?, activated_at = ?, activated_by = ? WHERE id = ?");
        s->bind(1, core::to_string(to)).bind(2, now).bind(3, now).bind(4, actor).bind(5, id);
    } else if (to == S::revoked && before->state != S::requested) {
        s = m_c.prepare("UPDATE linkages SET state = ?, updated_at = ? WHERE id = ?");
        s->bind(1, core::to_string(to)).bind(2, now).bind(3, id);
    } else {
        s = m_c.prepare(
            "UPDATE linkages SET state = ?, updated_at = ?, decided_at = ?, decided_by = ?, approved_via = ? WHERE id = ?");
        s->bind(1, core::to_string(to)).bind(2, now).bind(3, now).bind(4, actor);
        if (to == S::approved) s->bind(5, approved_via); else s->bind_null(5);
        s->bind(6, id);
    }
    s->run();
    Linkage after = *get(id);
    std::string after_json = to == S::approved
        ? json_object({{"state", "approved"}, {"approved_via", approved_via ? JsonScalar(*approved_via) : JsonScalar(nullptr)}})
        : state_json(after);
    EventLog(m_c).append(now, actor, "linkage", id, std::string(core::to_string(to)), state_json(*before), after_json);
    return after;
}

Id LinkageRepo::add_evidence(Id linkage_id, const std::string& kind, const std::string& actor, const std::string& detail) {
    const std::string now = core::format_utc(m_clock.now());
    auto s = m_c.prepare("INSERT INTO evidence (linkage_id, kind, at, actor, detail) VALUES (?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, linkage_id).bind(2, kind).bind(3, now).bind(4, actor).bind(5, detail);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    EventLog(m_c).append(now, actor, "linkage", linkage_id, "evidence_added", std::nullopt,
                         json_object({{"evidence_id", static_cast<long long>(id)}, {"kind", kind}}));
    return id;
}

std::vector<Evidence> LinkageRepo::evidence(Id linkage_id) const {
    auto s = m_c.prepare("SELECT id, linkage_id, kind, at, actor, detail FROM evidence WHERE linkage_id = ? ORDER BY id");
    s->bind(1, linkage_id);
    std::vector<Evidence> out;
    while (s->step())
        out.push_back({s->get_int(0), s->get_int(1), s->get_text(2), s->get_text(3), s->get_text(4), s->get_text(5)});
    return out;
}

}  // namespace store
