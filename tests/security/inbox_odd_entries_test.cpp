// Security: entries in the inbox that are not scans a batch may take — links
// (to a file outside, to a folder, dangling), a subfolder, a named pipe, a
// copy that never finished, a rejected file's note copied back — are left
// exactly where they are, never read through, and reported: a warning line
// per entry from the real `linkage batch`, and a "left in the inbox"
// section in the summary and the morning report (names escaped there).
#include <boost/test/unit_test.hpp>

#include "report/summary.hpp"
#include "intake/files.hpp"
#include "test_support.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using test_support::read_file;
using test_support::write_file;

BOOST_AUTO_TEST_SUITE(inbox_odd_entries)

BOOST_AUTO_TEST_CASE(the_batch_reports_odd_entries_and_leaves_them_alone) {
    test_support::TempDir root;
    const fs::path home = root.path() / "home", outside = root.path() / "outside";
    fs::create_directories(outside / "folder");
    write_file(outside / "secret.pdf", "%PDF-1.4\nnot for the batch\n%%EOF\n");
    write_file(outside / "folder" / "other.pdf", "%PDF-1.4\nnot for the batch either\n%%EOF\n");
    BOOST_TEST_REQUIRE(test_support::run_linkage({"--home", home.string(), "init"}).exit_code == 0);
    const fs::path inbox = home / "inbox";

    write_file(inbox / "scan.pdf", "not really a scan\n");  // a file: taken (and rejected)
    fs::create_symlink(outside / "secret.pdf", inbox / "link.pdf");
    fs::create_directory_symlink(outside / "folder", inbox / "link-folder");
    fs::create_symlink(inbox / "gone.pdf", inbox / "dangling.pdf");
    fs::create_directory(inbox / "mars");
    write_file(inbox / "mars" / "inne.pdf", "%PDF-1.4\nin a subfolder\n%%EOF\n");
    BOOST_TEST_REQUIRE(mkfifo((inbox / "pipe.pdf").c_str(), 0600) == 0);  // opening it would block a reader
    write_file(inbox / ".scan7.pdf.part", "%PDF-1.4\nhalf");
    write_file(inbox / "scan.pdf.json", "{\"note\":\"copied back\"}\n");
    write_file(inbox / ".DS_Store", "litter");
    const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const char* n : {"scan.pdf", ".scan7.pdf.part", "scan.pdf.json", ".DS_Store", "mars/inne.pdf"})
        fs::last_write_time(inbox / n, old);
    const std::string secret_sha = intake::sha256_file(outside / "secret.pdf");

    // The pipe would hang a batch that opened it: give the run a hard limit.
    const std::string out = (root.path() / "batch.out").string(), err = (root.path() / "batch.err").string();
    const int rc = test_support::run_shell("timeout 120 '" + test_support::linkage_bin().string() + "' --home '" +
                                           home.string() + "' batch --no-progress >'" + out + "' 2>'" + err + "'");
    const std::string stderr_text = read_file(err);
    BOOST_TEST_INFO("stderr: " << stderr_text);
    BOOST_TEST_REQUIRE(rc == 0);

    // The file was taken; every odd entry is where it was, as it was.
    BOOST_TEST(!fs::exists(inbox / "scan.pdf"));
    BOOST_TEST(fs::read_symlink(inbox / "link.pdf") == outside / "secret.pdf");
    BOOST_TEST(fs::read_symlink(inbox / "link-folder") == outside / "folder");
    BOOST_TEST(fs::is_symlink(inbox / "dangling.pdf"));
    BOOST_TEST(read_file(inbox / "mars" / "inne.pdf") == "%PDF-1.4\nin a subfolder\n%%EOF\n");
    BOOST_TEST(fs::is_fifo(fs::symlink_status(inbox / "pipe.pdf")));
    BOOST_TEST(read_file(inbox / ".scan7.pdf.part") == "%PDF-1.4\nhalf");
    BOOST_TEST(fs::exists(inbox / "scan.pdf.json"));
    BOOST_TEST(fs::exists(inbox / ".DS_Store"));
    BOOST_TEST(intake::sha256_file(outside / "secret.pdf") == secret_sha);
    BOOST_TEST(fs::exists(outside / "folder" / "other.pdf"));
    BOOST_TEST(fs::is_empty(home / "work"));

    // One warning per odd entry, none for the desktop's litter.
    for (const char* expected : {"file=link.pdf kind=link", "file=link-folder kind=link", "file=dangling.pdf kind=link",
                                 "file=mars kind=folder", "file=pipe.pdf kind=special",
                                 "file=.scan7.pdf.part kind=unfinished", "file=scan.pdf.json kind=sidecar"}) {
        BOOST_TEST_INFO(expected);
        BOOST_TEST(stderr_text.find(std::string("event=inbox.skipped ") + expected) != std::string::npos);
    }
    BOOST_TEST(stderr_text.find(".DS_Store") == std::string::npos);
    std::size_t warnings = 0;
    for (auto p = stderr_text.find("event=inbox.skipped"); p != std::string::npos;
         p = stderr_text.find("event=inbox.skipped", p + 1))
        ++warnings;
    BOOST_TEST(warnings == 7u);

    // The run's summary lists them too (the morning report's "Lämnades kvar i inkorgen").
    std::string report;
    for (auto& e : fs::directory_iterator(home / "reports"))
        if (e.path().extension() == ".json") report += read_file(e.path());
    for (const char* expected : {"link.pdf", "link-folder", "dangling.pdf", "mars", "pipe.pdf", ".scan7.pdf.part",
                                 "scan.pdf.json"}) {
        BOOST_TEST_INFO(expected);
        BOOST_TEST(report.find(std::string("\"file\": \"") + expected + "\"") != std::string::npos);
    }
    BOOST_TEST(report.find("\"kind\": \"special\"") != std::string::npos);
    BOOST_TEST(report.find(".DS_Store") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_summary_and_the_report_list_what_was_left_in_the_inbox_escaped) {
    test_support::TempDir dir;
    report::Summary s;
    s.started_at = "2026-11-27T02:00:00Z";
    s.finished_at = "2026-11-27T02:00:05Z";
    s.add_skipped({"<img src=x onerror=alert(1)>.pdf", "link", "En länk (genväg), ingen fil."});
    s.add_skipped({"mars", "folder", "En mapp."});
    s.add_skipped({"mars", "folder", "En mapp."});  // a watch's second pass: still one line
    BOOST_TEST_REQUIRE(s.skipped.size() == 2u);

    std::ostringstream printed;
    s.print(printed);
    BOOST_TEST(printed.str().find("left in the inbox: mars (folder: En mapp.)") != std::string::npos, printed.str());

    auto json_path = report::write_report(s, dir.path(), test_support::source_dir() / "templates");
    const std::string json = read_file(json_path);
    BOOST_TEST(json.find("\"skipped\"") != std::string::npos);
    BOOST_TEST(json.find("\"kind\": \"folder\"") != std::string::npos, json);
    std::string html = read_file(fs::path(json_path).replace_extension(".html"));
    BOOST_TEST(html.find("Lämnades kvar i inkorgen") != std::string::npos);
    BOOST_TEST(html.find("En länk (genväg), ingen fil.") != std::string::npos);
    BOOST_TEST(html.find("<img src=x") == std::string::npos);
    BOOST_TEST(html.find("&lt;img src=x onerror=alert(1)&gt;.pdf") != std::string::npos);

    // Nothing left behind: no section at all.
    report::Summary empty;
    empty.started_at = empty.finished_at = "2026-11-27T02:00:00Z";
    fs::create_directories(dir.path() / "b");
    auto p2 = report::write_report(empty, dir.path() / "b", test_support::source_dir() / "templates");
    BOOST_TEST(read_file(fs::path(p2).replace_extension(".html")).find("Lämnades kvar i inkorgen") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
