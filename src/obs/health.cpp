#include "obs/health.hpp"

#include "obs/liveness.hpp"
#include "store/heartbeat_repo.hpp"
#include "store/mail_queue.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace obs {

namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

// The store URL as a health line may show it: never credentials.
std::string shown_url(const std::string& url) {
    auto at = url.find('@');
    auto scheme = url.find("://");
    if (at != std::string::npos && scheme != std::string::npos && at > scheme)
        return url.substr(0, scheme + 3) + "***" + url.substr(at);
    return url;
}

}  // namespace

bool HealthReport::ok() const {
    for (auto& c : checks)
        if (!c.ok) return false;
    return true;
}

std::string HealthReport::status() const {
    if (!ok()) return "fail";
    for (auto& c : checks)
        if (c.warn) return "warn";
    return "ok";
}

std::string HealthReport::text() const {
    std::string out = status() + "\n";
    for (auto& c : checks) out += c.name + " " + (!c.ok ? "FAIL" : c.warn ? "WARN" : "ok") + " " + c.detail + "\n";
    return out;
}

std::string HealthReport::json() const {
    std::string out = "{\"status\":" + json_string(status()) + ",\"checks\":[";
    for (std::size_t i = 0; i < checks.size(); ++i) {
        if (i) out += ',';
        out += "{\"name\":" + json_string(checks[i].name) + ",\"ok\":" + (checks[i].ok ? "true" : "false") +
               (checks[i].warn ? ",\"warn\":true" : "") + ",\"detail\":" + json_string(checks[i].detail) + "}";
    }
    return out + "]}";
}

namespace {

// Set-up B (no watcher, a nightly batch): a batch that has not run for more
// than a day and a half while nothing holds the pipeline lock means the cron
// job is missing or broken — files wait in the inbox unseen.
void warn_when_no_pipeline_ran(HealthCheck& last_batch, store::Connection& c, bool pipeline_running,
                               core::TimePoint now) {
    if (!last_batch.ok || pipeline_running) return;
    try {
        auto batch = store::HeartbeatRepo(c).get("batch");
        auto watch = store::HeartbeatRepo(c).get("watch");
        if (!batch || !batch->last_pass_at) return;  // never ran: a watcher installation, or a new one
        if (watch && watch->beat_at > *batch->last_pass_at) return;  // a watcher took over since
        const auto age = now - core::parse_utc(*batch->last_pass_at);
        if (age < std::chrono::hours(36)) return;
        last_batch.warn = true;
        last_batch.detail += "; no batch for more than 36 h and no watcher runs: is the nightly batch in "
                             "/etc/cron.d/linkage (docs/operations.md)?";
    } catch (const std::exception&) {
        // an unreadable time: check_last_batch said what it could
    }
}

}  // namespace

HealthCheck check_mail(store::Connection& c) {
    try {
        const auto st = store::MailQueue(c).status();
        std::string detail = std::to_string(st.queued) + " queued, " + std::to_string(st.retrying) + " retrying, " +
                             std::to_string(st.failed) + " failed (never retried), " + std::to_string(st.sent) +
                             " sent";
        if (st.retrying > 0) {
            detail = "mail is failing: " + detail;
            if (st.oldest_queued_at) detail += "; oldest queued " + *st.oldest_queued_at;
            if (st.next_attempt_at) detail += "; next attempt " + *st.next_attempt_at;
        }
        std::string error;
        for (char ch : st.last_error.value_or(""))  // one line, whatever the relay answered
            error.push_back(static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch);
        if (error.size() > 200) error = error.substr(0, 200) + "…";
        if ((st.retrying > 0 || st.failed > 0) && !error.empty()) detail += "; last error: " + error;
        if (st.retrying > 0 || st.failed > 0) detail += " (linkage mail status)";
        HealthCheck r{"mail", true, detail};
        r.warn = st.retrying > 0;
        return r;
    } catch (const std::exception& e) {
        return {"mail", false, std::string("cannot read the mail queue from the store: ") + e.what()};
    }
}

HealthTargets health_targets(const config::Settings& s) {
    HealthTargets t;
    std::string url = s.get("store.url");
    t.store.url = url.empty() ? store::default_store_url(s.home()) : url;
    t.store.busy_timeout_ms = 2000;
    t.inbox = s.get_path("paths.inbox");
    t.home = s.home();
    t.require_pipeline = s.get_bool("health.require_watch");
    t.watch_stale = std::chrono::seconds(s.get_int("health.watch_stale_seconds", 1, 86400));
    t.min_free_mb = s.get_int("health.min_free_mb", 0, 1000000000);
    return t;
}

