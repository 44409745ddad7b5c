// Liveness (issue 19): is the pipeline alive and keeping up, and does the
// installation have room to work? The writing side is HeartbeatWriter (the
// watcher's and batch's store row, store::HeartbeatRepo); the reading side
// is a few health checks and gauges that `health`, GET /healthz and /metrics
// share:
//   heartbeat   the watcher's beat age; with a watcher required, a beat older
//               than health.watch_stale_seconds fails ("watcher pid N last
//               beat X s ago (hung?)") — a SIGSTOPped watcher still holds the
//               lock but stops beating (no row yet: left to the pipeline check);
//   backlog     files waiting in paths.inbox and the oldest one's age (read
//               from the folder, so right even when no watcher runs);
//   last_batch  when the last `batch` ended and how;
//   free_space  the file systems of home, store and inbox against
//               health.min_free_mb;
//   quick_check PRAGMA quick_check (health --deep).
// No check throws: a failure is a HealthCheck with ok=false and one line
// saying what, where and what to do.
//
// Thread-safety: the functions are reentrant. A HeartbeatWriter is called
// from one thread; it owns a beat thread of its own.
#pragma once

#include "core/clock.hpp"
#include "core/log.hpp"
#include "obs/health.hpp"
#include "obs/metrics.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace obs {

struct Backlog {
    std::int64_t files = 0;                     // regular, not hidden files directly in the inbox
    std::optional<double> oldest_age_seconds;   // by mtime; none when empty
};
// Never throws: an unreadable folder counts as empty.
Backlog inbox_backlog(const std::filesystem::path& inbox, core::TimePoint now);

// `required`: a watcher must run (health --require-watch, health.require_watch).
HealthCheck check_heartbeat(store::Connection& c, bool required, std::chrono::seconds stale, core::TimePoint now);
HealthCheck check_backlog(const std::filesystem::path& inbox, core::TimePoint now);
// Information only (ok unless the store cannot be read).
HealthCheck check_last_batch(store::Connection& c, core::TimePoint now);
// One check per distinct file system of `paths` (a missing path is looked up
// through its nearest existing parent); fails below `min_free_mb` MiB
// available to unprivileged users. min_free_mb 0: always ok.
HealthCheck check_free_space(const std::vector<std::filesystem::path>& paths, std::int64_t min_free_mb);
// Opens the store and runs PRAGMA quick_check; a damaged store fails with a
// hint to restore a backup.
HealthCheck check_quick_check(const store::StoreConfig& config);

// Gauges: linkage_watch_heartbeat_age_seconds, linkage_watch_up,
// linkage_watch_last_pass_ok, linkage_watch_files_processed,
// linkage_inbox_backlog_files, linkage_inbox_oldest_file_age_seconds,
// linkage_last_batch_timestamp_seconds, linkage_last_batch_ok. A heartbeat
// gauge is absent while no watcher ever beat; -1 for "none" elsewhere.
void collect_liveness_metrics(Registry& r, store::Connection& c, const std::filesystem::path& inbox,
                              core::TimePoint now);

// The writing side. Writes the role's row at construction, after every pass
// (after_pass: result, files, backlog; and logs a wall-clock jump since the
// previous pass), and beat_at from its own thread every `beat_every` so a
// long pass does not look hung. A store error is logged (warning
// heartbeat.write_failed), never thrown: liveness must not stop the work.
class HeartbeatWriter {
public:
    // role: "watch" or "batch" (batch: no beat thread).
    HeartbeatWriter(store::StoreConfig store, std::string role, std::filesystem::path inbox, const core::Clock& clock,
                    std::chrono::milliseconds beat_every, const core::Logger& log);
    ~HeartbeatWriter();
    HeartbeatWriter(const HeartbeatWriter&) = delete;
    HeartbeatWriter& operator=(const HeartbeatWriter&) = delete;
    // `error` empty: the pass went well. `files_processed`: since start.
    void after_pass(std::int64_t files_processed, const std::string& error);

private:
    void write(const std::optional<std::string>& result);
    void beat_loop();
    store::StoreConfig m_store;
    std::string m_role;
    std::filesystem::path m_inbox;
    const core::Clock& m_clock;
    std::chrono::milliseconds m_every;
    const core::Logger& m_log;
    std::string m_started_at;
    std::string m_host;
    std::int64_t m_files = 0;
    std::optional<std::string> m_last_pass_at;
    core::ClockJumpDetector m_jumps;
    std::mutex m_mutex;  // the connection, shared with the beat thread
    std::unique_ptr<store::Connection> m_conn;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace obs
