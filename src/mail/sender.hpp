// Sender: delivers the mail queue (store::MailQueue) through a Transport.
// One pass (send_due) takes each due message's lease, formats it, delivers
// it and marks it sent; a failure is recorded and the message waits for its
// next attempt with exponential backoff (30 s, 1 min, 2 min, … capped at
// 1 h). Nothing is dropped: a message stays queued until delivered, unless
// the failure is permanent (PermanentTransportError: an invalid recipient,
// a relay dialogue out of step): then it is marked failed with its reason in
// last_error, kept in the store, and never retried.
//
// Delivery is at least once, never at most once: a sender killed after the
// relay accepted a message but before mark_sent committed leaves the message
// queued under its lease; when the lease runs out the next pass sends it
// again (one duplicate per such crash). A killed sender's lease is never
// stuck: it only delays that one message by the lease time.
// SenderThread runs passes in the background (the web server's sender).
//
// A wrong clock (issue 19): a next attempt later than the longest backoff
// from now, or a lease later than the longest lease from now, was written by
// a clock that ran ahead; such a message is due at once (horizon_at), with a
// warning, instead of waiting until that date. The thread logs a wall-clock
// jump (core::ClockJumpDetector) between two passes.
//
// Thread-safety: send_due uses the Connection it is given (one per thread).
// SenderThread owns its own thread and Connection.
#pragma once

#include "core/clock.hpp"
#include "mail/rfc5322.hpp"
#include "mail/transport.hpp"
#include "store/connection.hpp"
#include "store/mail_queue.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mail {

struct SendSummary {
    int sent = 0;
    int failed = 0;          // temporary and permanent failures
    int undeliverable = 0;   // of which permanent: marked failed, not retried
    bool flush_pending = false;  // scrubbed tokens could not yet leave the WAL (MailQueue::flush_scrubbed)
    std::string last_error;  // of the last failure in this pass
};

// Seconds to wait after the n-th failed attempt (n >= 1).
std::chrono::seconds backoff_after(int failed_attempts);

// How long a claimed message is reserved for the sender delivering it. It
// must outlast one delivery (an SMTP session with its timeouts) comfortably;
// after a crash it is how long the interrupted message waits.
inline constexpr std::chrono::seconds k_default_lease{300};
// The longest lease a sender may take (`mail send --lease-seconds`).
inline constexpr std::chrono::seconds k_max_lease{86400};

// The times beyond which a stored next attempt or lease is not believed at
// `now`: the longest backoff / lease from now plus core::k_clock_tolerance.
store::MailHorizon horizon_at(core::TimePoint now);

// One pass over the due messages. After a pass that scrubbed any secret
// (sent or failed messages) it runs MailQueue::flush_scrubbed, so no
// plaintext token outlives the pass in the store's WAL. Each lease runs from the moment its message
// is claimed (not from the start of the pass, so a long pass never hands out
// leases that have already run out). Store errors propagate (StoreError).
// `flush`: false leaves the flush to the caller (summary.flush_pending is
// then true after a pass that scrubbed anything): the SenderThread batches it.
SendSummary send_due(store::Connection& c, Transport& t, const core::Clock& clock, const Mailbox& from,
                     int limit = 100, std::chrono::seconds lease = k_default_lease, bool flush = true);

// The sender thread's flush policy: a TRUNCATE checkpoint waits for every
// writer and blocks new ones while it copies the WAL, so under a stream of
// requests (each one wakes the sender) a flush after every pass stalls the
// request writers (measured: request creation 830 req/s, p99 up to 200 ms).
// The thread therefore flushes when a pass finds nothing more to deliver, and
// under continuous load at least every k_flush_interval: a delivered token
// stays in the WAL at most that long.
inline constexpr std::chrono::seconds k_flush_interval{30};

class SenderThread {
public:
    using Opener = std::function<std::unique_ptr<store::Connection>()>;
    using Hook = std::function<void(store::Connection&)>;
    // Starts the thread: every `interval` (or at once after wake()) it runs
    // `before_pass` (e.g. the expiry sweep) and one send_due pass. Errors in
    // a pass are reported to `log` and retried next interval.
    SenderThread(Opener open, std::unique_ptr<Transport> t, const core::Clock& clock, Mailbox from,
                 std::chrono::milliseconds interval, Hook before_pass, std::function<void(const std::string&)> log);
    ~SenderThread();  // stops and joins
    SenderThread(const SenderThread&) = delete;
    SenderThread& operator=(const SenderThread&) = delete;
    void wake();
    void stop();

private:
    void run();
    Opener m_open;
    std::unique_ptr<Transport> m_transport;
    const core::Clock& m_clock;
    Mailbox m_from;
    std::chrono::milliseconds m_interval;
    Hook m_before;
    std::function<void(const std::string&)> m_log;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    bool m_woken = false;
    bool m_flush_pending = false;  // scrubbed tokens may still be in the WAL (see k_flush_interval)
    std::chrono::steady_clock::time_point m_last_flush = std::chrono::steady_clock::now();
    core::ClockJumpDetector m_jumps;
    std::thread m_thread;
};

}  // namespace mail
