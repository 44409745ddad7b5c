#include "store/signin_throttle.hpp"

#include "store/event_log.hpp"
#include "store/json_text.hpp"

#include <algorithm>

namespace store {

namespace {

std::int64_t ms(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1000; }

}  // namespace

bool is_stale(const SigninPolicy& p, const SigninCounter& c, std::int64_t now_ms) {
    if (c.failures < p.failures) return now_ms - c.first_ms >= ms(p.window);
    return now_ms >= c.locked_until_ms + ms(p.max_delay);
}

SigninCounter after_failure(const SigninPolicy& p, const std::optional<SigninCounter>& c, std::int64_t now_ms) {
    SigninCounter n;
    if (c && !is_stale(p, *c, now_ms)) n = *c;
    else n.first_ms = now_ms;
    ++n.failures;
    n.last_ms = now_ms;
    if (n.failures >= p.failures) {
        // 1 s at the count, doubling with each further failure; the shift is
        // bounded long before it could overflow.
        const int doublings = std::min(n.failures - p.failures, 40);
        const std::int64_t delay = std::min<std::int64_t>(std::int64_t{1000} << doublings, ms(p.max_delay));
        n.locked_until_ms = std::max(n.locked_until_ms, now_ms + delay);
    }
    return n;
}

int wait_seconds(const SigninCounter& c, std::int64_t now_ms) {
    if (c.locked_until_ms <= now_ms) return 0;
    return static_cast<int>((c.locked_until_ms - now_ms + 999) / 1000);
}

std::int64_t SigninThrottle::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now().time_since_epoch()).count();
}

std::optional<SigninCounter> SigninThrottle::counter(const std::string& key) const {
    auto s = m_c.prepare("SELECT failures, first_ms, last_ms, locked_until_ms FROM signin_failures WHERE key = ?");
    s->bind(1, key);
    if (!s->step()) return std::nullopt;
    return SigninCounter{static_cast<int>(s->get_int(0)), s->get_int(1), s->get_int(2), s->get_int(3)};
}

int SigninThrottle::wait_seconds(const std::vector<std::string>& keys) const {
    const std::int64_t now = now_ms();
    int wait = 0;
    for (auto& k : keys)
        if (auto c = counter(k)) wait = std::max(wait, store::wait_seconds(*c, now));
    return wait;
}

int SigninThrottle::record_failure(const std::vector<std::string>& keys, const FailedSignin& what) {
    const std::int64_t now = now_ms();
    Transaction tx(m_c);
    int wait = 0;
    for (auto& k : keys) {
        const SigninCounter n = after_failure(m_p, counter(k), now);
        auto s = m_c.prepare(
            "INSERT INTO signin_failures (key, failures, first_ms, last_ms, locked_until_ms) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_ms = excluded.first_ms, "
            "last_ms = excluded.last_ms, locked_until_ms = excluded.locked_until_ms");
        s->bind(1, k).bind(2, n.failures).bind(3, n.first_ms).bind(4, n.last_ms).bind(5, n.locked_until_ms);
        s->run();
        wait = std::max(wait, store::wait_seconds(n, now));
    }
    // A row whose latest failure is this old is stale whatever it holds
    // (locked at most max_delay after it, stale max_delay after that).
    auto prune = m_c.prepare("DELETE FROM signin_failures WHERE last_ms < ?");
    prune->bind(1, now - 2 * ms(m_p.max_delay) - ms(m_p.window));
    prune->run();
    EventLog(m_c).append(core::format_utc(m_clock.now()), "web:" + what.client_ip, what.entity, what.user_id,
                         "signin_failed", std::nullopt,
                         json_object({{"username", what.username},
                                      {"client_ip", what.client_ip},
                                      {"wait_seconds", static_cast<long long>(wait)}}));
    tx.commit();
    return wait;
}

void SigninThrottle::forget(const std::string& key) {
    auto s = m_c.prepare("DELETE FROM signin_failures WHERE key = ?");
    s->bind(1, key);
    s->run();
}

}  // namespace store
