#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>

namespace fs = std::filesystem;
using test_support::run_linkage;

BOOST_AUTO_TEST_SUITE(batch_report)

BOOST_AUTO_TEST_CASE(report_numbers_equal_the_documents_of_the_run) {
    test_support::TempDir dir;
    auto home = (dir.path() / "home").string();
    auto demo = run_linkage({"--home", home, "demo"});
    BOOST_TEST_REQUIRE(demo.exit_code == 0, demo.err);
    auto json = run_linkage({"--home", home, "report", "--json"});
    BOOST_TEST_REQUIRE(json.exit_code == 0);
    auto o = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Object::Ptr>();
    auto oc = o->getObject("outcomes");
    // Count the store's records of the same run.
    auto c = test_support::open_test_store(home);
    auto count = [&](const std::string& sql) {
        auto s = c->prepare(sql);
        s->step();
        return static_cast<int>(s->get_int(0));
    };
    BOOST_TEST(oc->getValue<int>("accepted") == count("SELECT count(*) FROM documents WHERE outcome='accepted'"));
    BOOST_TEST(oc->getValue<int>("review") == count("SELECT count(*) FROM documents WHERE outcome='review'"));
    BOOST_TEST(oc->getValue<int>("rejected") == count("SELECT count(*) FROM documents WHERE outcome='rejected'"));
    // Six sample files, one an exact copy: five inputs and one duplicate.
    BOOST_TEST(o->getValue<int>("files") == 6);
    BOOST_TEST(oc->getValue<int>("duplicate") == 1);
    BOOST_TEST(count("SELECT count(*) FROM inputs") == 5);
    BOOST_TEST(o->getArray("review")->size() == static_cast<size_t>(oc->getValue<int>("review")));
    // The readable report says the same in Swedish, and the text summary is there too.
    auto open = run_linkage({"--home", home, "report", "--open"});
    std::string path = open.out.substr(0, open.out.size() - 1);
    BOOST_TEST(fs::path(path).extension() == ".html");
    auto html = test_support::read_file(path);
    BOOST_TEST(html.find("Morgonrapport") != std::string::npos);
    BOOST_TEST(html.find("Blanketten saknar underskrift") != std::string::npos);
    BOOST_TEST(html.find("sample-005-signer-not-admin.jpg") != std::string::npos);
    // Issue 17: local time, the accepted forms listed, the client named on
    // every row (the unsigned form too, from the registry by its number); the
    // file has no links (the batch does not know the server's address).
    BOOST_TEST(html.find("(svensk tid)") != std::string::npos);
    BOOST_TEST(html.find("(UTC)") == std::string::npos);
    BOOST_TEST(html.find("Godkända blanketter") != std::string::npos);
    {
        auto acc = c->prepare("SELECT i.file_name FROM documents d JOIN inputs i ON i.sha256 = d.sha256 "
                              "WHERE d.outcome = 'accepted'");
        const auto section = html.substr(html.find("Godkända blanketter"));
        while (acc->step()) BOOST_TEST(section.find(acc->get_text(0)) != std::string::npos);
    }
    BOOST_TEST(html.find("Öresunds Fisk AB") != std::string::npos);
    BOOST_TEST(html.find("Lena Öberg Konsult") != std::string::npos);
    BOOST_TEST(html.find("href=") == std::string::npos);
    // stdout is the path alone; the page's address is named on stderr.
    BOOST_TEST(open.out.find('\n') == open.out.size() - 1);
    BOOST_TEST(open.err.find("/review/tasks/report") != std::string::npos);
    auto text = run_linkage({"--home", home, "report"});
    BOOST_TEST(text.out.find("accepted " + std::to_string(oc->getValue<int>("accepted"))) != std::string::npos);
    // Item 13: the CLI names the run's times in Swedish local time, not UTC text.
    BOOST_TEST(text.out.find("Swedish time") != std::string::npos);
    BOOST_TEST(text.out.find(o->getValue<std::string>("finished_at")) == std::string::npos);
    // A second run adds a row to the trend.
    auto again = run_linkage({"--home", home, "batch"});
    auto open2 = run_linkage({"--home", home, "report", "--open"});
    auto html2 = test_support::read_file(open2.out.substr(0, open2.out.size() - 1));
    BOOST_TEST(html2.find("senaste 2 körningarna") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_in_a_file_name_is_escaped) {
    test_support::TempDir dir;
    auto home = (dir.path() / "home").string();
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    auto evil = dir.path() / "home" / "inbox" / "<img src=x onerror=alert(1)>.pdf";
    test_support::write_file(evil, "%PDF-1.4 not really\n%%EOF\n");
    fs::last_write_time(evil, fs::file_time_type::clock::now() - std::chrono::minutes(5));
    BOOST_TEST(run_linkage({"--home", home, "batch"}).exit_code == 0);
    auto open = run_linkage({"--home", home, "report", "--open"});
    auto html = test_support::read_file(open.out.substr(0, open.out.size() - 1));
    BOOST_TEST(html.find("<img src=x") == std::string::npos);
    BOOST_TEST(html.find("&lt;img src=x onerror=alert(1)&gt;.pdf") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
