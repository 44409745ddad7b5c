#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

// The children of every thread of `pid` (a child forked by any thread counts).
std::vector<int> children_of(int pid) {
    std::vector<int> out;
    std::error_code ec;
    for (auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(t.path() / "children");
        int c;
        while (in >> c) out.push_back(c);
    }
    return out;
}

struct Home {
    test_support::TempDir dir;
    std::string home = (dir.path() / "home").string();
    Home() {
        BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
        BOOST_TEST_REQUIRE(run_linkage({"--home", home, "registry", "import",
                                        (test_support::source_dir() / "data/sample-registry.json").string()})
                               .exit_code == 0);
        int i = 0;
        for (auto& e : fs::directory_iterator(test_support::source_dir() / "data/sample-scans")) {
            if (e.path().extension() == ".json" || e.path().filename().string().find("copy") != std::string::npos) continue;
            auto target = fs::path(home) / "inbox" / e.path().filename();
            fs::copy_file(e.path(), target);
            fs::last_write_time(target, fs::file_time_type::clock::now() - std::chrono::minutes(10) + std::chrono::seconds(i++));
        }
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(worker_isolation, Home)

// LINKAGE_FAULT_INJECT (cmd_worker.cpp) makes the worker crash or hang on one file.
namespace {
std::string run_with_fault(const std::string& home, const std::string& fault, const fs::path& io) {
    setenv("LINKAGE_FAULT_INJECT", fault.c_str(), 1);
    setenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE", "5", 1);
    int pid = test_support::spawn_linkage({"--home", home, "batch", "--json", "--workers", "2", "--no-progress"},
                                          io / "out", io / "err");
    unsetenv("LINKAGE_FAULT_INJECT");
    unsetenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE");
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return test_support::read_file(io / "out");
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_file_that_crashes_its_worker_is_rejected_and_the_batch_goes_on) {
    test_support::TempDir io;
    auto t0 = std::chrono::steady_clock::now();
    auto out = run_with_fault(home, "crash:upside-down", io.path());
    // Five files, five outcomes: the poisoned one an internal error, the others as usual.
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    auto line = out.substr(out.find("sample-002-upside-down"));
    line = line.substr(0, line.find('\n'));
    BOOST_TEST(line.find("\"rejected\"") != std::string::npos);
    BOOST_TEST(line.find("\"internal_error\"") != std::string::npos);
    BOOST_TEST(out.find("sample-001-clean.jpg\",\"sha256") != std::string::npos);
    // The original is kept for inspection, with its note.
    bool kept = false;
    for (auto& e : fs::directory_iterator(fs::path(home) / "rejected"))
        kept |= e.path().filename().string().find("sample-002-upside-down.pdf.json") != std::string::npos;
    BOOST_TEST(kept);
    BOOST_TEST(fs::is_empty(fs::path(home) / "work"));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)));
}

BOOST_AUTO_TEST_CASE(a_file_that_hangs_its_worker_is_stopped_at_the_time_limit) {
    test_support::TempDir io;
    auto t0 = std::chrono::steady_clock::now();
    auto out = run_with_fault(home, "hang:stack-letter", io.path());
    auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    auto line = out.substr(out.find("sample-003-stack-letter"));
    line = line.substr(0, line.find('\n'));
    BOOST_TEST(line.find("\"internal_error\"") != std::string::npos);
    // Two attempts of 5 s each, not forever.
    BOOST_TEST((took >= std::chrono::seconds(10)));
    BOOST_TEST((took < std::chrono::seconds(60)));
    // No worker left behind.
    BOOST_TEST(test_support::run_shell("! pgrep -f -- '--home " + home + " [w]orker' >/dev/null") == 0);
}

