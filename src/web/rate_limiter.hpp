// RateLimiter: requests per minute per credential (issue 8, "Limits"): one
// token bucket per key — an API token, or an approval link for its POSTs.
// A key may make `per_minute` requests at once, then one per 60/per_minute
// seconds; a refused request is told when to come back (Retry-After).
//
// Owns: the buckets, in memory (a restart forgets them). The number of keys
// is bounded: buckets that have refilled are dropped first; a flood of
// distinct keys beyond the bound makes the limiter forget all buckets (the
// limit stops one client hammering with one credential; it is no defence
// against a flood, which a proxy in front must handle).
//
// Thread-safety: every member function may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace web {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    // `per_minute` 0: no limit.
    explicit RateLimiter(int per_minute, std::size_t max_keys = 65536);

    // Counts one request for `key`: 0 when allowed, else the whole seconds
    // (at least 1) after which the next request will be.
    int acquire(const std::string& key, Clock::time_point now = Clock::now());

private:
    struct Bucket {
        double tokens;
        Clock::time_point at;
    };
    void refill(Bucket& b, Clock::time_point now) const;
    void make_room(Clock::time_point now);

    const double m_capacity;    // requests at once
    const double m_per_second;  // refill rate
    const std::size_t m_max_keys;
    std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

}  // namespace web
