#include <boost/test/unit_test.hpp>

#include "report/summary.hpp"
#include "test_support.hpp"

// The wording and time-zone rules of the morning report and the task page
// (issue 17, items 5 and 13): Europe/Stockholm local time (CET/CEST, the EU
// rule), local days as UTC ranges, and what the readable report says.

using namespace test_support;

BOOST_AUTO_TEST_SUITE(tasks_time)

BOOST_AUTO_TEST_CASE(stockholm_time_follows_the_eu_rule) {
    // Winter: UTC+1, also across midnight and the year.
    BOOST_TEST(core::stockholm_time("2026-11-26T23:03:17Z") == "2026-11-27 00:03");
    BOOST_TEST(core::stockholm_time("2026-12-31T23:30:00Z") == "2027-01-01 00:30");
    // Summer: UTC+2.
    BOOST_TEST(core::stockholm_time("2026-07-01T12:00:00Z") == "2026-07-01 14:00");
    // Spring forward: last Sunday of March 2026 is the 29th, at 01:00 UTC.
    BOOST_TEST(core::stockholm_time("2026-03-29T00:59:59Z") == "2026-03-29 01:59");
    BOOST_TEST(core::stockholm_time("2026-03-29T01:00:00Z") == "2026-03-29 03:00");
    // Fall back: last Sunday of October 2026 is the 25th, at 01:00 UTC.
    BOOST_TEST(core::stockholm_time("2026-10-25T00:59:00Z") == "2026-10-25 02:59");
    BOOST_TEST(core::stockholm_time("2026-10-25T01:00:00Z") == "2026-10-25 02:00");
    // Not a stored time: shown as it is.
    BOOST_TEST(core::stockholm_time("igår") == "igår");
    BOOST_TEST(core::stockholm_time("") == "");
    BOOST_TEST(core::stockholm_date(core::parse_utc("2026-11-26T23:30:00Z")) == "2026-11-27");
    BOOST_TEST(core::stockholm_date(core::parse_utc("2026-11-26T22:30:00Z")) == "2026-11-26");
}

BOOST_AUTO_TEST_CASE(a_local_day_is_a_utc_range) {
    auto winter = core::stockholm_day_bounds("2026-11-27");
    BOOST_TEST_REQUIRE(winter.has_value());
    BOOST_TEST(winter->first == "2026-11-26T23:00:00Z");
    BOOST_TEST(winter->second == "2026-11-27T23:00:00Z");
    auto summer = core::stockholm_day_bounds("2026-07-01");
    BOOST_TEST(summer->first == "2026-06-30T22:00:00Z");
    BOOST_TEST(summer->second == "2026-07-01T22:00:00Z");
    // The day the clocks go forward has 23 hours, the day they go back 25.
    auto spring = core::stockholm_day_bounds("2026-03-29");
    BOOST_TEST(spring->first == "2026-03-28T23:00:00Z");
    BOOST_TEST(spring->second == "2026-03-29T22:00:00Z");
    auto autumn = core::stockholm_day_bounds("2026-10-25");
    BOOST_TEST(autumn->first == "2026-10-24T22:00:00Z");
    BOOST_TEST(autumn->second == "2026-10-25T23:00:00Z");
    for (const char* bad : {"2026-02-30", "2026-13-01", "26-11-27", "2026-11-27x", "2026/11/27", "", "idag"}) {
        BOOST_TEST_INFO(bad);
        BOOST_TEST(!core::stockholm_day_bounds(bad).has_value());
    }
}

