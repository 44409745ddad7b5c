// Nothing lost, nothing silent (issue 19): a watcher killed with SIGKILL loses
// no report lines, a watcher on a locked store backs off and carries on, and a
// full disk under the review evidence leaves files waiting in work/ instead of
// committing them with broken images.
#define BOOST_TEST_MODULE watch_resilience
#include <boost/test/unit_test.hpp>

#include "report/report_journal.hpp"
#include "store/connection.hpp"
#include "test_support.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

// Sets environment variables for the `linkage` children of one test case.
class ScopedEnv {
public:
    ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> vars) {
        for (auto& [k, v] : vars) {
            setenv(k, v, 1);
            m_names.push_back(k);
        }
    }
    ~ScopedEnv() {
        for (auto* k : m_names) unsetenv(k);
    }

private:
    std::vector<const char*> m_names;
};

fs::path init_home(const fs::path& root) {
    auto home = root / "home";
    auto init = run_linkage({"--home", home.string(), "init"});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
    return home;
}

// Small distinct files that are no scans: rejected at once, without OCR.
void drop_notes(const fs::path& home, const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
        auto p = home / "inbox" / (prefix + std::to_string(i) + ".txt");
        test_support::write_file(p, "not a scan: " + prefix + std::to_string(i) + "\n");
        fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::minutes(10));
    }
}

size_t count_files(const fs::path& dir, const std::string& ending = "") {
    size_t n = 0;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        auto name = e.path().filename().string();
        if (e.is_regular_file() && name[0] != '.' &&
            (ending.empty() || (name.size() >= ending.size() && name.compare(name.size() - ending.size(), ending.size(), ending) == 0)))
            ++n;
    }
    return n;
}

// A child's output so far ("" before it has written any).
std::string text_of(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec) ? test_support::read_file(p) : std::string();
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
}

bool running(int pid) {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == 0;
}

