// A scanner that writes its files IN PLACE, slowly, with the descriptor held
// (issue 19, item 1), against the real `linkage` processes: the file is taken
// only once its writer has closed it, every page is analysed, and the archive
// holds exactly the bytes whose checksum and size the store records — also
// when batch and watch are killed with SIGKILL at 50 moments meanwhile.
//
// The writer is tests/intake/scan_writer.py (PIL's multi-page TIFF writer,
// page by page, and a PDF rewritten from offset 0). Old code claimed a TIFF
// after `stable_seconds` of quiet between two pages: pages=1, a lost document.
#define BOOST_TEST_MODULE inplace
#include <boost/test/unit_test.hpp>

#include "store/connection.hpp"
#include "store/sqlite_connection.hpp"
#include "test_support.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/DigestStream.h>
#include <Poco/SHA2Engine.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

struct Env {
    Env() {
        // A short quiet time: the writer's pauses between pages (≥ 1 s) are longer than it,
        // so only the open descriptor can keep the file from being taken early.
        setenv("LINKAGE_BATCH_STABLE_SECONDS", "1", 1);
    }
    ~Env() { unsetenv("LINKAGE_BATCH_STABLE_SECONDS"); }
};

fs::path init_home(const fs::path& root) {
    auto home = root / "home";
    auto init = run_linkage({"--home", home.string(), "init"});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
    auto reg = run_linkage({"--home", home.string(), "registry", "import",
                            (test_support::source_dir() / "data/sample-registry.json").string()});
    BOOST_TEST_REQUIRE(reg.exit_code == 0, reg.err);
    return home;
}

// Two different forms, one a page: each file written holds two documents.
std::vector<std::string> two_pages() {
    auto s = test_support::source_dir() / "data/sample-scans";
    return {(s / "sample-001-clean.jpg").string(), (s / "sample-005-signer-not-admin.jpg").string()};
}

