#define BOOST_TEST_MODULE tasks
#include <boost/test/unit_test.hpp>

#include "report/report_journal.hpp"
#include "review_fixture.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <filesystem>

#include <cstdlib>
#include <ctime>

// The staff task page and the morning report page (issue 17) over HTTP on
// the README demo's state directory: staff only, every processed file with
// its client named and Swedish local time, the filters, links to the
// document and its original, the runs with their counts, what was left in
// the inbox; and the duplicates metric.

using namespace test_support;

namespace {

// Europe/Stockholm wall-clock time of a stored UTC text, by the system's
// tz database (an oracle independent of the product's own rule).
std::string local_by_tzdata(const std::string& utc) {
    std::tm tm{};
    strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::time_t t = timegm(&tm);
    const char* old = std::getenv("TZ");
    const std::string saved = old ? old : "";
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    std::tm local{};
    localtime_r(&t, &local);
    if (old) setenv("TZ", saved.c_str(), 1);
    else unsetenv("TZ");
    tzset();
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
    return buf;
}

std::string text_of(store::Connection& db, const std::string& sql) {
    auto s = db.prepare(sql);
    return s->step() && !s->is_null(0) ? s->get_text(0) : std::string();
}

// The table row (<tr>…</tr>) of the page that mentions `needle`.
std::string row_with(const std::string& html, const std::string& needle) {
    auto at = html.find(needle);
    if (at == std::string::npos) return {};
    auto start = html.rfind("<tr", at), end = html.find("</tr>", at);
    return start == std::string::npos || end == std::string::npos ? std::string() : html.substr(start, end - start);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tasks_web, ReviewFixture)

BOOST_AUTO_TEST_CASE(staff_only) {
    const std::string sha = text_of(*db, "SELECT sha256 FROM inputs ORDER BY processed_at LIMIT 1");
    for (const std::string& path : std::vector<std::string>{"/review/tasks", "/review/tasks?outcome=review",
                                                            "/review/tasks/report", "/review/tasks/original/" + sha}) {
        BOOST_TEST_INFO(path);
        auto r = HttpClient(port).get(path);
        BOOST_TEST(r.status == 303);
        BOOST_TEST(r.headers["Location"] == "/review/login");
        BOOST_TEST(!r.has(sha));
        BOOST_TEST(!r.has("sample-001-clean.jpg"));
    }
    // A made-up session cookie is no session either.
    HttpClient forged(port);
    forged.cookies["staff_sid"] = std::string(43, 'A');
    BOOST_TEST(forged.get("/review/tasks").status == 303);
    BOOST_TEST(staff().get("/review/tasks").status == 200);
    // Only GET.
    BOOST_TEST(staff().post_form("/review/tasks", {}).status == 405);
}

BOOST_AUTO_TEST_CASE(every_file_with_client_local_time_and_links) {
    auto c = staff();
    auto page = c.get("/review/tasks");
    BOOST_TEST_REQUIRE(page.status == 200);
    BOOST_TEST(page.has("Uppgifter"));
    // Every document of the store is listed, with a link to it in the review
    // screen and to its original, its time in Swedish local time.
    auto docs = db->prepare(
        "SELECT d.id, i.file_name, d.created_at, d.sha256 FROM documents d JOIN inputs i ON i.sha256 = d.sha256");
    int n = 0;
    while (docs->step()) {
        ++n;
        const std::string id = std::to_string(docs->get_int(0)), file = docs->get_text(1);
        BOOST_TEST_INFO(file);
        const std::string row = row_with(page.body, "href=\"/review/" + id + "\"");
        BOOST_TEST_REQUIRE(!row.empty());
        BOOST_TEST(row.find(file) != std::string::npos);
        BOOST_TEST(row.find("/review/tasks/original/" + docs->get_text(3)) != std::string::npos);
        BOOST_TEST(row.find(local_by_tzdata(docs->get_text(2))) != std::string::npos);
    }
    BOOST_TEST(n == 5);
    // No UTC ISO time on the page.
    BOOST_TEST(!page.has("Z</td>"));
    BOOST_TEST(page.body.find(text_of(*db, "SELECT created_at FROM documents LIMIT 1")) == std::string::npos);
    // The client named on every row: from the linkage, from the registry by
    // the number on an unsigned form (no linkage), and for the duplicate the
    // client of the file it repeats.
    BOOST_TEST(row_with(page.body, "sample-004-unsigned.jpg").find("Lena Öberg Konsult") != std::string::npos);
    BOOST_TEST(row_with(page.body, "sample-004-unsigned.jpg").find("Avvisad") != std::string::npos);
    BOOST_TEST(row_with(page.body, "sample-004-unsigned.jpg").find("Blanketten saknar underskrift") != std::string::npos);
    BOOST_TEST(row_with(page.body, "sample-005-signer-not-admin.jpg").find("Åkesson Bygg &amp; Måleri AB") !=
               std::string::npos);
    BOOST_TEST(row_with(page.body, "sample-005-signer-not-admin.jpg").find("Till granskning") != std::string::npos);
    const std::string dup = row_with(page.body, "sample-006-copy.jpg");
    BOOST_TEST(dup.find("Dubblett") != std::string::npos);
    BOOST_TEST(dup.find("Samma fil som sample-001-clean.jpg") != std::string::npos);
    BOOST_TEST(dup.find("Åkesson Bygg &amp; Måleri AB") != std::string::npos);
    // Words, not codes.
    BOOST_TEST(!page.has("signer_not_admin"));
    BOOST_TEST(!page.has("duplicate_file"));
    // The latest run with its counts, linked to its report.
    const std::string run = row_with(page.body, "Körningens rapport");
    BOOST_TEST_REQUIRE(!run.empty());
    BOOST_TEST(run.find(">6<") != std::string::npos);  // files
    BOOST_TEST(run.find("/review/tasks/report?run=batch-") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(filter_by_outcome_and_day) {
    auto c = staff();
    auto rejected = c.get("/review/tasks?outcome=rejected");
    BOOST_TEST(rejected.status == 200);
    BOOST_TEST(rejected.has("sample-004-unsigned.jpg"));
    BOOST_TEST(!rejected.has("sample-001-clean.jpg"));
    BOOST_TEST(!rejected.has("sample-006-copy.jpg"));
    BOOST_TEST(rejected.has("aria-current=\"true\">Avvisade"));
    BOOST_TEST(rejected.has("1 träff,"));
    BOOST_TEST(!rejected.has("1 träffar"));
    auto dups = c.get("/review/tasks?outcome=duplicate");
    BOOST_TEST(dups.has("sample-006-copy.jpg"));
    BOOST_TEST(!dups.has("sample-004-unsigned.jpg"));
    auto accepted = c.get("/review/tasks?outcome=accepted");
    BOOST_TEST(accepted.has("sample-001-clean.jpg"));
    BOOST_TEST(accepted.has("sample-002-upside-down.pdf"));
    BOOST_TEST(!accepted.has("sample-005-signer-not-admin.jpg"));
    // An unknown outcome is no filter.
    BOOST_TEST(c.get("/review/tasks?outcome=%3Cscript%3E").has("sample-004-unsigned.jpg"));

    // The day is a Swedish local day: the day of the first document's local time.
    const std::string local = local_by_tzdata(text_of(*db, "SELECT min(created_at) FROM documents"));
    const std::string day = local.substr(0, 10);
    auto that_day = c.get("/review/tasks?day=" + day);
    BOOST_TEST(that_day.has("sample-001-clean.jpg"));
    BOOST_TEST(that_day.has("sample-006-copy.jpg"));
    auto both = c.get("/review/tasks?day=" + day + "&outcome=review");
    BOOST_TEST(both.has("sample-005-signer-not-admin.jpg"));
    BOOST_TEST(!both.has("sample-001-clean.jpg"));
    auto other_day = c.get("/review/tasks?day=2001-01-01");
    BOOST_TEST(!other_day.has("sample-001-clean.jpg"));
    BOOST_TEST(other_day.has("Inga filer med det urvalet"));
    auto bad = c.get("/review/tasks?day=2026-02-30");
    BOOST_TEST(bad.status == 200);
    BOOST_TEST(bad.has("går inte att tolka"));
    BOOST_TEST(bad.has("sample-001-clean.jpg"));  // shown unfiltered
}

BOOST_AUTO_TEST_CASE(original_file_from_the_store_only) {
    auto c = staff();
    const std::string sha = text_of(*db, "SELECT sha256 FROM inputs WHERE file_name = 'sample-001-clean.jpg'");
    const std::string stored = text_of(*db, "SELECT stored_path FROM inputs WHERE file_name = 'sample-001-clean.jpg'");
    auto r = c.get("/review/tasks/original/" + sha);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.headers["Content-Type"] == "image/jpeg");
    BOOST_TEST(r.body == read_file(home / stored));
    BOOST_TEST(r.headers["Content-Disposition"].find("sample-001-clean.jpg") != std::string::npos);
    // A PDF is downloaded, not shown (the CSP allows no plugin).
    const std::string pdf = text_of(*db, "SELECT sha256 FROM inputs WHERE file_name LIKE '%.pdf' LIMIT 1");
    auto p = c.get("/review/tasks/original/" + pdf);
    BOOST_TEST(p.status == 200);
    BOOST_TEST(p.headers["Content-Disposition"].rfind("attachment", 0) == 0);
    BOOST_TEST(p.body.substr(0, 5) == "%PDF-");
    // Anything that is not a known checksum is 404: no path from the URL.
    BOOST_TEST(c.get("/review/tasks/original/" + std::string(64, 'a')).status == 404);
    BOOST_TEST(c.get("/review/tasks/original/..%2F..%2Flinkage.db").status == 404);
    BOOST_TEST(c.get("/review/tasks/original/%2Fetc%2Fpasswd").status == 404);
    BOOST_TEST(c.get("/review/tasks/original/" + sha + "%2F..").status == 404);
}

BOOST_AUTO_TEST_CASE(morning_report_page) {
    auto c = staff();
    auto r = c.get("/review/tasks/report");
    BOOST_TEST_REQUIRE(r.status == 200);
    BOOST_TEST(r.has("Morgonrapport"));
    BOOST_TEST(r.has("(svensk tid)"));
    BOOST_TEST(!r.has("(UTC)"));
    // The accepted forms are listed, each with its client and a link to it.
    auto acc = db->prepare("SELECT d.id, i.file_name FROM documents d JOIN inputs i ON i.sha256 = d.sha256 "
                           "WHERE d.outcome = 'accepted'");
    const auto section = r.body.substr(r.body.find("Godkända blanketter"));
    int n = 0;
    while (acc->step()) {
        ++n;
        const std::string row = row_with(section, "href=\"/review/" + std::to_string(acc->get_int(0)) + "\"");
        BOOST_TEST_INFO(acc->get_text(1));
        BOOST_TEST(row.find(acc->get_text(1)) != std::string::npos);
    }
    BOOST_TEST(n == 3);
    BOOST_TEST(row_with(section, "sample-002-upside-down.pdf").find("Öresunds Fisk AB") != std::string::npos);
    // The unsigned form names its client too; the review item links to the document.
    BOOST_TEST(row_with(r.body, "sample-004-unsigned.jpg").find("Lena Öberg Konsult") != std::string::npos);
    BOOST_TEST(r.has("href=\"/review/" + open_document() + "\""));
    BOOST_TEST(r.has("href=\"/review/tasks\""));
    // Its start time in local time.
    auto latest = report::latest_run(home / "reports");
    BOOST_TEST_REQUIRE(latest.has_value());
    BOOST_TEST(r.has("Körningen startade " + local_by_tzdata(latest->summary.started_at)));
    // A named report of the listing; anything else 404.
    BOOST_TEST(c.get("/review/tasks/report?run=" + latest->path.filename().string()).status == 200);
    BOOST_TEST(c.get("/review/tasks/report?run=..%2F..%2Flinkage.db").status == 404);
    BOOST_TEST(c.get("/review/tasks/report?run=batch-1999.json").status == 404);
}

BOOST_AUTO_TEST_CASE(left_in_the_inbox_and_duplicates_counted) {
    auto metric = [&] {
        auto m = run_linkage({"--home", home.string(), "metrics"});
        auto at = m.out.find("\nlinkage_duplicate_files ");
        return at == std::string::npos ? -1 : std::stoi(m.out.substr(at + 25));
    };
    BOOST_TEST(metric() == scalar("SELECT count(*) FROM duplicate_files"));
    BOOST_TEST(metric() == 1);
    // The same bytes again, and a folder the batch leaves alone.
    const auto inbox = home / "inbox";
    const std::string stored = text_of(*db, "SELECT stored_path FROM inputs WHERE file_name = 'sample-002-upside-down.pdf'");
    std::filesystem::copy_file(home / stored, inbox / "igen-002.pdf");
    std::filesystem::last_write_time(inbox / "igen-002.pdf",
                                     std::filesystem::file_time_type::clock::now() - std::chrono::minutes(5));
    std::filesystem::create_directory(inbox / "en mapp");
    auto b = run_linkage({"--home", home.string(), "batch"});
    BOOST_TEST_REQUIRE(b.exit_code == 0, b.err);
    BOOST_TEST(metric() == 2);
    auto page = staff().get("/review/tasks");
    const std::string dup = row_with(page.body, "igen-002.pdf");
    BOOST_TEST(dup.find("Samma fil som sample-002-upside-down.pdf") != std::string::npos);
    BOOST_TEST(dup.find("Öresunds Fisk AB") != std::string::npos);
    BOOST_TEST(page.has("Lämnades kvar i inkorgen"));
    BOOST_TEST(row_with(page.body.substr(page.body.find("Lämnades kvar i inkorgen")), "en mapp").size() > 0);
    // Two runs now, newest first.
    BOOST_TEST(page.body.find("Körningens rapport") != page.body.rfind("Körningens rapport"));
}

BOOST_AUTO_TEST_CASE(a_reviewed_document_says_by_whom_and_when) {
    const std::string id = open_document();
    BOOST_TEST_REQUIRE(!id.empty());
    auto c = staff();
    auto doc = c.get("/review/" + id);
    auto ok = c.post_form("/review/" + id, {{"csrf", hidden_field(doc.body, "csrf")},
                                            {"decision", "approve"},
                                            {"f.signer_name", "Karin Åkesson"},
                                            {"f.signer_email", "karin@akessonbygg.example"}});
    BOOST_TEST_REQUIRE(ok.status == 303);
    const std::string at = text_of(*db, "SELECT reviewed_at FROM documents WHERE id = " + id);
    const std::string row = row_with(c.get("/review/tasks").body, "href=\"/review/" + id + "\"");
    // The person's name, not the username; local time.
    BOOST_TEST(row.find("Granskad: godkänd av Stina Granskare " + local_by_tzdata(at)) != std::string::npos, row);
    BOOST_TEST(row.find(">väntar<") == std::string::npos);
}

// The page in headless Chromium (tests/support/cdp_drive.py): sign in with
// the keyboard, filter with a chip and with the day form, open a document.
BOOST_AUTO_TEST_CASE(in_the_browser) {
    const std::string rejected_id = text_of(*db, "SELECT CAST(id AS TEXT) FROM documents WHERE outcome = 'rejected'");
    const std::string day =
        local_by_tzdata(text_of(*db, "SELECT min(created_at) FROM documents")).substr(0, 10);
    const auto out = dir.path() / "cdp";
    std::filesystem::create_directories(out);
    auto step = [](const std::string& k, const std::string& v) {
        Poco::JSON::Object o;
        o.set(k, v);
        return o;
    };
    Poco::JSON::Array steps;
    Poco::JSON::Object fill, login;
    login.set("#username", "stina");
    login.set("#password", "granska-noga-1");
    fill.set("fill", login);
    Poco::JSON::Object day_fill, day_value;
    day_value.set("#day", day);
    day_fill.set("fill", day_value);
    steps.add(step("goto", base_url + "/review/login"));
    steps.add(fill);
    steps.add(step("enter", "#password"));
    steps.add(step("goto", base_url + "/review/tasks"));
    steps.add(step("click", "a[href='/review/tasks?outcome=rejected']"));
    steps.add(step("text", (out / "rejected.txt").string()));
    steps.add(step("goto", base_url + "/review/tasks"));
    steps.add(day_fill);
    steps.add(step("enter", "#day"));
    steps.add(step("text", (out / "day.txt").string()));
    steps.add(step("goto", base_url + "/review/tasks?outcome=rejected"));
    steps.add(step("click", "a[href='/review/" + rejected_id + "']"));
    steps.add(step("text", (out / "document.txt").string()));
    Poco::JSON::Object spec;
    spec.set("steps", steps);
    spec.set("width", 1280);
    spec.set("height", 1000);
    std::ostringstream json;
    spec.stringify(json);
    write_file(out / "steps.json", json.str());
    ChildProcess p({"/usr/bin/python3", (source_dir() / "tests/support/cdp_drive.py").string(), (out / "steps.json").string()},
                   out / "cdp.out", out / "cdp.err");
    BOOST_TEST_REQUIRE(p.wait_for(std::chrono::seconds(90)));
    BOOST_TEST_REQUIRE(p.wait() == 0, read_file(out / "cdp.err"));
    const std::string rejected = read_file(out / "rejected.txt");
    BOOST_TEST(rejected.rfind("/review/tasks\n", 0) == 0);
    BOOST_TEST(rejected.find("sample-004-unsigned.jpg") != std::string::npos);
    BOOST_TEST(rejected.find("Lena Öberg Konsult") != std::string::npos);
    BOOST_TEST(rejected.find("sample-001-clean.jpg") == std::string::npos);
    const std::string on_day = read_file(out / "day.txt");
    BOOST_TEST(on_day.find("sample-001-clean.jpg") != std::string::npos);
    BOOST_TEST(on_day.find("Tiderna är svensk tid") != std::string::npos);
    const std::string doc = read_file(out / "document.txt");
    BOOST_TEST(doc.rfind("/review/" + rejected_id + "\n", 0) == 0);
    BOOST_TEST(doc.find("sample-004-unsigned.jpg") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