int stop(int pid, int sig) {
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The report JSON files of `kind` in reports/.
std::vector<fs::path> reports_of(const fs::path& home, const std::string& kind) {
    std::vector<fs::path> out;
    for (auto& e : fs::directory_iterator(home / "reports")) {
        auto name = e.path().filename().string();
        if (name.rfind(kind + "-", 0) == 0 && e.path().extension() == ".json") out.push_back(e.path());
    }
    return out;
}

// Files recorded in the run's report journal so far (its lines after the first).
size_t journaled_files(const fs::path& home) {
    size_t lines = 0;
    for (auto& j : report::find_journals(home / "reports")) {
        std::ifstream in(j);
        std::string line;
        while (std::getline(in, line)) lines += line.find("\"files\":1,") != std::string::npos;
    }
    return lines;
}

std::set<std::string> rejected_names(const Poco::JSON::Object::Ptr& report) {
    std::set<std::string> out;
    auto a = report->getArray("rejected");
    for (unsigned i = 0; a && i < a->size(); ++i) out.insert(a->getObject(i)->getValue<std::string>("file"));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(watch_resilience)

BOOST_AUTO_TEST_CASE(a_watcher_killed_with_sigkill_loses_no_report_lines_and_the_next_one_continues_the_day) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    ScopedEnv env{{"LINKAGE_BATCH_STABLE_SECONDS", "0"}};
    drop_notes(home, "first-", 5);
    int pid = test_support::spawn_linkage({"--home", home.string(), "watch", "--no-progress"}, dir.path() / "o1",
                                          dir.path() / "e1");
    BOOST_TEST_REQUIRE(wait_for([&] { return journaled_files(home) == 5; }, std::chrono::seconds(30)),
                       text_of(dir.path() / "e1"));
    stop(pid, SIGKILL);
    BOOST_TEST(reports_of(home, "watch").empty());  // killed: no report written

    // `report` already shows the killed run's lines.
    auto shown = run_linkage({"--home", home.string(), "report", "--json"});
    BOOST_TEST_REQUIRE(shown.exit_code == 0, shown.err);
    BOOST_TEST(parse(shown.out)->getValue<int>("files") == 5);

    // The next watcher continues today's report: one report with both runs' files.
    drop_notes(home, "second-", 2);
    pid = test_support::spawn_linkage({"--home", home.string(), "watch", "--no-progress"}, dir.path() / "o2",
                                      dir.path() / "e2");
    BOOST_TEST_REQUIRE(wait_for([&] { return count_files(home / "rejected", ".json") == 7; }, std::chrono::seconds(30)),
                       text_of(dir.path() / "e2"));
    BOOST_TEST(stop(pid, SIGTERM) == 0);
    BOOST_TEST(text_of(dir.path() / "e2").find("continuing today's report") != std::string::npos);
    auto reports = reports_of(home, "watch");
    BOOST_TEST_REQUIRE(reports.size() == 1u);
    auto r = parse(test_support::read_file(reports.front()));
    BOOST_TEST(r->getValue<int>("files") == 7);
    BOOST_TEST(r->getObject("outcomes")->getValue<int>("rejected") == 7);
    auto names = rejected_names(r);
    BOOST_TEST(names.size() == 7u);
    BOOST_TEST(names.count("first-0.txt") == 1u);
    BOOST_TEST(names.count("second-1.txt") == 1u);
}

BOOST_AUTO_TEST_CASE(a_killed_watchers_lines_are_reported_by_the_next_batch) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    ScopedEnv env{{"LINKAGE_BATCH_STABLE_SECONDS", "0"}};
    drop_notes(home, "watched-", 4);
    int pid = test_support::spawn_linkage({"--home", home.string(), "watch", "--no-progress"}, dir.path() / "o",
                                          dir.path() / "e");
    BOOST_TEST_REQUIRE(wait_for([&] { return journaled_files(home) == 4; }, std::chrono::seconds(30)),
                       text_of(dir.path() / "e"));
    stop(pid, SIGKILL);

    drop_notes(home, "batched-", 1);
    auto b = run_linkage({"--home", home.string(), "batch", "--no-progress"});
    BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);
    BOOST_TEST(b.err.find("wrote the report of an interrupted watch run") != std::string::npos, b.err);
    auto watch = reports_of(home, "watch");
    BOOST_TEST_REQUIRE(watch.size() == 1u);
    auto w = parse(test_support::read_file(watch.front()));
    BOOST_TEST(w->getValue<int>("files") == 4);
    BOOST_TEST(rejected_names(w).size() == 4u);
    // The batch's own report holds its own file only.
    auto batch = reports_of(home, "batch");
    BOOST_TEST_REQUIRE(batch.size() == 1u);
    BOOST_TEST(parse(test_support::read_file(batch.front()))->getValue<int>("files") == 1);
    // No journal is left once its report is written.
    for (auto& e : fs::directory_iterator(home / "reports"))
        BOOST_TEST(e.path().filename().string().rfind(".journal-", 0) != 0u, e.path());
}