HealthCheck check_store(store::Connection& c) {
    try {
        auto q = c.prepare("SELECT 1");
        if (q->step() && q->get_int(0) == 1) return {"store", true, "SELECT 1 answered"};
        return {"store", false, "SELECT 1 returned no row"};
    } catch (const std::exception& e) {
        return {"store", false, e.what()};
    }
}

HealthCheck check_store(const store::StoreConfig& config) {
    const std::string shown = shown_url(config.url);
    try {
        if (config.url.rfind("sqlite:", 0) == 0) {
            std::filesystem::path file = config.url.substr(7);
            if (!std::filesystem::exists(file))
                return {"store", false, shown + ": the store file does not exist (run 'linkage init')"};
        }
        auto c = store::open_store(config);
        HealthCheck r = check_store(*c);
        r.detail = shown + (r.ok ? "" : ": " + r.detail);
        return r;
    } catch (const std::exception& e) {
        return {"store", false, shown + ": " + e.what()};
    }
}

HealthCheck check_writable(const std::string& name, const std::filesystem::path& dir) {
    std::filesystem::path probe = dir / (".health-probe-" + std::to_string(::getpid()));
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return {name, false, dir.string() + ": cannot create a file (" + std::strerror(errno) + ")"};
    bool ok = ::write(fd, "ok\n", 3) == 3 && ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!ok) return {name, false, dir.string() + ": cannot write (" + std::strerror(err) + ")"};
    return {name, true, dir.string() + " writable"};
}

HealthCheck check_pipeline(const std::filesystem::path& home, bool required) {
    // batch and watch flock the state directory itself (cli::HomeLock).
    struct stat st {};
    const char* idle = "no batch or watch holds the pipeline lock";
    if (::stat(home.c_str(), &st) != 0) return {"pipeline", !required, idle};
    // Matched by inode only: on overlay file systems the device /proc/locks
    // shows is not the one stat() reports.
    const std::string inode = ":" + std::to_string(static_cast<unsigned long long>(st.st_ino));
    std::ifstream locks("/proc/locks");
    if (!locks) return {"pipeline", !required, "cannot read /proc/locks"};
    std::string line;
    while (std::getline(locks, line)) {
        // "1: FLOCK  ADVISORY  WRITE 4242 fe:01:1234 0 EOF"; waiters have "->".
        std::istringstream in(line);
        std::string id, type, advisory, mode, pid, where;
        in >> id >> type;
        if (type == "->") continue;
        in >> advisory >> mode >> pid >> where;
        if (type == "FLOCK" && where.ends_with(inode)) return {"pipeline", true, "batch or watch running (pid " + pid + ")"};
    }
    return {"pipeline", !required, idle};
}

HealthReport check_health(const HealthTargets& t) {
    HealthReport r;
    r.checks.push_back(check_store(t.store));
    r.checks.push_back(check_writable("inbox", t.inbox));
    r.checks.push_back(check_pipeline(t.home, t.require_pipeline));
    const auto now = std::chrono::system_clock::now();
    if (r.checks.front().ok) {
        try {
            auto c = store::open_store(t.store);
            r.checks.push_back(check_heartbeat(*c, t.require_pipeline, t.watch_stale, now));
            r.checks.push_back(check_last_batch(*c, now));
            warn_when_no_pipeline_ran(r.checks.back(), *c, r.checks[2].ok && r.checks[2].detail.rfind("batch or watch running", 0) == 0, now);
            r.checks.push_back(check_mail(*c));
        } catch (const std::exception& e) {
            r.checks.push_back({"heartbeat", !t.require_pipeline, std::string("cannot open the store: ") + e.what()});
        }
    }
    r.checks.push_back(check_backlog(t.inbox, now));
    std::vector<std::filesystem::path> places{t.home};
    if (t.store.url.rfind("sqlite:", 0) == 0) places.push_back(std::filesystem::path(t.store.url.substr(7)).parent_path());
    places.push_back(t.inbox);
    r.checks.push_back(check_free_space(places, t.min_free_mb));
    if (t.deep) r.checks.push_back(check_quick_check(t.store));
    return r;
}

}  // namespace obs
