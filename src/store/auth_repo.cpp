#include "store/auth_repo.hpp"

#include "store/event_log.hpp"
#include "store/json_text.hpp"

namespace store {

namespace {

Principal read_principal(Statement& s, int first) {
    Principal p;
    p.user_id = s.get_int(first);
    p.bureau_id = s.get_int(first + 1);
    p.username = s.get_text(first + 2);
    p.name = s.get_text(first + 3);
    p.role = s.get_text(first + 4);
    return p;
}

constexpr const char* k_user_cols = "u.id, u.bureau_id, u.username, u.name, u.role";

}  // namespace

std::optional<std::pair<Principal, std::string>> AuthRepo::user_with_password(const std::string& username) const {
    auto s = m_c.prepare(std::string("SELECT ") + k_user_cols +
                         ", coalesce(u.password_hash, '') FROM bureau_users u WHERE u.username = ? AND u.active = 1");
    s->bind(1, username);
    if (!s->step()) return std::nullopt;
    return std::make_pair(read_principal(*s, 0), s->get_text(5));
}

void AuthRepo::set_password_hash(Id user_id, const std::string& hash, const std::string& now,
                                 const std::string& actor) {
    Transaction tx(m_c);
    auto s = m_c.prepare("UPDATE bureau_users SET password_hash = ?, updated_at = ? WHERE id = ?");
    s->bind(1, hash).bind(2, now).bind(3, user_id);
    s->run();
    EventLog(m_c).append(now, actor, "bureau_user", user_id, "password_set", std::nullopt, std::nullopt);
    tx.commit();
}

Id AuthRepo::add_api_token(Id user_id, const std::string& token_hash, const std::string& now,
                           const std::string& actor) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "INSERT INTO api_tokens (bureau_user_id, token_hash, created_at) VALUES (?, ?, ?) RETURNING id");
    s->bind(1, user_id).bind(2, token_hash).bind(3, now);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    EventLog(m_c).append(now, actor, "bureau_user", user_id, "api_token_created", std::nullopt,
                         json_object({{"api_token_id", static_cast<long long>(id)}}));
    tx.commit();
    return id;
}

std::optional<Principal> AuthRepo::principal_by_api_token(const std::string& token_hash) const {
    auto s = m_c.prepare(std::string("SELECT ") + k_user_cols +
                         " FROM api_tokens t JOIN bureau_users u ON u.id = t.bureau_user_id "
                         "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1");
    s->bind(1, token_hash);
    if (!s->step()) return std::nullopt;
    return read_principal(*s, 0);
}

Id AuthRepo::add_session(Id user_id, const std::string& session_hash, const std::string& csrf_token,
                         const std::string& now, const std::string& expires_at) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "INSERT INTO web_sessions (session_hash, bureau_user_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, session_hash).bind(2, user_id).bind(3, csrf_token).bind(4, now).bind(5, expires_at);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    EventLog(m_c).append(now, "bureau_user:" + std::to_string(user_id), "bureau_user", user_id, "signed_in",
                         std::nullopt, std::nullopt);
    tx.commit();
    return id;
}

std::optional<WebSession> AuthRepo::session_by_hash(const std::string& session_hash, const std::string& now) const {
    auto s = m_c.prepare(std::string("SELECT ws.id, ws.csrf_token, ws.expires_at, ") + k_user_cols +
                         " FROM web_sessions ws JOIN bureau_users u ON u.id = ws.bureau_user_id "
                         "WHERE ws.session_hash = ? AND ws.ended_at IS NULL AND ws.expires_at > ? AND u.active = 1");
    s->bind(1, session_hash).bind(2, now);
    if (!s->step()) return std::nullopt;
    WebSession w;
    w.id = s->get_int(0);
    w.csrf_token = s->get_text(1);
    w.expires_at = s->get_text(2);
    w.user = read_principal(*s, 3);
    return w;
}

void AuthRepo::end_session(Id session_id, const std::string& now) {
    auto s = m_c.prepare("UPDATE web_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
    s->bind(1, now).bind(2, session_id);
    s->run();
}

}  // namespace store