BOOST_AUTO_TEST_CASE(a_watcher_on_a_locked_store_backs_off_and_commits_once_it_is_writable) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    ScopedEnv env{{"LINKAGE_BATCH_STABLE_SECONDS", "0"}, {"LINKAGE_STORE_BUSY_TIMEOUT_MS", "100"}};
    drop_notes(home, "locked-", 3);
    // Another process's write transaction holds the store.
    auto holder = test_support::open_test_store(home);
    holder->exec("BEGIN IMMEDIATE");
    int pid = test_support::spawn_linkage({"--home", home.string(), "watch", "--no-progress"}, dir.path() / "o",
                                          dir.path() / "e");
    auto err = [&] { return text_of(dir.path() / "e"); };
    BOOST_TEST_REQUIRE(wait_for([&] { return err().find("retried in 4 s") != std::string::npos; }, std::chrono::seconds(30)),
                       err());
    BOOST_TEST_REQUIRE(running(pid), "the watcher ended on a locked store: " << err());
    BOOST_TEST(err().find("database is locked") != std::string::npos);
    BOOST_TEST(err().find((home / "linkage.db").string()) != std::string::npos);  // says which store
    BOOST_TEST(count_files(home / "rejected", ".json") == 0u);
    BOOST_TEST(count_files(home / "work") + count_files(home / "inbox") == 3u);  // nothing lost meanwhile
    holder->exec("ROLLBACK");
    BOOST_TEST(wait_for([&] { return count_files(home / "rejected", ".json") == 3; }, std::chrono::seconds(30)), err());
    BOOST_TEST(running(pid));
    BOOST_TEST(count_files(home / "work") == 0u);
    BOOST_TEST(stop(pid, SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(a_journal_torn_by_a_kill_keeps_its_whole_lines_and_is_continued_cleanly) {
    test_support::TempDir dir;
    const std::string start = "2026-11-27T08:00:00Z";
    auto line = [](const std::string& file, const char* outcome) {
        report::Summary l;
        l.files = 1;
        l.documents = 1;
        l.outcomes[outcome] = 1;
        if (std::string(outcome) == "review") l.review.push_back({7, file, {"low_confidence"}});
        else l.rejected.push_back({file, "rejected/" + file, {"unsupported_format"}, "Filformatet stöds inte."});
        return l;
    };
    fs::path path;
    {
        report::ReportJournal j(dir.path(), "watch", start);
        path = j.path();
        BOOST_TEST(j.add(line("a.txt", "rejected"), "2026-11-27T08:01:00Z").empty());
        BOOST_TEST(j.add(line("b.jpg", "review"), "2026-11-27T08:02:00Z").empty());
    }
    // Killed in the middle of the third line.
    std::ofstream(path, std::ios::app) << R"({"kind":"watch","started_at":"2026-11-27T08:00:00Z","files":1,"docu)";
    {
        report::ReportJournal again(dir.path(), "watch", "2026-11-27T09:00:00Z");  // same day: continued
        BOOST_TEST(again.path() == path);
        BOOST_TEST(again.add(line("c.pdf", "rejected"), "2026-11-27T09:01:00Z").empty());
    }
    auto s = report::replay_journal(path);
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->kind == "watch");
    BOOST_TEST(s->started_at == start);
    BOOST_TEST(s->finished_at == "2026-11-27T09:01:00Z");
    BOOST_TEST(s->files == 3);
    BOOST_TEST(s->outcomes["rejected"] == 2);
    BOOST_TEST(s->review.size() == 1u);
    BOOST_TEST_REQUIRE(s->rejected.size() == 2u);
    BOOST_TEST(s->rejected[1].file == "c.pdf");
    // The report is written from it, and the journal is gone.
    auto r = report::write_report_from_journal(path, "", dir.path(), test_support::source_dir() / "templates");
    BOOST_TEST(r.files == 3);
    BOOST_TEST(!fs::exists(path));
    BOOST_TEST(report::find_journals(dir.path()).empty());
    BOOST_TEST(count_files(dir.path(), ".json") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// Forms are OCRed here: labelled slow (ctest test watch_resilience_evidence).
BOOST_AUTO_TEST_SUITE(evidence_on_a_full_disk)

namespace {

// A small tmpfs mounted for the crops (root only); unmounted on destruction.
class SmallDisk {
public:
    SmallDisk(const fs::path& dir, const std::string& size) : m_dir(dir) {
        fs::create_directories(dir);
        m_mounted =
            test_support::run_shell("mount -t tmpfs -o size=" + size + " tmpfs '" + dir.string() + "' 2>/dev/null") == 0;
    }
    ~SmallDisk() {
        if (m_mounted) test_support::run_shell("umount '" + m_dir.string() + "'");
    }
    bool mounted() const { return m_mounted; }
    bool resize(const std::string& size) {
        return test_support::run_shell("mount -o remount,size=" + size + " '" + m_dir.string() + "'") == 0;
    }

private:
    fs::path m_dir;
    bool m_mounted = false;
};

// A complete PNG: signature first, IEND chunk last.
bool complete_png(const fs::path& p) {
    auto bytes = test_support::read_file(p);
    static const std::string sig("\x89PNG\r\n\x1a\n", 8);
    static const std::string iend("IEND\xae\x42\x60\x82", 8);
    return bytes.size() > sig.size() + iend.size() && bytes.compare(0, sig.size(), sig) == 0 &&
           bytes.compare(bytes.size() - iend.size(), iend.size(), iend) == 0;
}

// Every committed document's evidence folder: present, every PNG complete, a page image.
void check_committed_evidence(const fs::path& home) {
    auto c = test_support::open_test_store(home);
    auto q = c->prepare("SELECT crops_dir FROM documents WHERE crops_dir IS NOT NULL");
    int n = 0;
    while (q->step()) {
        ++n;
        fs::path d = q->get_text(0);
        if (d.is_relative()) d = home / d;
        BOOST_TEST(fs::exists(d / "page.png"), d);
        for (auto& e : fs::directory_iterator(d))
            if (e.path().extension() == ".png") BOOST_TEST(complete_png(e.path()), e.path() << " is not a complete PNG");
    }
    BOOST_TEST_MESSAGE(n << " committed document(s) with evidence checked");
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_document_is_committed_with_broken_evidence_and_the_files_wait_for_space) {
    test_support::TempDir dir;
    auto home = init_home(dir.path());
    auto reg = run_linkage({"--home", home.string(), "registry", "import",
                            (test_support::source_dir() / "data/sample-registry.json").string()});
    BOOST_TEST_REQUIRE(reg.exit_code == 0, reg.err);
    const fs::path crops = dir.path() / "small-crops";
    SmallDisk disk(crops, "300k");
    if (!disk.mounted()) {
        BOOST_TEST_MESSAGE("cannot mount a tmpfs here (not root?): skipped");
        return;
    }
    ScopedEnv env{{"LINKAGE_PATHS_CROPS", crops.c_str()}};
    size_t inputs = 0;
    for (auto& e : fs::directory_iterator(test_support::source_dir() / "data/sample-scans")) {
        auto ext = e.path().extension();
        if (ext != ".jpg" && ext != ".pdf") continue;
        auto to = home / "inbox" / e.path().filename();
        fs::copy_file(e.path(), to);
        fs::last_write_time(to, fs::file_time_type::clock::now() - std::chrono::minutes(10));
        ++inputs;
    }
    BOOST_TEST_REQUIRE(inputs >= 4u);

    auto full = run_linkage({"--home", home.string(), "batch", "--no-progress"});
    BOOST_TEST_REQUIRE(full.exit_code == 0, full.err);
    const size_t waiting = count_files(home / "work");
    BOOST_TEST(waiting > 0u, "300 KiB should not hold every form's evidence: " << full.err);
    BOOST_TEST(full.err.find("could not be written to " + crops.string()) != std::string::npos, full.err);
    BOOST_TEST(full.err.find("No space left on device") != std::string::npos, full.err);
    BOOST_TEST(full.err.find("libpng") == std::string::npos, full.err);
    BOOST_TEST(full.err.find("wait in work/") != std::string::npos, full.err);
    check_committed_evidence(home);
    // Nothing half-written is left: no empty image, no temporary file, every PNG whole.
    for (auto& e : fs::recursive_directory_iterator(crops)) {
        if (!e.is_regular_file()) continue;
        BOOST_TEST(e.path().extension() == ".png", e.path());
        BOOST_TEST(complete_png(e.path()), e.path() << " is not a complete PNG");
    }
    auto report = parse(run_linkage({"--home", home.string(), "report", "--json"}).out);
    BOOST_TEST(report->getValue<int>("waiting") == static_cast<int>(waiting));

    // Space returns: the next batch commits them with complete evidence.
    BOOST_TEST_REQUIRE(disk.resize("50m"));
    auto again = run_linkage({"--home", home.string(), "batch", "--no-progress"});
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
    BOOST_TEST(count_files(home / "work") == 0u, again.err);
    BOOST_TEST(count_files(home / "inbox") == 0u);
    BOOST_TEST(again.err.find("could not be written") == std::string::npos, again.err);
    check_committed_evidence(home);
    auto c = test_support::open_test_store(home);
    auto q = c->prepare("SELECT count(*) FROM inputs");
    q->step();
    BOOST_TEST(static_cast<size_t>(q->get_int(0)) + 1 == inputs);  // one sample is an exact copy (a duplicate)
}

BOOST_AUTO_TEST_SUITE_END()
