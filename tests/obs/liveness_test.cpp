#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "obs/liveness.hpp"
#include "store/heartbeat_repo.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <unistd.h>

#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

store::Heartbeat beat_at(const std::string& at) {
    store::Heartbeat h;
    h.role = "watch";
    h.pid = ::getpid();
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    h.host = host;
    h.started_at = at;
    h.beat_at = at;
    return h;
}

// Polls `linkage health --require-watch` until its exit code is `want` (at most `limit`).
test_support::RunResult health_until(const fs::path& home, int want, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    test_support::RunResult r;
    do {
        r = test_support::run_linkage({"--home", home.string(), "health", "--require-watch"}, {},
                                      {"LINKAGE_HEALTH_WATCH_STALE_SECONDS=3"});
        if (r.exit_code == want) return r;
        std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < end);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(liveness)

BOOST_AUTO_TEST_CASE(a_stale_heartbeat_fails_only_when_a_watcher_is_required) {
    test_support::TempDir home;
    auto c = test_support::open_test_store(home.path());
    const auto now = core::parse_utc("2026-11-26T12:00:00Z");
    store::HeartbeatRepo(*c).put(beat_at("2026-11-26T11:59:00Z"));
    auto hung = obs::check_heartbeat(*c, true, 30s, now);
    BOOST_TEST(!hung.ok);
    BOOST_TEST(hung.detail.starts_with("watcher pid " + std::to_string(::getpid()) + " last beat 60 s ago (hung?)"),
               hung.detail);
    BOOST_TEST(obs::check_heartbeat(*c, false, 30s, now).ok);
    BOOST_TEST(obs::check_heartbeat(*c, true, 120s, now).ok);
}

BOOST_AUTO_TEST_CASE(backlog_counts_inbox_files_and_the_oldest_age) {
    test_support::TempDir home;
    const fs::path inbox = home.path() / "inbox";
    fs::create_directory(inbox);
    test_support::write_file(inbox / "a.pdf", "x");
    test_support::write_file(inbox / "b.tif", "y");
    test_support::write_file(inbox / ".partial", "z");  // hidden temp files are not waiting scans
    fs::last_write_time(inbox / "a.pdf", fs::file_time_type::clock::now() - 600s);
    auto b = obs::inbox_backlog(inbox, std::chrono::system_clock::now());
    BOOST_TEST(b.files == 2);
    BOOST_TEST(b.oldest_age_seconds.value_or(0) >= 599.0);
    BOOST_TEST(b.oldest_age_seconds.value_or(0) < 700.0);
}

BOOST_AUTO_TEST_CASE(liveness_metrics_have_heartbeat_age_and_backlog) {
    test_support::TempDir home;
    auto c = test_support::open_test_store(home.path());
    fs::create_directory(home.path() / "inbox");
    test_support::write_file(home.path() / "inbox" / "scan.pdf", "x");
    store::HeartbeatRepo(*c).put(beat_at("2026-11-26T11:59:50Z"));
    obs::Registry r;
    obs::collect_liveness_metrics(r, *c, home.path() / "inbox", core::parse_utc("2026-11-26T12:00:00Z"));
    const std::string text = r.render();
    BOOST_TEST(text.find("linkage_watch_heartbeat_age_seconds 10\n") != std::string::npos, text);
    BOOST_TEST(text.find("linkage_inbox_backlog_files 1\n") != std::string::npos, text);
    BOOST_TEST(text.find("linkage_inbox_oldest_file_age_seconds ") != std::string::npos, text);
    BOOST_TEST(text.find("linkage_last_batch_timestamp_seconds -1\n") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(a_clock_jump_between_passes_is_logged_with_its_size) {
    test_support::TempDir home;
    test_support::open_test_store(home.path());
    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::info, [&](std::string_view l) { lines.emplace_back(l); });
    core::ManualClock clock(core::parse_utc("2031-11-26T12:00:00Z"));
    store::StoreConfig cfg;
    cfg.url = store::default_store_url(home.path());
    obs::HeartbeatWriter writer(cfg, "batch", home.path() / "inbox", clock, 1s, log);
    writer.after_pass(0, "");
    BOOST_TEST(lines.empty());
    clock.set(core::parse_utc("2026-11-26T12:00:00Z"));  // corrected: 5 years back
    writer.after_pass(0, "");
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].find("event=clock.jump") != std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("jump_seconds=-157766400") != std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("direction=back") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_CASE(free_space_below_the_threshold_names_the_path) {
    test_support::TempDir home;
    auto ok = obs::check_free_space({home.path()}, 1);
    BOOST_TEST(ok.ok, ok.detail);
    auto r = test_support::run_linkage({"--home", (home.path() / "h").string(), "init"});
    BOOST_REQUIRE(r.exit_code == 0);
    auto low = test_support::run_linkage({"--home", (home.path() / "h").string(), "health"}, {},
                                         {"LINKAGE_HEALTH_MIN_FREE_MB=100000000"});
    BOOST_TEST(low.exit_code == 5);
    BOOST_TEST(low.out.find("free_space FAIL only ") != std::string::npos, low.out);
    BOOST_TEST(low.out.find(" MB free on the file system of " + (home.path() / "h").string() +
                            " (health.min_free_mb = 100000000): free space") != std::string::npos,
               low.out);
}

BOOST_AUTO_TEST_CASE(deep_health_fails_on_a_damaged_store_with_a_restore_hint) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "h";
    BOOST_REQUIRE(test_support::run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    BOOST_TEST(test_support::run_linkage({"--home", home.string(), "health", "--deep"}).exit_code == 0);
    const fs::path db = home / "linkage.db";
    const auto size = fs::file_size(db);
    {
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size / 2 - 2048));
        std::string noise(4096, '\0');
        unsigned x = 12345;
        for (auto& ch : noise) ch = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
        f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
    }
    auto r = test_support::run_linkage({"--home", home.string(), "health", "--deep"});
    BOOST_TEST(r.exit_code == 5);
    BOOST_TEST(r.out.find("quick_check FAIL") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("restore the latest backup") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_stopped_watcher_fails_require_watch_and_recovers) {
    test_support::TempDir dir;
    const fs::path home = dir.path() / "h";
    BOOST_REQUIRE(test_support::run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    test_support::ChildProcess watch({test_support::linkage_bin().string(), "--home", home.string(), "watch",
                                      "--no-progress"},
                                     dir.path() / "w.out", dir.path() / "w.err",
                                     {"LINKAGE_HEALTH_WATCH_STALE_SECONDS=3"});
    BOOST_REQUIRE(health_until(home, 0, 10s).exit_code == 0);
    watch.signal(SIGSTOP);
    const auto stopped = std::chrono::steady_clock::now();
    auto hung = health_until(home, 5, 8s);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count();
    BOOST_TEST(hung.exit_code == 5);
    BOOST_TEST(took < 6.0);
    BOOST_TEST(hung.out.find("heartbeat FAIL watcher pid " + std::to_string(watch.pid()) + " last beat ") !=
                   std::string::npos,
               hung.out);
    BOOST_TEST(hung.out.find("(hung?)") != std::string::npos, hung.out);
    watch.signal(SIGCONT);
    auto again = health_until(home, 0, 6s);
    BOOST_TEST(again.exit_code == 0, again.out);
    watch.signal(SIGTERM);
    BOOST_TEST(watch.wait_for(10s));
}

BOOST_AUTO_TEST_SUITE_END()
