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

int AuthRepo::set_password_hash(Id user_id, const std::string& hash, const std::string& now,
                                const std::string& actor, std::optional<Id> keep_session) {
    Transaction tx(m_c);
    auto s = m_c.prepare("UPDATE bureau_users SET password_hash = ?, updated_at = ? WHERE id = ?");
    s->bind(1, hash).bind(2, now).bind(3, user_id);
    s->run();
    // A new password is the way to throw out whoever else knew the old one.
    auto end = m_c.prepare(
        "UPDATE web_sessions SET ended_at = ? WHERE bureau_user_id = ? AND ended_at IS NULL AND id <> ? RETURNING id");
    end->bind(1, now).bind(2, user_id).bind(3, keep_session.value_or(0));
    long long ended = 0;
    while (end->step()) ++ended;
    EventLog(m_c).append(now, actor, "bureau_user", user_id, "password_set", std::nullopt,
                         json_object({{"sessions_ended", ended}}));
    tx.commit();
    return static_cast<int>(ended);
}

NewApiToken AuthRepo::add_api_token(Id user_id, const std::string& token_hash, const std::string& now,
                                    const std::string& actor, const std::optional<std::string>& expires_at,
                                    bool retire_others) {
    Transaction tx(m_c);
    NewApiToken out;
    if (retire_others) {
        auto r = m_c.prepare(
            "UPDATE api_tokens SET revoked_at = ? WHERE bureau_user_id = ? AND revoked_at IS NULL RETURNING id");
        r->bind(1, now).bind(2, user_id);
        while (r->step()) out.retired.push_back(r->get_int(0));
    }
    auto s = m_c.prepare(
        "INSERT INTO api_tokens (bureau_user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id");
    s->bind(1, user_id).bind(2, token_hash).bind(3, now).bind(4, expires_at);
    s->step();
    out.id = s->get_int(0);
    s->reset();
    EventLog log(m_c);
    for (Id old : out.retired)
        log.append(now, actor, "bureau_user", user_id, "api_token_revoked", std::nullopt,
                   json_object({{"api_token_id", static_cast<long long>(old)},
                                {"replaced_by", static_cast<long long>(out.id)}}));
    log.append(now, actor, "bureau_user", user_id, "api_token_created", std::nullopt,
               json_object({{"api_token_id", static_cast<long long>(out.id)},
                            {"expires_at", expires_at ? JsonScalar(*expires_at) : JsonScalar(nullptr)}}));
    tx.commit();
    return out;
}

std::optional<ApiTokenUse> AuthRepo::api_token_by_hash(const std::string& token_hash, const std::string& now) const {
    auto s = m_c.prepare(std::string("SELECT ") + k_user_cols +
                         ", t.id, t.last_used_at FROM api_tokens t JOIN bureau_users u ON u.id = t.bureau_user_id "
                         "WHERE t.token_hash = ? AND t.revoked_at IS NULL "
                         "AND (t.expires_at IS NULL OR t.expires_at > ?) "
                         "AND u.active = 1");
    s->bind(1, token_hash).bind(2, now);
    if (!s->step()) return std::nullopt;
    return ApiTokenUse{read_principal(*s, 0), s->get_int(5), s->get_optional_text(6)};
}

void AuthRepo::touch_api_token(Id token_id, const std::string& now, const std::string& since) {
    auto s = m_c.prepare(
        "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)");
    s->bind(1, now).bind(2, token_id).bind(3, since);
    s->run();
}

std::vector<ApiTokenInfo> AuthRepo::api_tokens_of(Id user_id) const {
    auto s = m_c.prepare(
        "SELECT id, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE bureau_user_id = ? "
        "ORDER BY id");
    s->bind(1, user_id);
    std::vector<ApiTokenInfo> out;
    while (s->step())
        out.push_back({s->get_int(0), s->get_text(1), s->get_optional_text(2), s->get_optional_text(3),
                       s->get_optional_text(4)});
    return out;
}

RevokeResult AuthRepo::revoke_api_token(Id token_id, const std::string& now, const std::string& actor) {
    Transaction tx(m_c);
    auto q = m_c.prepare("SELECT bureau_user_id, revoked_at IS NOT NULL FROM api_tokens WHERE id = ?");
    q->bind(1, token_id);
    if (!q->step()) return RevokeResult::not_found;
    const Id user_id = q->get_int(0);
    if (q->get_int(1) != 0) return RevokeResult::already_revoked;
    q->reset();
    auto s = m_c.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?");
    s->bind(1, now).bind(2, token_id);
    s->run();
    EventLog(m_c).append(now, actor, "bureau_user", user_id, "api_token_revoked", std::nullopt,
                         json_object({{"api_token_id", static_cast<long long>(token_id)}}));
    tx.commit();
    return RevokeResult::revoked;
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

std::optional<WebSession> AuthRepo::session_by_hash(const std::string& session_hash, const std::string& now,
                                                    const std::string& idle_since) const {
    auto s = m_c.prepare(std::string("SELECT ws.id, ws.csrf_token, ws.expires_at, ") + k_user_cols +
                         ", coalesce(ws.last_seen_at, ws.created_at) AS seen"
                         " FROM web_sessions ws JOIN bureau_users u ON u.id = ws.bureau_user_id "
                         "WHERE ws.session_hash = ? AND ws.ended_at IS NULL AND ws.expires_at > ? AND u.active = 1 "
                         "AND coalesce(ws.last_seen_at, ws.created_at) > ?");
    s->bind(1, session_hash).bind(2, now).bind(3, idle_since);
    if (!s->step()) return std::nullopt;
    WebSession w;
    w.id = s->get_int(0);
    w.csrf_token = s->get_text(1);
    w.expires_at = s->get_text(2);
    w.user = read_principal(*s, 3);
    w.last_seen_at = s->get_text(8);
    return w;
}

void AuthRepo::touch_session(Id session_id, const std::string& now) {
    auto s = m_c.prepare("UPDATE web_sessions SET last_seen_at = ? WHERE id = ?");
    s->bind(1, now).bind(2, session_id);
    s->run();
}

void AuthRepo::end_session(Id session_id, const std::string& now) {
    auto s = m_c.prepare("UPDATE web_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL");
    s->bind(1, now).bind(2, session_id);
    s->run();
}

}  // namespace store