namespace {

report::Summary sample_summary() {
    report::Summary s;
    s.kind = "batch";
    s.started_at = "2026-11-26T23:03:17Z";
    s.finished_at = "2026-11-26T23:05:40Z";
    s.files = 4;
    s.documents = 4;
    s.seconds = 3.8;
    s.outcomes = {{"accepted", 1}, {"review", 1}, {"rejected", 1}, {"duplicate", 1}};
    s.reasons = {{"unsigned", 1}, {"signer_not_admin", 1}, {"duplicate_file", 1}};
    s.review.push_back({7, "granska.jpg", {"signer_not_admin"}});
    s.rejected.push_back({"osignerad.jpg", "rejected/abc--osignerad.jpg", {"unsigned"}, "Blanketten saknar underskrift."});
    s.rejected.push_back({"trasig.pdf", "rejected/def--trasig.pdf", {"unreadable"}, "Filen går inte att läsa."});
    return s;
}

report::ReportContext sample_context() {
    report::ReportContext c;
    c.accepted.push_back({6, "godkand.jpg", "Öresunds Fisk AB", "Ekonomihuset Väst AB", "2026-11-26T23:04:00Z", {},
                          std::string(64, 'a')});
    c.documents[7] = {7, "granska.jpg", "Åkesson Bygg AB", "Redovisningsbyrån Norrsken AB", "2026-11-26T23:04:30Z", {}, ""};
    c.files["osignerad.jpg"] = {8, "osignerad.jpg", "Lena Öberg Konsult", "Redovisningsbyrån Norrsken AB",
                                "2026-11-26T23:05:00Z", {"unsigned"}, std::string(64, 'b')};
    return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(report_wording_local_time_names_and_links) {
    TempDir dir;
    const auto templates = source_dir() / "templates";
    auto ctx = sample_context();
    ctx.links = true;
    ctx.page = true;
    const std::string html = report::render_report_html(sample_summary(), dir.path(), templates, ctx);
    BOOST_TEST_REQUIRE(!html.empty());
    // Local time, said so; no UTC.
    BOOST_TEST(html.find("startade 2026-11-27 00:03 och avslutades 2026-11-27 00:05 (svensk tid)") != std::string::npos);
    BOOST_TEST(html.find("UTC") == std::string::npos);
    BOOST_TEST(html.find("2026-11-26T23") == std::string::npos);
    // Swedish decimal comma.
    BOOST_TEST(html.find("4 filer, 4 blanketter") != std::string::npos);
    BOOST_TEST(html.find("3,8 s") != std::string::npos);
    // The accepted form is listed with client, bureau, local time and links.
    BOOST_TEST(html.find("Godkända blanketter") != std::string::npos);
    BOOST_TEST(html.find("Öresunds Fisk AB") != std::string::npos);
    BOOST_TEST(html.find("2026-11-27 00:04") != std::string::npos);
    BOOST_TEST(html.find("href=\"/review/6\"") != std::string::npos);
    BOOST_TEST(html.find("href=\"/review/tasks/original/" + std::string(64, 'a') + "\"") != std::string::npos);
    // Every row names its client: the review item, the unsigned form, and a
    // file nothing could be read from says so.
    BOOST_TEST(html.find("Åkesson Bygg AB") != std::string::npos);
    BOOST_TEST(html.find("Lena Öberg Konsult") != std::string::npos);
    BOOST_TEST(html.find("(ingen klient kunde läsas)") != std::string::npos);
    BOOST_TEST(html.find("href=\"/review/7\"") != std::string::npos);
    // Reasons in words (the code only beside its explanation).
    BOOST_TEST(html.find("Undertecknaren är inte registrerad systemadministratör") != std::string::npos);
    // The page's way back; paths are not shown where links are.
    BOOST_TEST(html.find("Tillbaka till uppgifterna") != std::string::npos);
    BOOST_TEST(html.find("rejected/abc--osignerad.jpg") == std::string::npos);
    // One run: singular wording.
    BOOST_TEST(html.find("Trend, den senaste körningen") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(report_file_without_links_and_without_the_store) {
    TempDir dir;
    const auto templates = source_dir() / "templates";
    // The file as the batch writes it with the store's context: names, no links (no server address).
    auto path = report::write_report(sample_summary(), dir.path(), templates, sample_context());
    const std::string html = read_file(std::filesystem::path(path).replace_extension(".html"));
    BOOST_TEST(html.find("Öresunds Fisk AB") != std::string::npos);
    BOOST_TEST(html.find("href=") == std::string::npos);
    BOOST_TEST(html.find("rejected/abc--osignerad.jpg") != std::string::npos);  // where it lies, for staff
    BOOST_TEST(html.find("Tillbaka till uppgifterna") == std::string::npos);
    // Without the store: the accepted forms counted, pointed to the web.
    auto later = sample_summary();
    later.started_at = "2026-11-27T23:03:17Z";
    later.finished_at = "2026-11-27T23:05:41Z";
    auto p2 = report::write_report(later, dir.path(), templates);
    const std::string bare = read_file(std::filesystem::path(p2).replace_extension(".html"));
    BOOST_TEST(bare.find("Godkända blanketter: 1. Listan med klienterna finns på uppgiftssidan") != std::string::npos);
    BOOST_TEST(bare.find("(ingen klient kunde läsas)") != std::string::npos);
    // One file: singular.
    report::Summary one;
    one.started_at = one.finished_at = "2026-11-28T01:00:00Z";
    one.files = one.documents = 1;
    const std::string single = report::render_report_html(one, dir.path() / "none", templates);
    BOOST_TEST(single.find("1 fil, 1 blankett") != std::string::npos);
    BOOST_TEST(single.find("1 blanketter") == std::string::npos);
    BOOST_TEST(single.find("Morgonrapport: batchkörning") != std::string::npos);
    // Two runs: plural wording, the earlier run's row in local time.
    BOOST_TEST(bare.find("Trend, de senaste 2 körningarna") != std::string::npos);
    BOOST_TEST(bare.find("2026-11-27 00:05") != std::string::npos);
    BOOST_TEST(bare.find("2026-11-28 00:05") != std::string::npos);
    // The earlier run's report, rendered again (as on the web page), shows no later run.
    const std::string earlier = report::render_report_html(sample_summary(), dir.path(), templates);
    BOOST_TEST(earlier.find("Trend, den senaste körningen") != std::string::npos);
    BOOST_TEST(earlier.find("2026-11-28 00:05") == std::string::npos);
    // recent_reports: newest first.
    auto recent = report::recent_reports(dir.path(), 5);
    BOOST_TEST_REQUIRE(recent.size() == 2u);
    BOOST_TEST(recent[0].second.finished_at == later.finished_at);
}

BOOST_AUTO_TEST_CASE(files_still_settling_are_listed_with_when_they_are_taken) {
    TempDir dir;
    const auto templates = source_dir() / "templates";
    report::Summary s;
    s.started_at = s.finished_at = "2026-07-01T06:00:00Z";
    s.inbox_waiting.push_back({"halvskriven.pdf", "incomplete", "Slutet av filen saknas ännu.", "2026-07-01T06:05:00Z"});
    s.inbox_waiting.push_back({"skannas.tif", "writing", "Ett program skriver fortfarande filen.", ""});
    const std::string html = report::render_report_html(s, dir.path() / "none", templates);
    BOOST_TEST(html.find("Väntar i inkorgen") != std::string::npos);
    BOOST_TEST(html.find("halvskriven.pdf") != std::string::npos);
    BOOST_TEST(html.find("Slutet av filen saknas ännu.") != std::string::npos);
    BOOST_TEST(html.find("2026-07-01 08:05") != std::string::npos);  // CEST, not 06:05 UTC
    BOOST_TEST(html.find("när programmet som skriver den är klart") != std::string::npos);
    // Nothing waiting: no such section.
    report::Summary empty;
    empty.started_at = empty.finished_at = s.started_at;
    BOOST_TEST(report::render_report_html(empty, dir.path() / "none", templates).find("Väntar i inkorgen") ==
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
