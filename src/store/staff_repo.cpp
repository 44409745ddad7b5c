#include "store/staff_repo.hpp"

#include "store/event_log.hpp"
#include "store/json_text.hpp"

namespace store {

Id StaffRepo::put(const std::string& username, const std::string& name, const std::string& password_hash,
                  const std::string& now, const std::string& actor) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "INSERT INTO staff_users (username, name, password_hash, active, created_at, updated_at) "
        "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (username) DO UPDATE SET name = excluded.name, "
        "password_hash = excluded.password_hash, active = 1, updated_at = excluded.updated_at RETURNING id");
    s->bind(1, username).bind(2, name).bind(3, password_hash).bind(4, now).bind(5, now);
    s->step();
    const Id id = s->get_int(0);
    s->reset();
    auto end = m_c.prepare(
        "UPDATE staff_sessions SET ended_at = ? WHERE staff_user_id = ? AND ended_at IS NULL RETURNING id");
    end->bind(1, now).bind(2, id);
    long long ended = 0;
    while (end->step()) ++ended;
    EventLog(m_c).append(now, actor, "staff_user", id, "password_set", std::nullopt,
                         json_object({{"username", username}, {"name", name}, {"sessions_ended", ended}}));
    tx.commit();
    return id;
}

std::optional<std::pair<StaffUser, std::string>> StaffRepo::with_password(const std::string& username) const {
    auto s = m_c.prepare("SELECT id, username, name, password_hash FROM staff_users WHERE username = ? AND active = 1");
    s->bind(1, username);
    if (!s->step()) return std::nullopt;
    return std::pair{StaffUser{s->get_int(0), s->get_text(1), s->get_text(2)}, s->get_text(3)};
}

Id StaffRepo::add_session(Id staff_user_id, const std::string& session_hash, const std::string& csrf_token,
                          const std::string& now, const std::string& expires_at) {
    auto s = m_c.prepare(
        "INSERT INTO staff_sessions (session_hash, staff_user_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, session_hash).bind(2, staff_user_id).bind(3, csrf_token).bind(4, now).bind(5, expires_at);
    s->step();
    const Id id = s->get_int(0);
    s->reset();
    return id;
}

std::optional<StaffSession> StaffRepo::session_by_hash(const std::string& session_hash, const std::string& now,
                                                        const std::string& idle_since) const {
    auto s = m_c.prepare(
        "SELECT s.id, u.id, u.username, u.name, s.csrf_token, coalesce(s.last_seen_at, s.created_at) "
        "FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_user_id "
        "WHERE s.session_hash = ? AND s.ended_at IS NULL AND s.expires_at > ? AND u.active = 1 "
        "AND coalesce(s.last_seen_at, s.created_at) > ?");
    s->bind(1, session_hash).bind(2, now).bind(3, idle_since);
    if (!s->step()) return std::nullopt;
    return StaffSession{s->get_int(0), StaffUser{s->get_int(1), s->get_text(2), s->get_text(3)}, s->get_text(4),
                        s->get_text(5)};
}

void StaffRepo::touch_session(Id session_id, const std::string& now) {
    auto s = m_c.prepare("UPDATE staff_sessions SET last_seen_at = ? WHERE id = ?");
    s->bind(1, now).bind(2, session_id);
    s->run();
}

void StaffRepo::end_session(Id session_id, const std::string& now) {
    auto s = m_c.prepare("UPDATE staff_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
    s->bind(1, now).bind(2, session_id);
    s->run();
}

}  // namespace store
