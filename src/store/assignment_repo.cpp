#include "store/assignment_repo.hpp"

#include "store/event_log.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

namespace store {

namespace {

std::string permissions_json(const std::vector<std::string>& permissions) {
    Poco::JSON::Array a;
    for (auto& p : permissions) a.add(p);
    std::ostringstream out;
    a.stringify(out);
    return out.str();
}

std::vector<std::string> parse_permissions(const std::string& text) {
    std::vector<std::string> out;
    try {
        auto a = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
    } catch (const Poco::Exception& e) {
        throw StoreError("consultant_assignments.permissions is not a JSON array: " + e.displayText());
    }
    return out;
}

std::string event_json(const std::string& username, const std::vector<std::string>& permissions) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("username", username);
    Poco::JSON::Array a;
    for (auto& p : permissions) a.add(p);
    o.set("permissions", a);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string username_of(Connection& c, Id user_id) {
    auto s = c.prepare("SELECT username FROM bureau_users WHERE id = ?");
    s->bind(1, user_id);
    if (!s->step()) throw StoreError("bureau user " + std::to_string(user_id) + " does not exist");
    return s->get_text(0);
}

}  // namespace

Id AssignmentRepo::grant(Id linkage_id, Id bureau_user_id, std::vector<std::string> permissions,
                         const std::string& actor) {
    std::sort(permissions.begin(), permissions.end());
    permissions.erase(std::unique(permissions.begin(), permissions.end()), permissions.end());
    const std::string now = core::format_utc(m_clock.now());
    auto s = m_c.prepare(
        "INSERT INTO consultant_assignments (linkage_id, bureau_user_id, permissions, granted_by, granted_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, linkage_id).bind(2, bureau_user_id).bind(3, permissions_json(permissions)).bind(4, actor).bind(5, now);
    s->step();
    const Id id = s->get_int(0);
    s->reset();
    EventLog(m_c).append(now, actor, "linkage", linkage_id, "consultant_granted", std::nullopt,
                         event_json(username_of(m_c, bureau_user_id), permissions));
    return id;
}

void AssignmentRepo::revoke(Id assignment_id, const std::string& actor) {
    const std::string now = core::format_utc(m_clock.now());
    auto s = m_c.prepare(
        "UPDATE consultant_assignments SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
        "RETURNING linkage_id, bureau_user_id, permissions");
    s->bind(1, actor).bind(2, now).bind(3, assignment_id);
    if (!s->step()) return;
    const Id linkage_id = s->get_int(0), user_id = s->get_int(1);
    const auto permissions = parse_permissions(s->get_text(2));
    s->reset();
    EventLog(m_c).append(now, actor, "linkage", linkage_id, "consultant_revoked",
                         event_json(username_of(m_c, user_id), permissions), std::nullopt);
}

std::vector<Assignment> AssignmentRepo::live(Id linkage_id) const { return query(linkage_id, true); }

std::vector<Assignment> AssignmentRepo::all(Id linkage_id) const { return query(linkage_id, false); }

std::vector<Assignment> AssignmentRepo::query(Id linkage_id, bool live_only) const {
    std::string sql =
        "SELECT a.id, a.linkage_id, a.bureau_user_id, u.username, u.name, a.permissions, a.granted_by, a.granted_at, "
        "a.revoked_by, a.revoked_at FROM consultant_assignments a JOIN bureau_users u ON u.id = a.bureau_user_id "
        "WHERE a.linkage_id = ?";
    sql += live_only ? " AND a.revoked_at IS NULL ORDER BY u.username" : " ORDER BY a.id";
    auto s = m_c.prepare(sql);
    s->bind(1, linkage_id);
    std::vector<Assignment> out;
    while (s->step()) {
        Assignment a;
        a.id = s->get_int(0);
        a.linkage_id = s->get_int(1);
        a.bureau_user_id = s->get_int(2);
        a.username = s->get_text(3);
        a.user_name = s->get_text(4);
        a.permissions = parse_permissions(s->get_text(5));
        a.granted_by = s->get_text(6);
        a.granted_at = s->get_text(7);
        a.revoked_by = s->get_optional_text(8);
        a.revoked_at = s->get_optional_text(9);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace store