BOOST_AUTO_TEST_CASE(a_killed_worker_is_replaced_and_its_file_retried) {
    test_support::TempDir io;
    int pid = test_support::spawn_linkage({"--home", home, "batch", "--json", "--workers", "1", "--no-progress"},
                                          io.path() / "out", io.path() / "err");
    int killed = 0;
    // Bounded by time, not by a count of polls: a loaded machine starts the batch slowly.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (killed == 0 && std::chrono::steady_clock::now() < deadline) {
        auto kids = children_of(pid);
        // Let it load its models and take a file, then kill it (mid-analysis, or still
        // loading on a slow machine: a worker killed before it is ready is replaced too).
        if (!kids.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(900));
            if (kill(kids[0], SIGKILL) == 0) ++killed;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST(killed == 1);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    auto out = test_support::read_file(io.path() / "out");
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    // One death: the retry in a fresh worker succeeds, no internal error.
    BOOST_TEST(out.find("\"internal_error\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_worker_killed_while_it_loads_is_replaced_and_the_batch_ends_normally) {
    // The OOM killer or an operator may kill a worker before it has loaded its models:
    // that is not a broken installation (exit 4) but one more worker to start.
    test_support::TempDir io;
    auto marker = io.path() / "died-once";
    auto out = run_with_fault(home, "die-at-start:" + marker.string(), io.path());
    BOOST_TEST(fs::exists(marker));
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    BOOST_TEST(out.find("\"internal_error\"") == std::string::npos);
    BOOST_TEST(fs::is_empty(fs::path(home) / "work"));
}

BOOST_AUTO_TEST_CASE(a_worker_that_exits_before_it_is_ready_stops_the_batch_with_a_message) {
    // A worker that ends by itself before "ready" (models missing, wrong binary) is a broken
    // installation: the batch stops at once (exit 4), files stay in the inbox.
    test_support::TempDir io;
    setenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE", "5", 1);
    setenv("TESSDATA_PREFIX", (io.path() / "no-models").c_str(), 1);
    auto r = run_linkage({"--home", home, "batch", "--json", "--workers", "1", "--no-progress"});
    unsetenv("TESSDATA_PREFIX");
    unsetenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE");
    BOOST_TEST(r.exit_code == 4, r.err);
    BOOST_TEST(r.err.find("could not start") != std::string::npos, r.err);
    size_t left = 0;
    for (auto& e : fs::directory_iterator(fs::path(home) / "inbox")) left += e.is_regular_file();
    for (auto& e : fs::directory_iterator(fs::path(home) / "work")) left += e.is_regular_file();
    BOOST_TEST(left == 5u);
}

BOOST_AUTO_TEST_CASE(workers_run_tesseract_single_threaded_unless_the_operator_says_otherwise) {
    // OMP_THREAD_LIMIT=1 in each worker's environment (libgomp reads it when it
    // loads): OpenMP threads inside Tesseract would fight the other workers.
    auto worker_limit = [&](const char* outer) {
        test_support::TempDir io;
        std::string saved = std::getenv("OMP_THREAD_LIMIT") ? std::getenv("OMP_THREAD_LIMIT") : "";
        if (outer) setenv("OMP_THREAD_LIMIT", outer, 1);
        else unsetenv("OMP_THREAD_LIMIT");
        int pid = test_support::spawn_linkage({"--home", home, "batch", "--json", "--workers", "1", "--no-progress"},
                                              io.path() / "out", io.path() / "err");
        if (saved.empty()) unsetenv("OMP_THREAD_LIMIT");
        else setenv("OMP_THREAD_LIMIT", saved.c_str(), 1);
        std::string seen = "no worker seen";
        for (int i = 0; i < 500 && seen == "no worker seen"; ++i) {
            for (int kid : children_of(pid)) {
                // Only once it runs as a worker: between fork and exec a child
                // still carries the batch's own environment.
                std::ifstream cmd("/proc/" + std::to_string(kid) + "/cmdline", std::ios::binary);
                std::string argv((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
                if (argv.find(std::string("\0worker", 7)) == std::string::npos) continue;
                std::ifstream env("/proc/" + std::to_string(kid) + "/environ", std::ios::binary);
                std::string all((std::istreambuf_iterator<char>(env)), std::istreambuf_iterator<char>());
                if (all.empty()) continue;
                seen = "unset";
                for (std::size_t at = 0; at < all.size(); at = all.find('\0', at) + 1) {
                    if (all.compare(at, 17, "OMP_THREAD_LIMIT=") == 0) seen = all.substr(at + 17, all.find('\0', at) - at - 17);
                    if (all.find('\0', at) == std::string::npos) break;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        int status = 0;
        waitpid(pid, &status, 0);
        return seen;
    };
    BOOST_TEST(worker_limit(nullptr) == "1");
    // The next run finds the inbox empty: put the files back.
    for (auto& e : fs::directory_iterator(test_support::source_dir() / "data/sample-scans")) {
        if (e.path().extension() == ".json" || e.path().filename().string().find("copy") != std::string::npos) continue;
        auto target = fs::path(home) / "inbox" / ("again-" + e.path().filename().string());
        auto bytes = test_support::read_file(e.path()) + "x";  // new bytes: not a duplicate
        std::ofstream(target, std::ios::binary) << bytes;
        fs::last_write_time(target, fs::file_time_type::clock::now() - std::chrono::minutes(10));
    }
    BOOST_TEST(worker_limit("3") == "3");
}

BOOST_AUTO_TEST_SUITE_END()
