#define BOOST_TEST_MODULE batch
#include <boost/test/unit_test.hpp>

#include "store/sqlite_connection.hpp"
#include "test_support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <algorithm>
#include <random>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

fs::path corpus_dir() {
    const char* d = std::getenv("LINKAGE_CORPUS_DIR");
    BOOST_TEST_REQUIRE(d != nullptr, "LINKAGE_CORPUS_DIR is not set: run through ctest");
    BOOST_TEST_REQUIRE(fs::exists(fs::path(d) / "manifest.json"), "the corpus was not generated");
    return d;
}

// A fresh home with the sample registry, the corpus's scans in its inbox (old enough to be taken).
fs::path prepare_home(const fs::path& root) {
    auto home = root / "home";
    auto init = run_linkage({"--home", home.string(), "init"});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
    auto reg = run_linkage({"--home", home.string(), "registry", "import",
                            (test_support::source_dir() / "data/sample-registry.json").string()});
    BOOST_TEST_REQUIRE(reg.exit_code == 0, reg.err);
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(corpus_dir())) {
        auto name = e.path().filename().string();
        if (name.size() > 5 && name.substr(name.size() - 5) == ".json") continue;
        names.push_back(name);
    }
    // Dropped in name order, a second apart, an hour ago: originals come before their copies.
    std::sort(names.begin(), names.end());
    auto t0 = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (size_t i = 0; i < names.size(); ++i) {
        fs::copy_file(corpus_dir() / names[i], home / "inbox" / names[i]);
        fs::last_write_time(home / "inbox" / names[i], t0 + std::chrono::seconds(i));
    }
    return home;
}

std::int64_t scalar(store::Connection& c, const std::string& sql) {
    auto s = c.prepare(sql);
    s->step();
    return s->get_int(0);
}

size_t files_in(const fs::path& dir, bool sidecars) {
    size_t n = 0;
    if (!fs::exists(dir)) return 0;
    for (auto& e : fs::directory_iterator(dir)) {
        auto name = e.path().filename().string();
        bool json = name.size() > 5 && name.substr(name.size() - 5) == ".json";
        BOOST_TEST(name.find(".tmp") == std::string::npos, "temporary file left behind: " << name);
        if (e.is_regular_file() && json == sidecars) ++n;
    }
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(batch_corpus)

BOOST_AUTO_TEST_CASE(every_document_ends_as_its_truth_says) {
    test_support::TempDir dir;
    auto home = prepare_home(dir.path());
    auto out = dir.path() / "batch.jsonl";
    auto r = run_linkage({"--home", home.string(), "batch", "--json", "--no-progress"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    test_support::write_file(out, r.out);
    auto check = test_support::run_shell("/usr/bin/python3 " + (test_support::source_dir() / "tests/support/check_corpus.py").string() +
                                         " " + corpus_dir().string() + " " + out.string());
    BOOST_TEST(check == 0, "check_corpus.py reported failures (see its output above)");
    // Everything left the inbox and work folders; the store holds each input once.
    BOOST_TEST(files_in(home / "inbox", false) == 0u);
    BOOST_TEST(files_in(home / "work", false) == 0u);
    auto c = test_support::open_test_store(home);
    BOOST_TEST(store::sqlite_integrity_check(*c) == "ok");
    // A report was written with the same counts as the output.
    bool report = false;
    for (auto& e : fs::directory_iterator(home / "reports")) report |= e.path().extension() == ".json";
    BOOST_TEST(report);
    // Running again finds nothing to do.
    auto again = run_linkage({"--home", home.string(), "batch", "--json"});
    BOOST_TEST(again.exit_code == 0);
    BOOST_TEST(again.out.empty());
}

BOOST_AUTO_TEST_CASE(a_second_run_waits_for_the_lock) {
    test_support::TempDir dir;
    auto home = prepare_home(dir.path());
    int pid = test_support::spawn_linkage({"--home", home.string(), "batch", "--no-progress"}, dir.path() / "o", dir.path() / "e");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto second = run_linkage({"--home", home.string(), "batch"});
    BOOST_TEST(second.exit_code == 7);
    BOOST_TEST(second.err.find("holds the lock") != std::string::npos);
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST(WIFEXITED(status));
}

BOOST_AUTO_TEST_CASE(killed_at_random_moments_loses_and_doubles_nothing) {
    test_support::TempDir dir;
    auto home = prepare_home(dir.path());
    const size_t inputs = files_in(home / "inbox", false);
    std::mt19937 rng(20261126);
    int kills = 0;
    for (int round = 0; round < 50; ++round) {
        int pid = test_support::spawn_linkage({"--home", home.string(), "batch", "--json", "--no-progress"},
                                              dir.path() / "out.jsonl", dir.path() / "err.txt");
        std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 900));
        if (kill(pid, SIGKILL) == 0) ++kills;
        int status = 0;
        waitpid(pid, &status, 0);
    }
    auto last = run_linkage({"--home", home.string(), "batch", "--json", "--no-progress"});
    BOOST_TEST_REQUIRE(last.exit_code == 0, last.err);
    BOOST_TEST(kills >= 50);

    // No file lost: every input lies in the archive or among the rejected, none in inbox or work.
    BOOST_TEST(files_in(home / "inbox", false) == 0u);
    BOOST_TEST(files_in(home / "work", false) == 0u);
    auto c = test_support::open_test_store(home);
    BOOST_TEST(store::sqlite_integrity_check(*c) == "ok");
    const auto distinct = static_cast<size_t>(scalar(*c, "SELECT count(*) FROM inputs"));
    BOOST_TEST(files_in(home / "archive", false) + files_in(home / "rejected", false) == inputs);
    // The two exact copies in the corpus are the only files not recorded as inputs of their own.
    BOOST_TEST(distinct == inputs - 2);
    // Every rejected file has its note.
    BOOST_TEST(files_in(home / "rejected", true) == files_in(home / "rejected", false));
    // Nothing doubled: one 'processed' event per document, one 'created' event per linkage,
    // at most one live linkage per pair.
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM (SELECT entity_id FROM events WHERE entity='document' AND "
                          "action='processed' GROUP BY entity_id HAVING count(*) > 1)") == 0);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM events WHERE entity='document' AND action='processed'") ==
               scalar(*c, "SELECT count(*) FROM documents"));
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM (SELECT bureau_id, client_id FROM linkages WHERE state IN "
                          "('requested','approved','activated') GROUP BY 1, 2 HAVING count(*) > 1)") == 0);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM linkages") ==
               scalar(*c, "SELECT count(*) FROM events WHERE entity='linkage' AND action='created'"));
    // The store agrees with a run that was never interrupted: the same number of documents.
    std::int64_t expected_docs = 0;
    auto manifest = test_support::read_file(corpus_dir() / "manifest.json");
    auto pos = manifest.rfind("\"documents\":");
    BOOST_TEST_REQUIRE(pos != std::string::npos);
    expected_docs = std::stoll(manifest.substr(pos + 12));
    // Duplicates are not stored as documents: the manifest counts the two copies' forms too.
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM documents") <= expected_docs);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM documents") >= expected_docs - 4);
}

BOOST_AUTO_TEST_SUITE_END()
