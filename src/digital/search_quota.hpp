// SearchQuota: how many client searches each bureau user made today (issue
// 16, "less to harvest"): Desk::search refuses beyond the daily quota.
//
// Owns: one counter per user for the current day, in memory (a restart
// forgets them, like web::RateLimiter; the quota stops one signed-in user
// walking the directory, not a flood, which a proxy in front must handle).
// Counters of an earlier day are dropped when the day changes, so memory is
// bounded by the users who searched today. The check is one map lookup under
// a mutex: cheap enough for thousands of searches a second.
//
// Thread-safety: every member function may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace digital {

class SearchQuota {
public:
    // allowed; refused_first: the first refusal of the day for the user (the
    // one to log); refused: refused again.
    enum class Outcome { allowed, refused_first, refused };
    // Counts one search by `user_id` on `day` (days since the epoch, UTC)
    // against `per_day` (0: no quota).
    Outcome take(std::int64_t user_id, std::int64_t day, int per_day) {
        if (per_day <= 0) return Outcome::allowed;
        std::lock_guard lock(m_mutex);
        if (day != m_day) {
            m_counts.clear();
            m_day = day;
        }
        int& n = m_counts[user_id];
        if (n > per_day) return Outcome::refused;
        ++n;
        return n > per_day ? Outcome::refused_first : Outcome::allowed;
    }

private:
    std::mutex m_mutex;
    std::int64_t m_day = -1;
    std::unordered_map<std::int64_t, int> m_counts;
};

}  // namespace digital
