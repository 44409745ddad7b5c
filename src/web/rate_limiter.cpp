#include "web/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace web {

RateLimiter::RateLimiter(int per_minute, std::size_t max_keys)
    : m_capacity(std::max(0, per_minute)), m_per_second(std::max(0, per_minute) / 60.0),
      m_max_keys(std::max<std::size_t>(1, max_keys)) {}

void RateLimiter::refill(Bucket& b, Clock::time_point now) const {
    const double seconds = std::chrono::duration<double>(now - b.at).count();
    if (seconds > 0) {
        b.tokens = std::min(m_capacity, b.tokens + seconds * m_per_second);
        b.at = now;
    }
}

void RateLimiter::make_room(Clock::time_point now) {
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        refill(it->second, now);
        it = it->second.tokens >= m_capacity ? m_buckets.erase(it) : std::next(it);
    }
    if (m_buckets.size() >= m_max_keys) m_buckets.clear();
}

int RateLimiter::acquire(const std::string& key, Clock::time_point now) {
    if (m_capacity <= 0) return 0;
    std::lock_guard lock(m_mutex);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_max_keys) make_room(now);
        it = m_buckets.emplace(key, Bucket{m_capacity, now}).first;
    }
    Bucket& b = it->second;
    refill(b, now);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / m_per_second)));
}

}  // namespace web
