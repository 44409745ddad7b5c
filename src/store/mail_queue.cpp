#include "store/mail_queue.hpp"

#include "store/event_log.hpp"
#include "store/json_text.hpp"

namespace store {

namespace {

constexpr const char* k_select =
    "SELECT id, message_id, linkage_id, recipient_name, recipient, subject, body, state, attempts, "
    "next_attempt_at, last_error, created_at, sent_at FROM mail_queue ";

QueuedMail read_mail(Statement& s) {
    QueuedMail m;
    m.id = s.get_int(0);
    m.message_id = s.get_text(1);
    if (!s.is_null(2)) m.linkage_id = s.get_int(2);
    m.recipient_name = s.get_text(3);
    m.recipient = s.get_text(4);
    m.subject = s.get_text(5);
    m.body = s.get_text(6);
    m.state = s.get_text(7);
    m.attempts = static_cast<int>(s.get_int(8));
    m.next_attempt_at = s.get_text(9);
    m.last_error = s.get_optional_text(10);
    m.created_at = s.get_text(11);
    m.sent_at = s.get_optional_text(12);
    return m;
}

}  // namespace

Id MailQueue::enqueue(const NewMail& m, const std::string& now) {
    auto s = m_c.prepare(
        "INSERT INTO mail_queue (message_id, linkage_id, recipient_name, recipient, subject, body, secret, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    s->bind(1, m.message_id);
    if (m.linkage_id) s->bind(2, *m.linkage_id); else s->bind_null(2);
    s->bind(3, m.recipient_name).bind(4, m.recipient).bind(5, m.subject).bind(6, m.body).bind(7, m.secret);
    s->bind(8, now).bind(9, now);
    s->step();
    Id id = s->get_int(0);
    s->reset();
    EventLog(m_c).append(now, "system:mail", "mail", id, "queued", std::nullopt,
                         json_object({{"message_id", m.message_id}, {"recipient", m.recipient},
                                      {"linkage_id", m.linkage_id ? JsonScalar(static_cast<long long>(*m.linkage_id))
                                                                  : JsonScalar(nullptr)}}));
    return id;
}

std::vector<QueuedMail> MailQueue::due(const std::string& now, int limit, const MailHorizon& h) const {
    auto s = m_c.prepare(std::string(k_select) +
                         "WHERE state = 'queued' AND (next_attempt_at <= ? OR next_attempt_at > ?) "
                         "AND (lease_until IS NULL OR lease_until <= ? OR lease_until > ?) "
                         "ORDER BY next_attempt_at, id LIMIT ?");
    s->bind(1, now).bind(2, h.attempt).bind(3, now).bind(4, h.lease).bind(5, limit);
    std::vector<QueuedMail> out;
    while (s->step()) out.push_back(read_mail(*s));
    return out;
}

bool MailQueue::claim(Id id, const std::string& now, const std::string& lease_until, const MailHorizon& h) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "UPDATE mail_queue SET lease_until = ? WHERE id = ? AND state = 'queued' "
        "AND (next_attempt_at <= ? OR next_attempt_at > ?) "
        "AND (lease_until IS NULL OR lease_until <= ? OR lease_until > ?) RETURNING id");
    s->bind(1, lease_until).bind(2, id).bind(3, now).bind(4, h.attempt).bind(5, now).bind(6, h.lease);
    bool got = s->step();
    s->reset();
    tx.commit();
    return got;
}

void MailQueue::mark_sent(Id id, const std::string& now) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "UPDATE mail_queue SET state = 'sent', sent_at = ?, lease_until = NULL, attempts = attempts + 1, "
        "body = CASE WHEN secret IS NULL THEN body ELSE replace(body, secret, '[borttagen efter leverans]') END, "
        "secret = NULL WHERE id = ? AND state = 'queued' RETURNING linkage_id, recipient");
    s->bind(1, now).bind(2, id);
    if (s->step()) {
        std::optional<long long> linkage;
        if (!s->is_null(0)) linkage = s->get_int(0);
        std::string recipient = s->get_text(1);
        s->reset();
        EventLog(m_c).append(now, "system:mail", "mail", id, "sent", json_object({{"state", "queued"}}),
                             json_object({{"state", "sent"}, {"recipient", recipient},
                                          {"linkage_id", linkage ? JsonScalar(*linkage) : JsonScalar(nullptr)}}));
    }
    tx.commit();
}

