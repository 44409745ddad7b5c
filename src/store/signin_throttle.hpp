// SigninThrottle: the limits on guessing passwords (issue 16) — failed
// sign-ins counted per key (an account as typed, "bureau:anna.norrsken" or
// "staff:stina", and a client address, "ip:127.0.0.1"), kept in the store
// (table signin_failures, migration 031) so they hold across restarts and
// across several `serve` processes on one store.
//
// The rule (SigninPolicy): a key may fail `failures` times within `window`
// freely; the failure that reaches that count, and every further one, makes
// the key wait before its next attempt: 1 s, then 2, 4, 8 … seconds, at most
// `max_delay`. A key that waited out its delay and then stayed quiet for
// `max_delay` more starts afresh, as does one with fewer failures than the
// count whose window has passed. A successful sign-in forgets its account's
// key (never the address's: one valid account must not reset a spray).
//
// Cost: checking reads one row per key by primary key; only a failure writes
// (one transaction: the keys, the event, and a prune of stale rows through an
// index), and a success deletes its account's row.
//
// Owns: nothing but its policy; the rows are the store's.
// Thread-safety: as its Connection (one per thread); the functions without a
// connection are pure.
#pragma once

#include "core/clock.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace store {

struct SigninPolicy {
    int failures = 5;                      // failures within `window` before the first delay (>= 1)
    std::chrono::seconds window{60};       // (>= 1 s)
    std::chrono::seconds max_delay{900};   // the longest delay (>= 1 s)
};

// The state of one key. Times: milliseconds since the Unix epoch.
struct SigninCounter {
    int failures = 0;
    std::int64_t first_ms = 0;         // the first failure counted
    std::int64_t last_ms = 0;          // the latest failure
    std::int64_t locked_until_ms = 0;  // no attempt before this (0: none)
};

// The counter after one more failure at `now_ms` (`c`: the stored one, if
// any; a stale one is started afresh).
SigninCounter after_failure(const SigninPolicy& p, const std::optional<SigninCounter>& c, std::int64_t now_ms);
// True when `c` no longer counts at `now_ms` (see the rule above).
bool is_stale(const SigninPolicy& p, const SigninCounter& c, std::int64_t now_ms);
// Whole seconds, rounded up, until `c` may try again; 0: now.
int wait_seconds(const SigninCounter& c, std::int64_t now_ms);

// What a failed sign-in records in the event log (entity "bureau_user" or
// "staff_user", action "signin_failed", actor "web:ADDRESS").
struct FailedSignin {
    std::string entity;              // "bureau_user" or "staff_user"
    std::optional<Id> user_id;       // when the name is an active user's
    std::string username;            // as typed, already made safe (see web/signin)
    std::string client_ip;
};

class SigninThrottle {
public:
    SigninThrottle(Connection& c, const core::Clock& clock, SigninPolicy p) : m_c(c), m_clock(clock), m_p(p) {}

    // Seconds until every one of `keys` may try again (the longest wait); 0: now.
    int wait_seconds(const std::vector<std::string>& keys) const;
    // Counts one failure against each key and appends the event; one
    // transaction (the caller's connection must not be in one). Returns the
    // wait that now applies (0 when the attempts are still free).
    int record_failure(const std::vector<std::string>& keys, const FailedSignin& what);
    // Forgets a key (its account signed in).
    void forget(const std::string& key);
    // The stored counter of a key (tests, diagnostics).
    std::optional<SigninCounter> counter(const std::string& key) const;

private:
    std::int64_t now_ms() const;
    Connection& m_c;
    const core::Clock& m_clock;
    SigninPolicy m_p;
};

}  // namespace store
