#define BOOST_TEST_MODULE intake
#include <boost/test/unit_test.hpp>

#include "intake/files.hpp"
#include "intake/inbox.hpp"
#include "test_support.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <string_view>

namespace fs = std::filesystem;
using test_support::write_file;

namespace {
// The smallest text that ends like a whole PDF: %%EOF after a startxref that points at "xref".
const std::string k_pdf = "%PDF-1.4\n...\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n13\n%%EOF\n";

struct Fixture {
    test_support::TempDir dir;
    intake::Folders folders{dir.path() / "inbox", dir.path() / "work", dir.path() / "archive", dir.path() / "rejected"};
    intake::Inbox inbox{folders};
    core::ManualClock clock = test_support::test_clock();
    Fixture() { folders.create(); }
    fs::path drop(const std::string& name, const std::string& content, int age_seconds = 60) {
        auto p = folders.inbox / name;
        write_file(p, content);
        fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::seconds(age_seconds));
        return p;
    }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(inbox, Fixture)

BOOST_AUTO_TEST_CASE(only_complete_files_are_ready) {
    drop("ok.pdf", k_pdf);
    drop("young.pdf", k_pdf, 0);
    drop("half.pdf", "%PDF-1.4\n... still writing");
    drop("old-half.pdf", "%PDF-1.4\n... abandoned", 3600);
    drop(".hidden.pdf", "%PDF-1.4\n%%EOF");
    drop("scan.pdf.part", "%PDF-1.4\n%%EOF");
    drop("scan.tmp", "x");
    fs::create_directory(folders.inbox / "sub");
    auto ready = inbox.ready(clock, {std::chrono::seconds(2), std::chrono::seconds(300)});
    std::vector<std::string> names;
    for (auto& p : ready) names.push_back(p.filename().string());
    std::sort(names.begin(), names.end());
    BOOST_TEST(names == (std::vector<std::string>{"ok.pdf", "old-half.pdf"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(odd_entries_are_reported_once_and_left_exactly_where_they_are) {
    test_support::TempDir outside;
    write_file(outside.path() / "secret.pdf", "%PDF-1.4\nnot for the batch\n%%EOF\n");
    drop("ok.pdf", k_pdf);
    fs::create_symlink(outside.path() / "secret.pdf", folders.inbox / "link.pdf");
    fs::create_directory_symlink(outside.path(), folders.inbox / "link-to-folder");
    fs::create_symlink(folders.inbox / "nowhere", folders.inbox / "dangling.pdf");
    fs::create_directory(folders.inbox / "Skanningar mars");
    write_file(folders.inbox / "Skanningar mars" / "inne.pdf", "%PDF-1.4\n%%EOF\n");
    fs::create_directory(folders.inbox / ".snapshot");  // the file server's: quiet
    BOOST_TEST_REQUIRE(mkfifo((folders.inbox / "pipe.pdf").c_str(), 0600) == 0);
    drop(".scan123.pdf.part", "%PDF-1.4\n", 3600);  // a copy that never finished
    drop("~$gammal.pdf", "x", 3600);
    drop(".scan124.pdf.part", "%PDF-1.4\n", 10);    // still being written: quiet
    drop("bad.pdf.json", "{\"reasons\":[\"unreadable\"]}", 60);
    drop(".DS_Store", "litter", 3600);
    drop("Thumbs.db", "litter", 3600);
    drop("._ok.pdf", "litter", 3600);

    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::info, [&](std::string_view l) { lines.emplace_back(l); });
    intake::ReadyOptions o{std::chrono::seconds(2), std::chrono::seconds(300), &log};
    std::vector<intake::SkippedEntry> skipped;
    auto ready = inbox.ready(clock, o, &skipped);
    BOOST_TEST_REQUIRE(ready.size() == 1u);
    BOOST_TEST(ready[0].filename().string() == "ok.pdf");

    std::vector<std::string> got;
    for (auto& k : skipped) {
        got.push_back(k.name + " " + k.kind);
        BOOST_TEST(!k.note.empty());
    }
    BOOST_TEST(got == (std::vector<std::string>{".scan123.pdf.part unfinished", "Skanningar mars folder",
                                                "bad.pdf.json sidecar", "dangling.pdf link", "link-to-folder link",
                                                "link.pdf link", "pipe.pdf special", "~$gammal.pdf unfinished"}),
               boost::test_tools::per_element());
    // One warning each, naming the entry; a rescan (a watch) lists them again but does not repeat the warning.
    BOOST_TEST(lines.size() == skipped.size());
    for (auto& l : lines) BOOST_TEST(l.find("level=warning event=inbox.skipped") != std::string::npos, l);
    std::vector<intake::SkippedEntry> again;
    inbox.ready(clock, o, &again);
    BOOST_TEST(again.size() == skipped.size());
    BOOST_TEST(lines.size() == skipped.size());

    // Nothing moved, changed or followed.
    BOOST_TEST(fs::is_symlink(folders.inbox / "link.pdf"));
    BOOST_TEST(fs::read_symlink(folders.inbox / "link.pdf") == outside.path() / "secret.pdf");
    BOOST_TEST(test_support::read_file(outside.path() / "secret.pdf") == "%PDF-1.4\nnot for the batch\n%%EOF\n");
    BOOST_TEST(fs::is_fifo(fs::symlink_status(folders.inbox / "pipe.pdf")));
    BOOST_TEST(fs::exists(folders.inbox / "Skanningar mars" / "inne.pdf"));
    BOOST_TEST(fs::exists(folders.inbox / ".scan123.pdf.part"));
    BOOST_TEST(fs::exists(folders.inbox / "bad.pdf.json"));
}

BOOST_AUTO_TEST_CASE(a_scanner_temp_name_is_quiet_until_renamed_then_taken) {
    std::vector<std::string> lines;
    core::Logger log(core::LogLevel::info, [&](std::string_view l) { lines.emplace_back(l); });
    intake::ReadyOptions o{std::chrono::seconds(2), std::chrono::seconds(300), &log};
    auto part = drop(".scan9.pdf.part", k_pdf, 100);
    std::vector<intake::SkippedEntry> skipped;
    BOOST_TEST(inbox.ready(clock, o, &skipped).empty());
    BOOST_TEST(skipped.empty());
    BOOST_TEST(lines.empty());
    fs::rename(part, folders.inbox / "scan9.pdf");
    auto ready = inbox.ready(clock, o, &skipped);
    BOOST_TEST_REQUIRE(ready.size() == 1u);
    BOOST_TEST(ready[0].filename().string() == "scan9.pdf");
    BOOST_TEST(skipped.empty());
    BOOST_TEST(lines.empty());
}

BOOST_AUTO_TEST_CASE(claim_moves_by_checksum_and_leftovers_resume) {
    auto p = drop("Skanning 1 åäö.pdf", "%PDF-1.4 hello %%EOF");
    auto c = inbox.claim(p);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(!fs::exists(p));
    BOOST_TEST(c->sha256 == intake::sha256_bytes("%PDF-1.4 hello %%EOF"));
    BOOST_TEST(c->original_name == "Skanning 1 åäö.pdf");
    BOOST_TEST(fs::exists(c->work_path));
    // A restart finds it in work/.
    auto left = inbox.leftovers();
    BOOST_TEST_REQUIRE(left.size() == 1u);
    BOOST_TEST(left[0].sha256 == c->sha256);
    BOOST_TEST(left[0].original_name == c->original_name);
    // Claiming a file that vanished is not an error.
    BOOST_TEST(!inbox.claim(folders.inbox / "gone.pdf").has_value());
}

BOOST_AUTO_TEST_CASE(archive_is_by_checksum_and_never_doubles) {
    auto c1 = *inbox.claim(drop("a.PDF", "same bytes"));
    auto where = inbox.archive(c1);
    BOOST_TEST(where.filename().string() == c1.sha256 + ".pdf");
    BOOST_TEST(test_support::read_file(where) == "same bytes");
    auto c2 = *inbox.claim(drop("b.pdf", "same bytes"));
    inbox.archive(c2);
    BOOST_TEST(std::distance(fs::directory_iterator(folders.archive), fs::directory_iterator()) == 1);
    BOOST_TEST(fs::is_empty(folders.work));
}

BOOST_AUTO_TEST_CASE(reject_writes_the_sidecar_first) {
    auto c = *inbox.claim(drop("bad.jpg", "not really a jpeg"));
    auto where = inbox.reject(c, "{\"reasons\":[\"unreadable\"]}\n");
    BOOST_TEST(fs::exists(where));
    BOOST_TEST(test_support::read_file(fs::path(where.string() + ".json")).find("unreadable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(odd_names_are_made_safe) {
    BOOST_TEST(intake::safe_name("../../etc/passwd") == "passwd");
    BOOST_TEST(intake::safe_name("..") == "unnamed");
    BOOST_TEST(intake::safe_name(std::string("a\nb\x01.pdf")) == "a_b_.pdf");
    std::string long_name(300, 'x');
    BOOST_TEST(intake::safe_name(long_name).size() == 120u);
    std::string utf8;
    for (int i = 0; i < 100; ++i) utf8 += "å";
    auto cut = intake::safe_name(utf8);
    BOOST_TEST(cut.size() % 2 == 0u);  // never half a character
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temp_files) {
    intake::write_file_atomic(dir.path() / "x.json", "{}");
    intake::write_file_atomic(dir.path() / "x.json", "{\"a\":1}");
    BOOST_TEST(test_support::read_file(dir.path() / "x.json") == "{\"a\":1}");
    int files = 0;
    for (auto& e : fs::directory_iterator(dir.path()))
        if (e.is_regular_file()) ++files;
    BOOST_TEST(files == 1);
}

BOOST_AUTO_TEST_SUITE_END()
