// Health: can this installation do its work right now? Checks the store
// (reachable and answering SELECT 1), the inbox (a file can be created and
// removed there), whether a batch/watch process holds the pipeline lock, and
// (issue 19, obs/liveness.hpp) the watcher's heartbeat, the inbox backlog,
// the last batch, free space and, when deep, PRAGMA quick_check. GET /healthz
// and `linkage health` are thin wrappers.
//
// Owns nothing; each call opens what it checks and closes it again. No check
// throws: a failure is a HealthCheck with ok=false and a one-line detail.
// Thread-safety: the functions are reentrant; call them from any thread.
#pragma once

#include "config/settings.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace obs {

struct HealthCheck {
    std::string name;    // "store", "inbox", "pipeline"
    bool ok = false;
    std::string detail;  // one line, no personal data
    // Works, but needs a person (e.g. mail is failing and being retried): the
    // report says "warn"; ok() stays true (GET /healthz 200, `health` exit 0).
    bool warn = false;
};

struct HealthReport {
    std::vector<HealthCheck> checks;
    bool ok() const;
    // "fail" when a check failed, else "warn" when one warns, else "ok".
    std::string status() const;
    // "ok\n", "warn\n" or "fail\n", then one line per check: "store ok sqlite:/var/…"
    // ("mail WARN …" for a warning).
    std::string text() const;
    // {"status":"ok","checks":[{"name":"store","ok":true,"detail":"…"},…]}
    std::string json() const;
};

struct HealthTargets {
    store::StoreConfig store;
    std::filesystem::path inbox;
    std::filesystem::path home;     // the state directory batch/watch hold locked
    bool require_pipeline = false;  // true: no batch/watch holding the lock is a failure
                                    // (and a stale or missing watcher heartbeat)
    std::chrono::seconds watch_stale{60};  // health.watch_stale_seconds
    std::int64_t min_free_mb = 0;          // health.min_free_mb (0: not checked)
    bool deep = false;                     // PRAGMA quick_check too (health --deep)
};

// store.url (else sqlite:<home>/linkage.db), paths.inbox, home and the
// health.* keys (require_watch, watch_stale_seconds, min_free_mb) from the
// settings; a short busy timeout so a health probe never hangs.
HealthTargets health_targets(const config::Settings& settings);

HealthReport check_health(const HealthTargets& targets);

// SELECT 1 on an open connection (the caller's own, e.g. a server thread's).
HealthCheck check_store(store::Connection& c);
// Opens the store (an SQLite file must already exist: a probe never creates
// one), runs SELECT 1, closes it.
HealthCheck check_store(const store::StoreConfig& config);
// The mail queue (issue 17): ok while nothing fails; a warning while messages
// are being retried (the relay refuses or cannot be reached: approval links do
// not reach the administrators) with how many, since when and the last error;
// permanently failed messages are counted in the detail.
HealthCheck check_mail(store::Connection& c);
// Creates, fsyncs and removes a probe file in `dir`.
HealthCheck check_writable(const std::string& name, const std::filesystem::path& dir);
// Reads /proc/locks (never takes the lock, so it cannot make a starting
// batch exit 7): ok with "held by pid N" or, unless required, "not running".
HealthCheck check_pipeline(const std::filesystem::path& home, bool required);

}  // namespace obs
