#define BOOST_TEST_MODULE intake
#include <boost/test/unit_test.hpp>

#include "intake/files.hpp"
#include "intake/inbox.hpp"
#include "test_support.hpp"

#include <filesystem>

namespace fs = std::filesystem;
using test_support::write_file;

namespace {
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
    drop("ok.pdf", "%PDF-1.4\n...\n%%EOF\n");
    drop("young.pdf", "%PDF-1.4\n...\n%%EOF\n", 0);
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
