#include "store/heartbeat_repo.hpp"

namespace store {

void HeartbeatRepo::put(const Heartbeat& h) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "INSERT INTO heartbeats (role, pid, host, started_at, beat_at, last_pass_at, last_pass_result, "
        "files_processed, inbox_backlog) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (role) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, "
        "beat_at = excluded.beat_at, last_pass_at = excluded.last_pass_at, "
        "last_pass_result = excluded.last_pass_result, files_processed = excluded.files_processed, "
        "inbox_backlog = excluded.inbox_backlog");
    s->bind(1, h.role).bind(2, h.pid).bind(3, h.host).bind(4, h.started_at).bind(5, h.beat_at);
    s->bind(6, h.last_pass_at).bind(7, h.last_pass_result).bind(8, h.files_processed).bind(9, h.inbox_backlog);
    s->run();
    tx.commit();
}

bool HeartbeatRepo::beat(const std::string& role, std::int64_t pid, const std::string& at) {
    Transaction tx(m_c);
    auto s = m_c.prepare("UPDATE heartbeats SET beat_at = ? WHERE role = ? AND pid = ? RETURNING role");
    s->bind(1, at).bind(2, role).bind(3, pid);
    const bool got = s->step();
    s->reset();
    tx.commit();
    return got;
}

std::optional<Heartbeat> HeartbeatRepo::get(const std::string& role) const {
    auto s = m_c.prepare(
        "SELECT role, pid, host, started_at, beat_at, last_pass_at, last_pass_result, files_processed, inbox_backlog "
        "FROM heartbeats WHERE role = ?");
    s->bind(1, role);
    if (!s->step()) return std::nullopt;
    Heartbeat h;
    h.role = s->get_text(0);
    h.pid = s->get_int(1);
    h.host = s->get_text(2);
    h.started_at = s->get_text(3);
    h.beat_at = s->get_text(4);
    h.last_pass_at = s->get_optional_text(5);
    h.last_pass_result = s->get_optional_text(6);
    h.files_processed = s->get_int(7);
    h.inbox_backlog = s->get_int(8);
    s->reset();
    return h;
}

}  // namespace store
