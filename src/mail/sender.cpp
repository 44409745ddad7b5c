#include "mail/sender.hpp"

#include "core/email_address.hpp"
#include "core/log.hpp"
#include "store/mail_queue.hpp"

namespace mail {

std::chrono::seconds backoff_after(int failed_attempts) {
    if (failed_attempts < 1) failed_attempts = 1;
    std::int64_t s = 30;
    for (int i = 1; i < failed_attempts && s < 3600; ++i) s *= 2;
    return std::chrono::seconds(std::min<std::int64_t>(s, 3600));
}

store::MailHorizon horizon_at(core::TimePoint now) {
    store::MailHorizon h;
    h.attempt = core::format_utc(now + backoff_after(1000) + core::k_clock_tolerance);
    h.lease = core::format_utc(now + k_max_lease + core::k_clock_tolerance);
    return h;
}

SendSummary send_due(store::Connection& c, Transport& t, const core::Clock& clock, const Mailbox& from, int limit,
                     std::chrono::seconds lease, bool flush) {
    SendSummary summary;
    store::MailQueue queue(c);
    const auto start = clock.now();
    const auto horizon = horizon_at(start);
    for (auto& m : queue.due(core::format_utc(start), limit, horizon)) {
        if (m.next_attempt_at > horizon.attempt)
            core::process_logger()
                .warning("mail.schedule_in_future")
                .kv("mail", static_cast<std::int64_t>(m.id))
                .kv("next_attempt_at", m.next_attempt_at)
                .kv("note", "scheduled beyond the longest backoff (a clock that ran ahead); delivered now");
        // The lease starts now: a pass that has been delivering for a while
        // (slow relay, timeouts) must not claim with a lease already run out,
        // or a second sender could take the same message meanwhile.
        const auto claimed_at = clock.now();
        if (!queue.claim(m.id, core::format_utc(claimed_at), core::format_utc(claimed_at + lease),
                         horizon_at(claimed_at)))
            continue;
        try {
            // Whatever the transport: a recipient the registry rule refuses is
            // never handed on (it reached the store bypassing the import).
            if (auto problem = core::email_address_problem(m.recipient))
                throw PermanentTransportError("recipient '" + printable(m.recipient) +
                                              "' is not a valid e-mail address: it " + *problem +
                                              "; the message is not sent (correct the address in the registry)");
            t.deliver(m.message_id, from.address, m.recipient, format_message(m, from, clock.now()));
        } catch (const PermanentTransportError& e) {
            ++summary.failed;
            ++summary.undeliverable;
            summary.last_error = e.what();
            queue.mark_undeliverable(m.id, core::format_utc(clock.now()), e.what());
            continue;
        } catch (const TransportError& e) {
            ++summary.failed;
            summary.last_error = e.what();
            queue.mark_failed(m.id, core::format_utc(clock.now()), e.what(),
                              core::format_utc(clock.now() + backoff_after(m.attempts + 1)));
            continue;
        }
        queue.mark_sent(m.id, core::format_utc(clock.now()));
        ++summary.sent;
    }
    if (summary.sent > 0 || summary.undeliverable > 0) summary.flush_pending = !flush || !queue.flush_scrubbed();
    return summary;
}

SenderThread::SenderThread(Opener open, std::unique_ptr<Transport> t, const core::Clock& clock, Mailbox from,
                           std::chrono::milliseconds interval, Hook before_pass,
                           std::function<void(const std::string&)> log)
    : m_open(std::move(open)), m_transport(std::move(t)), m_clock(clock), m_from(std::move(from)),
      m_interval(interval), m_before(std::move(before_pass)), m_log(std::move(log)) {
    m_thread = std::thread([this] { run(); });
}

SenderThread::~SenderThread() { stop(); }

void SenderThread::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
}

void SenderThread::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void SenderThread::run() {
    std::unique_ptr<store::Connection> c;
    std::string last_reported;
    for (;;) {
        m_jumps.check_and_log(m_clock, core::process_logger(), "mail sender");
        try {
            if (!c) c = m_open();
            if (m_before) m_before(*c);
            auto s = send_due(*c, *m_transport, m_clock, m_from, 100, k_default_lease, false);
            if (s.flush_pending) m_flush_pending = true;
            const auto now = std::chrono::steady_clock::now();
            const bool idle = s.sent == 0 && s.failed == 0;
            if (m_flush_pending && (idle || now - m_last_flush >= k_flush_interval)) {
                m_flush_pending = !store::MailQueue(*c).flush_scrubbed();
                m_last_flush = now;
            }
            if (s.failed > 0 && s.last_error != last_reported && m_log) {
                if (s.undeliverable > 0)
                    m_log("mail: " + std::to_string(s.undeliverable) +
                          " message(s) cannot be delivered and are marked failed (not retried): " + s.last_error);
                else
                    m_log("mail: " + std::to_string(s.failed) + " message(s) not delivered, will retry: " + s.last_error);
                last_reported = s.last_error;
            } else if (s.failed == 0) {
                last_reported.clear();
            }
        } catch (const std::exception& e) {
            if (m_log) m_log(std::string("mail: sender pass failed, will retry: ") + e.what());
            c.reset();
        }
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, m_interval, [this] { return m_stop || m_woken; });
        if (m_stop) return;
        m_woken = false;
    }
}

}  // namespace mail