// Starts scan_writer.py; its stdout (one line per step) goes to `log`.
int start_writer(const std::vector<std::string>& args, const fs::path& log) {
    std::vector<std::string> argv = {"/usr/bin/python3", (test_support::source_dir() / "tests/intake/scan_writer.py").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    int pid = fork();
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        std::vector<char*> a;
        for (auto& s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        execv(a[0], a.data());
        _exit(127);
    }
    return pid;
}

int wait_exit(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
}

std::string sha256_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    Poco::DigestOutputStream out(sha);
    out << in.rdbuf();
    out.flush();
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::int64_t scalar(store::Connection& c, const std::string& sql) {
    auto s = c.prepare(sql);
    s->step();
    return s->get_int(0);
}

struct Input {
    std::string sha256, file_name, stored_path;
    std::int64_t size = 0, pages = 0, documents = 0;
};

std::vector<Input> inputs_of(store::Connection& c) {
    std::vector<Input> out;
    auto s = c.prepare(
        "SELECT i.sha256, i.file_name, i.stored_path, i.size, i.pages, "
        "(SELECT count(*) FROM documents d WHERE d.sha256 = i.sha256) FROM inputs i ORDER BY i.file_name");
    while (s->step()) out.push_back({s->get_text(0), s->get_text(1), s->get_text(2), s->get_int(3), s->get_int(4), s->get_int(5)});
    return out;
}

size_t regular_files(const fs::path& dir) {
    size_t n = 0;
    for (auto& e : fs::directory_iterator(dir)) {
        auto name = e.path().filename().string();
        BOOST_TEST(name.find(".tmp") == std::string::npos, "temporary file left behind: " << e.path());
        n += e.is_regular_file() && name[0] != '.';
    }
    return n;
}

// Every input: both pages analysed, and the file kept is byte for byte the one the store describes.
void check_every_input_whole(const fs::path& home, const std::vector<Input>& inputs) {
    for (auto& i : inputs) {
        BOOST_TEST_CONTEXT(i.file_name) {
            BOOST_TEST(i.pages == 2);
            BOOST_TEST(i.documents == 2);
            auto kept = home / i.stored_path;
            BOOST_TEST_REQUIRE(fs::exists(kept));
            BOOST_TEST(static_cast<std::int64_t>(fs::file_size(kept)) == i.size);
            BOOST_TEST(sha256_of(kept) == i.sha256);
        }
    }
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(inplace_scanner, Env)

BOOST_AUTO_TEST_CASE(a_file_written_in_place_is_taken_when_its_writer_closes_it_and_archived_as_analysed) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    int watch = test_support::spawn_linkage({"--home", home.string(), "watch", "--no-progress"},
                                            dir.path() / "watch.out", dir.path() / "watch.err");
    // Pauses of 4 s between the pages: four times the quiet time that used to be enough.
    auto pages = two_pages();
    std::vector<std::string> tiff = {"tiff", (home / "inbox/a.tif").string(), "--delay", "4", "--tag", "A"};
    std::vector<std::string> pdf = {"pdf", (home / "inbox/b.pdf").string(), "--delay", "4", "--tag", "B"};
    tiff.insert(tiff.end(), pages.begin(), pages.end());
    pdf.insert(pdf.end(), pages.begin(), pages.end());
    int w1 = start_writer(tiff, dir.path() / "tiff.log");
    int w2 = start_writer(pdf, dir.path() / "pdf.log");
    BOOST_TEST(wait_exit(w1) == 0);
    BOOST_TEST(wait_exit(w2) == 0);
    auto done = [&] {
        auto c = test_support::open_test_store(home);
        return scalar(*c, "SELECT count(*) FROM documents") >= 4 && fs::is_empty(home / "work");
    };
    BOOST_TEST(wait_for(done, std::chrono::seconds(180)));
    kill(watch, SIGTERM);
    BOOST_TEST(wait_exit(watch) == 0);

    auto c = test_support::open_test_store(home);
    auto inputs = inputs_of(*c);
    BOOST_TEST_REQUIRE(inputs.size() == 2u);
    BOOST_TEST(inputs[0].file_name == "a.tif");
    BOOST_TEST(inputs[1].file_name == "b.pdf");
    check_every_input_whole(home, inputs);
    BOOST_TEST(regular_files(home / "inbox") == 0u);
    // Nothing was put back as changed: the writer was never raced.
    BOOST_TEST(test_support::read_file(dir.path() / "watch.err").find("changed after it was claimed") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(killed_at_50_moments_while_a_scanner_writes_in_place_loses_and_doubles_nothing) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    const int count = 8;  // alternately TIFF and PDF, two pages each, ~1 s between steps
    auto pages = two_pages();
    std::vector<std::string> series = {"series", (home / "inbox").string(), "--delay", "1.2",
                                       "--count", std::to_string(count), "--tag", "series"};
    series.insert(series.end(), pages.begin(), pages.end());
    int writer = start_writer(series, dir.path() / "writer.log");

    std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
    int kills = 0;
    for (int round = 0; round < 50; ++round) {
        // Batch and watch by turns: both claim, analyse and commit the same way.
        const char* cmd = round % 3 == 2 ? "watch" : "batch";
        int pid = test_support::spawn_linkage({"--home", home.string(), cmd, "--no-progress"},
                                              dir.path() / "run.out", dir.path() / "run.err");
        std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 1500));
        if (kill(pid, SIGKILL) == 0) ++kills;
        wait_exit(pid);
    }
    BOOST_TEST(kills >= 50);
    BOOST_TEST(wait_exit(writer) == 0);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // past the quiet time of the last file
    auto last = run_linkage({"--home", home.string(), "batch", "--json", "--no-progress"});
    BOOST_TEST_REQUIRE(last.exit_code == 0, last.err);

    BOOST_TEST(regular_files(home / "inbox") == 0u);
    BOOST_TEST(regular_files(home / "work") == 0u);
    auto c = test_support::open_test_store(home);
    BOOST_TEST(store::sqlite_integrity_check(*c) == "ok");
    auto inputs = inputs_of(*c);
    BOOST_TEST(inputs.size() == static_cast<size_t>(count));
    check_every_input_whole(home, inputs);
    // Each written file lies once in the archive (none rejected: every one is a whole scan).
    BOOST_TEST(regular_files(home / "archive") == static_cast<size_t>(count));
    BOOST_TEST(regular_files(home / "rejected") == 0u);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM (SELECT entity_id FROM events WHERE entity='document' AND "
                          "action='processed' GROUP BY entity_id HAVING count(*) > 1)") == 0);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM events WHERE entity='document' AND action='processed'") ==
               scalar(*c, "SELECT count(*) FROM documents"));
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM (SELECT bureau_id, client_id FROM linkages WHERE state IN "
                          "('requested','approved','activated') GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
