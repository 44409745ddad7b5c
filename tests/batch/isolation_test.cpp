#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

std::vector<int> children_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::vector<int> out;
    int c;
    while (in >> c) out.push_back(c);
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

// A worker that hangs (here: stopped with SIGSTOP) is killed after the time
// limit and replaced; its file is tried again in a fresh worker; a file that
// stops its worker twice is rejected as internal_error; the batch goes on.
BOOST_AUTO_TEST_CASE(hung_and_dying_workers_affect_only_their_file) {
    test_support::TempDir io;
    // spawn_linkage has no env parameter: pass it through our own environment.
    setenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE", "5", 1);
    int pid = test_support::spawn_linkage({"--home", home, "batch", "--json", "--workers", "1", "--no-progress"},
                                          io.path() / "out", io.path() / "err");
    unsetenv("LINKAGE_LIMITS_MAX_SECONDS_PER_FILE");
    // Stop the first two workers we see: the first file's two attempts.
    std::vector<int> stopped;
    for (int i = 0; i < 200 && stopped.size() < 2; ++i) {
        for (int c : children_of(pid))
            if (std::find(stopped.begin(), stopped.end(), c) == stopped.end()) {
                kill(c, SIGSTOP);
                stopped.push_back(c);
            }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST(stopped.size() == 2u);
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    auto out = test_support::read_file(io.path() / "out");
    // Every one of the five files has its outcome; the stopped one is an internal error.
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    BOOST_TEST(out.find("\"internal_error\"") != std::string::npos);
    BOOST_TEST(out.find("\"accepted\"") != std::string::npos);
    BOOST_TEST(fs::is_empty(fs::path(home) / "inbox"));
    BOOST_TEST(fs::is_empty(fs::path(home) / "work"));
    // Stopped workers do not linger.
    for (int c : stopped) BOOST_TEST(kill(c, 0) != 0);
}

BOOST_AUTO_TEST_CASE(a_killed_worker_is_replaced_and_its_file_retried) {
    test_support::TempDir io;
    int pid = test_support::spawn_linkage({"--home", home, "batch", "--json", "--workers", "1", "--no-progress"},
                                          io.path() / "out", io.path() / "err");
    int killed = 0;
    for (int i = 0; i < 200 && killed == 0; ++i) {
        auto kids = children_of(pid);
        // Let it say ready and take a file, then kill it mid-analysis.
        if (!kids.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(900));
            if (kill(kids[0], SIGKILL) == 0) ++killed;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST(killed == 1);
    BOOST_TEST(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    auto out = test_support::read_file(io.path() / "out");
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);
    // One kill: the retry succeeds, no internal error.
    BOOST_TEST(out.find("\"internal_error\"") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
