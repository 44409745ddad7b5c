#include "obs/liveness.hpp"

#include "store/heartbeat_repo.hpp"

#include <signal.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace obs {

namespace fs = std::filesystem;

namespace {

std::string seconds_text(double s) { return std::to_string(static_cast<long long>(std::llround(s))); }

std::optional<double> age_of(const std::optional<std::string>& at, core::TimePoint now) {
    if (!at) return std::nullopt;
    try {
        return std::chrono::duration<double>(now - core::parse_utc(*at)).count();
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

std::string this_host() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

// The watcher's row names a process of this host that no longer exists.
bool gone(const store::Heartbeat& h) {
    if (h.host != this_host() || h.pid <= 0) return false;
    return ::kill(static_cast<pid_t>(h.pid), 0) != 0 && errno == ESRCH;
}

fs::path existing(fs::path p) {
    std::error_code ec;
    while (!p.empty() && !fs::exists(p, ec)) {
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    return p.empty() ? fs::path(".") : p;
}

}  // namespace

Backlog inbox_backlog(const fs::path& inbox, core::TimePoint now) {
    Backlog b;
    std::error_code ec;
    std::optional<std::int64_t> oldest;  // mtime, seconds since the epoch
    for (fs::directory_iterator it(inbox, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;  // temp and probe files
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        ++b.files;
        if (!oldest || st.st_mtime < *oldest) oldest = st.st_mtime;
    }
    if (oldest) {
        const auto mtime = core::TimePoint(std::chrono::seconds(*oldest));
        b.oldest_age_seconds = std::max(0.0, std::chrono::duration<double>(now - mtime).count());
    }
    return b;
}

HealthCheck check_heartbeat(store::Connection& c, bool required, std::chrono::seconds stale, core::TimePoint now) {
    try {
        auto h = store::HeartbeatRepo(c).get("watch");
        // No row yet (a store from before heartbeats, or only batch runs):
        // whether a watcher runs is the pipeline check's to say.
        if (!h) return {"heartbeat", true, "no watcher has written a heartbeat to the store yet"};
        const double age = age_of(h->beat_at, now).value_or(1e9);
        const std::string who = "watcher pid " + std::to_string(h->pid) + " on " + h->host;
        std::string detail = who + " last beat " + seconds_text(age) + " s ago";
        if (h->last_pass_at)
            detail += ", last pass " + seconds_text(age_of(h->last_pass_at, now).value_or(0)) + " s ago (" +
                      h->last_pass_result.value_or("?") + ")";
        if (gone(*h)) {
            return {"heartbeat", !required,
                    who + " is no longer running (last beat " + seconds_text(age) + " s ago)" +
                        (required ? ": start 'linkage watch' again" : "")};
        }
        if (age > static_cast<double>(stale.count()) && required)
            return {"heartbeat", false,
                    "watcher pid " + std::to_string(h->pid) + " last beat " + seconds_text(age) +
                        " s ago (hung?): more than health.watch_stale_seconds = " + std::to_string(stale.count()) +
                        "; look at it (stopped? blocked on the store?) and restart 'linkage watch'"};
        return {"heartbeat", true, detail};
    } catch (const std::exception& e) {
        return {"heartbeat", !required, std::string("cannot read the heartbeat from the store: ") + e.what()};
    }
}

HealthCheck check_backlog(const fs::path& inbox, core::TimePoint now) {
    auto b = inbox_backlog(inbox, now);
    std::string detail = std::to_string(b.files) + " file(s) waiting in " + inbox.string();
    if (b.oldest_age_seconds) detail += ", the oldest for " + seconds_text(*b.oldest_age_seconds) + " s";
    return {"backlog", true, detail};
}

HealthCheck check_last_batch(store::Connection& c, core::TimePoint now) {
    try {
        auto h = store::HeartbeatRepo(c).get("batch");
        if (!h || !h->last_pass_at) return {"last_batch", true, "no batch has run yet"};
        return {"last_batch", true,
                "ended " + *h->last_pass_at + " (" + seconds_text(age_of(h->last_pass_at, now).value_or(0)) +
                    " s ago): " + h->last_pass_result.value_or("?") + ", " + std::to_string(h->files_processed) +
                    " file(s)"};
    } catch (const std::exception& e) {
        return {"last_batch", false, std::string("cannot read the last batch from the store: ") + e.what()};
    }
}

HealthCheck check_free_space(const std::vector<fs::path>& paths, std::int64_t min_free_mb) {
    std::vector<unsigned long> seen;
    std::string details;
    for (auto& p : paths) {
        const fs::path at = existing(p);
        struct statvfs v {};
        if (::statvfs(at.c_str(), &v) != 0)
            return {"free_space", false, "cannot read the free space of " + at.string() + " (" + std::strerror(errno) + ")"};
        if (std::find(seen.begin(), seen.end(), v.f_fsid) != seen.end()) continue;
        seen.push_back(v.f_fsid);
        const std::int64_t free_mb =
            static_cast<std::int64_t>((static_cast<unsigned long long>(v.f_bavail) * v.f_frsize) >> 20);
        if (free_mb < min_free_mb)
            return {"free_space", false,
                    "only " + std::to_string(free_mb) + " MB free on the file system of " + p.string() +
                        " (health.min_free_mb = " + std::to_string(min_free_mb) +
                        "): free space there (old reports, archive, backups) or move it to a larger volume"};
        if (!details.empty()) details += ", ";
        details += std::to_string(free_mb) + " MB on " + p.string();
    }
    return {"free_space", true, details + " (at least " + std::to_string(min_free_mb) + " MB)"};
}

HealthCheck check_quick_check(const store::StoreConfig& config) {
    const std::string hint = ": the store is damaged; stop batch/watch/serve and restore the latest backup "
                             "('linkage restore FILE' into an empty home)";
    try {
        if (config.url.rfind("sqlite:", 0) == 0 && !fs::exists(config.url.substr(7)))
            return {"quick_check", false, config.url + ": the store file does not exist (run 'linkage init')"};
        auto c = store::open_store(config);
        auto q = c->prepare("PRAGMA quick_check");
        std::string first;
        int problems = 0;
        while (q->step()) {
            std::string line = q->get_text(0);
            if (line == "ok") continue;
            if (first.empty()) first = line;
            ++problems;
        }
        if (problems == 0) return {"quick_check", true, "PRAGMA quick_check: ok"};
        return {"quick_check", false,
                "PRAGMA quick_check found " + std::to_string(problems) + " problem(s), first: " + first + hint};
    } catch (const std::exception& e) {
        return {"quick_check", false, std::string("PRAGMA quick_check failed: ") + e.what() + hint};
    }
}

void collect_liveness_metrics(Registry& r, store::Connection& c, const fs::path& inbox, core::TimePoint now) {
    auto b = inbox_backlog(inbox, now);
    r.gauge("linkage_inbox_backlog_files", "Files waiting in the inbox").set(static_cast<double>(b.files));
    r.gauge("linkage_inbox_oldest_file_age_seconds", "Age of the oldest file waiting in the inbox (0: none)")
        .set(b.oldest_age_seconds.value_or(0));
    store::HeartbeatRepo beats(c);
    if (auto h = beats.get("watch")) {
        r.gauge("linkage_watch_heartbeat_age_seconds", "Seconds since the watcher last wrote its heartbeat")
            .set(age_of(h->beat_at, now).value_or(-1));
        r.gauge("linkage_watch_up", "1 while the watcher's process exists (this host) or cannot be checked")
            .set(gone(*h) ? 0 : 1);
        r.gauge("linkage_watch_last_pass_ok", "1 when the watcher's last pass ended well")
            .set(h->last_pass_result && *h->last_pass_result == "ok" ? 1 : 0);
        r.gauge("linkage_watch_files_processed", "Files the running watcher processed since it started")
            .set(static_cast<double>(h->files_processed));
    }
    auto batch = beats.get("batch");
    double at = -1;
    if (batch && batch->last_pass_at) try {
            at = static_cast<double>(
                std::chrono::duration_cast<std::chrono::seconds>(core::parse_utc(*batch->last_pass_at).time_since_epoch())
                    .count());
        } catch (const std::invalid_argument&) {
        }
    r.gauge("linkage_last_batch_timestamp_seconds", "When the last batch ended (Unix time; -1: never)").set(at);
    r.gauge("linkage_last_batch_ok", "1 when the last batch ended well")
        .set(batch && batch->last_pass_result && *batch->last_pass_result == "ok" ? 1 : 0);
}

HeartbeatWriter::HeartbeatWriter(store::StoreConfig store, std::string role, fs::path inbox, const core::Clock& clock,
                                 std::chrono::milliseconds beat_every, const core::Logger& log)
    : m_store(std::move(store)), m_role(std::move(role)), m_inbox(std::move(inbox)), m_clock(clock),
      m_every(beat_every), m_log(log), m_started_at(core::format_utc(clock.now())), m_host(this_host()) {
    m_jumps.check(clock.now(), std::chrono::steady_clock::now());
    if (m_role == "watch") {
        write(std::nullopt);
        m_thread = std::thread([this] { beat_loop(); });
    }
}

HeartbeatWriter::~HeartbeatWriter() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void HeartbeatWriter::after_pass(std::int64_t files_processed, const std::string& error) {
    m_jumps.check_and_log(m_clock, m_log, m_role);
    std::lock_guard lock(m_mutex);
    m_files = files_processed;
    m_last_pass_at = core::format_utc(m_clock.now());
    write(error.empty() ? std::string("ok") : error.substr(0, 500));
}

// Precondition: m_mutex held, or the constructor (no thread yet).
void HeartbeatWriter::write(const std::optional<std::string>& result) {
    try {
        if (!m_conn) m_conn = store::open_store(m_store);
        store::Heartbeat h;
        h.role = m_role;
        h.pid = ::getpid();
        h.host = m_host;
        h.started_at = m_started_at;
        h.beat_at = core::format_utc(m_clock.now());
        h.last_pass_at = m_last_pass_at;
        h.last_pass_result = result;
        h.files_processed = m_files;
        h.inbox_backlog = inbox_backlog(m_inbox, m_clock.now()).files;
        store::HeartbeatRepo(*m_conn).put(h);
    } catch (const std::exception& e) {
        m_conn.reset();
        m_log.warning("heartbeat.write_failed").kv("role", m_role).kv("error", e.what());
    }
}

void HeartbeatWriter::beat_loop() {
    std::unique_lock lock(m_mutex);
    while (!m_cv.wait_for(lock, m_every, [this] { return m_stop; })) {
        try {
            if (!m_conn) m_conn = store::open_store(m_store);
            store::HeartbeatRepo(*m_conn).beat(m_role, ::getpid(), core::format_utc(m_clock.now()));
        } catch (const std::exception& e) {
            m_conn.reset();
            m_log.warning("heartbeat.write_failed").kv("role", m_role).kv("error", e.what());
        }
    }
}

}  // namespace obs