void MailQueue::mark_failed(Id id, const std::string& now, const std::string& error,
                            const std::string& next_attempt_at) {
    (void)now;
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL "
        "WHERE id = ? AND state = 'queued'");
    s->bind(1, error.substr(0, 500)).bind(2, next_attempt_at).bind(3, id);
    s->run();
    tx.commit();
}

void MailQueue::mark_undeliverable(Id id, const std::string& now, const std::string& error) {
    Transaction tx(m_c);
    auto s = m_c.prepare(
        "UPDATE mail_queue SET state = 'failed', attempts = attempts + 1, last_error = ?, lease_until = NULL, "
        "body = CASE WHEN secret IS NULL THEN body ELSE replace(body, secret, '[borttagen, kunde inte levereras]') END, "
        "secret = NULL WHERE id = ? AND state = 'queued' RETURNING linkage_id");
    s->bind(1, error.substr(0, 500)).bind(2, id);
    if (s->step()) {
        std::optional<long long> linkage;
        if (!s->is_null(0)) linkage = s->get_int(0);
        s->reset();
        EventLog(m_c).append(now, "system:mail", "mail", id, "failed", json_object({{"state", "queued"}}),
                             json_object({{"state", "failed"}, {"error", error.substr(0, 500)},
                                          {"linkage_id", linkage ? JsonScalar(*linkage) : JsonScalar(nullptr)}}));
    }
    tx.commit();
}

bool MailQueue::flush_scrubbed() {
    if (m_c.dialect() != "sqlite") return true;
    if (m_c.in_transaction()) throw StoreError("MailQueue::flush_scrubbed inside a transaction (bug)");
    auto s = m_c.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    const bool done = s->step() && s->get_int(0) == 0;
    s->reset();
    return done;
}

std::optional<QueuedMail> MailQueue::get(Id id) const {
    auto s = m_c.prepare(std::string(k_select) + "WHERE id = ?");
    s->bind(1, id);
    if (!s->step()) return std::nullopt;
    return read_mail(*s);
}

std::vector<QueuedMail> MailQueue::list(int limit) const {
    auto s = m_c.prepare(std::string(k_select) + "ORDER BY id LIMIT ?");
    s->bind(1, limit);
    std::vector<QueuedMail> out;
    while (s->step()) out.push_back(read_mail(*s));
    return out;
}

MailQueueStatus MailQueue::status() const {
    MailQueueStatus st;
    auto s = m_c.prepare(
        "SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'queued' AND attempts > 0), 0), "
        "coalesce(sum(state = 'sent'), 0), min(CASE WHEN state = 'queued' THEN created_at END), "
        "min(CASE WHEN state = 'queued' THEN next_attempt_at END), coalesce(sum(state = 'failed'), 0) FROM mail_queue");
    s->step();
    st.queued = s->get_int(0);
    st.retrying = s->get_int(1);
    st.sent = s->get_int(2);
    st.oldest_queued_at = s->get_optional_text(3);
    st.next_attempt_at = s->get_optional_text(4);
    st.failed = s->get_int(5);
    auto e = m_c.prepare(
        "SELECT last_error FROM mail_queue WHERE state = 'queued' AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1");
    if (e->step()) st.last_error = e->get_text(0);
    return st;
}

std::vector<std::string> MailQueue::approval_mails_since(const std::string& recipient, const std::string& since,
                                                        const std::string& until) const {
    auto s = m_c.prepare(
        "SELECT created_at FROM mail_queue WHERE recipient = ? AND created_at >= ? AND created_at <= ? "
        "AND linkage_id IS NOT NULL ORDER BY created_at");
    s->bind(1, recipient).bind(2, since).bind(3, until);
    std::vector<std::string> out;
    while (s->step()) out.push_back(s->get_text(0));
    return out;
}

}  // namespace store
