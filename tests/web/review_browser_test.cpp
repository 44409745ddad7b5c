#define BOOST_TEST_MODULE review_browser
#include <boost/test/unit_test.hpp>

#include "review_fixture.hpp"
#include "web_fixture.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>

// Issue 17: the review screen in headless Chromium. (1) The registry panel
// and the true reasons with real forms and cookies (tests/support/cdp_drive.py).
// (2) Keyboard only, end to end: tests/web/review_timing.py signs in, opens
// the queue with Enter and finishes every queued document of different
// reasons with access keys (Alt+1, Alt+O, …), typing and Enter, checks that
// Alt+S shows the whole page and Alt+X returns to the field, and reports the
// time per document. Screenshots go to $LINKAGE_ARTIFACTS.

using namespace test_support;

namespace {

std::filesystem::path artifacts() {
    const char* a = std::getenv("LINKAGE_ARTIFACTS");
    std::filesystem::path p = a ? a : "test-artifacts/web";
    std::filesystem::create_directories(p);
    return p;
}

struct Steps {
    Poco::JSON::Array steps;
    Steps& go(const std::string& url) { return add("goto", url); }
    Steps& click(const std::string& css) { return add("click", css); }
    Steps& shot(const std::string& name) { return add("shot", (artifacts() / name).string()); }
    Steps& text(const std::filesystem::path& file) { return add("text", file.string()); }
    Steps& html(const std::filesystem::path& file) { return add("html", file.string()); }
    Steps& enter(const std::string& css) { return add("enter", css); }
    Steps& fill(const std::string& css, const std::string& value) {
        Poco::JSON::Object f, o;
        f.set(css, value);
        o.set("fill", f);
        steps.add(o);
        return *this;
    }
    Steps& add(const std::string& k, const std::string& v) {
        Poco::JSON::Object o;
        o.set(k, v);
        steps.add(o);
        return *this;
    }
};

std::string drive(const TempDir& dir, const Steps& s) {
    Poco::JSON::Object spec;
    spec.set("steps", s.steps);
    spec.set("width", 1280);
    spec.set("height", 1000);
    std::ostringstream json;
    spec.stringify(json);
    static int n = 0;
    const auto file = dir.path() / ("steps" + std::to_string(++n) + ".json");
    write_file(file, json.str());
    ChildProcess p({"/usr/bin/python3", (source_dir() / "tests/support/cdp_drive.py").string(), file.string()},
                   dir.path() / "cdp.out", dir.path() / "cdp.err");
    if (!p.wait_for(std::chrono::seconds(60))) return "cdp_drive timed out";
    return p.wait() == 0 ? "" : read_file(dir.path() / "cdp.err") + " (exit " + std::to_string(p.wait()) + ")";
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(review_chromium)

BOOST_AUTO_TEST_CASE(registry_panel_true_reasons_and_a_registry_value_taken_by_click) {
    ReviewFixture f;
    TempDir work;
    const std::string id = f.open_document();
    BOOST_REQUIRE(!id.empty());
    Steps s;
    s.go(f.base_url + "/review/login")
        .fill("#username", "stina")
        .fill("#password", "granska-noga-1")
        .click("#logga-in")
        .shot("review-queue.png")
        .click("#borja")
        .shot("review-registry-panel.png")
        .text(work.path() / "panel.txt")
        // The signer corrected, e-mail and place emptied: Enter.
        .fill("#f-signer_name", "Karin Åkesson")
        .fill("#f-signer_email", "")
        .fill("#f-place", "")
        .enter("#f-place")
        .shot("review-true-reasons.png")
        .text(work.path() / "reasons.txt")
        // The registry's administrator taken into the signer's fields.
        .click("#valj-admin-1")
        .shot("review-registry-taken.png")
        .html(work.path() / "taken.html")
        .fill("#f-place", "Jönköping")
        .enter("#f-place")
        .text(work.path() / "done.txt");
    {
        auto e = drive(work, s);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto panel = read_file(work.path() / "panel.txt");
    BOOST_TEST(has(panel, "Klientens systemadministratörer"), panel);
    BOOST_TEST(has(panel, "Karin Åkesson\nkarin@akessonbygg.example"));
    BOOST_TEST(has(panel, "Olof Åkesson\nolof@akessonbygg.example"));
    BOOST_TEST(has(panel, "Redovisningsbyrån Norrsken AB, 559123-4561"));
    BOOST_TEST(has(panel, "Status: godkänd, väntar på aktivering"));
    BOOST_TEST(has(panel, "Nästa steg"));
    BOOST_TEST(!has(panel, "bureau_user:"));
    BOOST_TEST(!has(panel, "archive/"));

    const auto reasons = read_file(work.path() / "reasons.txt");
    BOOST_TEST(has(reasons, "E-postadress: Ett obligatoriskt fält är tomt."), reasons);
    BOOST_TEST(has(reasons, "Ort: Ett obligatoriskt fält är tomt."));
    BOOST_TEST(!has(reasons, "kan inte identifieras"));
    BOOST_TEST(!has(reasons, "organisationsnumren"));
    BOOST_TEST(!has(reasons, "Namnförtydligande: Undertecknaren är inte registrerad"));  // fixed: no stale error

    const auto taken = read_file(work.path() / "taken.html");
    BOOST_TEST(has(taken, "value=\"karin@akessonbygg.example\""));
    BOOST_TEST(has(taken, "value=\"Karin Åkesson\""));
    BOOST_TEST(has(taken, "från registret"));

    const auto done = read_file(work.path() / "done.txt");
    BOOST_TEST(done.find("/review\n") == 0u, done);
    BOOST_TEST(f.scalar("SELECT count(*) FROM documents WHERE id = " + id + " AND review_state = 'approved'") == 1);
    BOOST_TEST(f.scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND after LIKE "
                        "'%karin@akessonbygg.example%'") == 1);
    for (const char* png : {"review-queue.png", "review-registry-panel.png", "review-true-reasons.png",
                            "review-registry-taken.png"})
        BOOST_TEST(std::filesystem::file_size(artifacts() / png) > 10000u, png);
}

BOOST_AUTO_TEST_CASE(keyboard_only_review_of_queued_documents_with_different_reasons) {
    TempDir work;
    const auto keep = work.path() / "timing";
    const auto json = work.path() / "timing.json";
    const auto shots = artifacts() / "review-timing";
    ChildProcess p({"/usr/bin/python3", (source_dir() / "tests/web/review_timing.py").string(), "--linkage",
                    linkage_bin().string(), "--keep", keep.string(), "--json", json.string(), "--shots", shots.string(),
                    "--docs", "4"},
                   work.path() / "timing.out", work.path() / "timing.err");
    BOOST_REQUIRE_MESSAGE(p.wait_for(std::chrono::seconds(240)), "review_timing.py timed out");
    const int rc = p.wait();
    const auto out = read_file(work.path() / "timing.out");
    BOOST_TEST_MESSAGE(out);
    BOOST_REQUIRE_MESSAGE(rc == 0, out + read_file(work.path() / "timing.err"));
    auto result = Poco::JSON::Parser().parse(read_file(json)).extract<Poco::JSON::Object::Ptr>();
    // The demo's document and the four scans, every one decided by keyboard.
    BOOST_TEST(result->getValue<int>("documents") == 5);
    BOOST_TEST(result->getValue<int>("left_open") == 0);
    BOOST_TEST(result->getValue<double>("median_keys") <= 9.0);
    BOOST_TEST(result->getValue<double>("median_person_seconds") <= 15.0);
    auto db = open_test_store(keep / "home");
    auto scalar = [&](const std::string& sql) {
        auto s = db->prepare(sql);
        s->step();
        return s->get_int(0);
    };
    // sample-005: the signer taken from the registry with Alt+1, approved with Enter.
    BOOST_TEST(scalar("SELECT count(*) FROM documents d JOIN inputs i ON i.sha256 = d.sha256 WHERE i.file_name = "
                      "'sample-005-signer-not-admin.jpg' AND d.review_state = 'approved' AND d.reviewed_by = 'stina' AND "
                      "d.fields LIKE '%Karin Åkesson%'") == 1);
    // The wrong check digit: the client's number taken from the registry (Alt+O), recorded as a correction.
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action = 'field_corrected' AND actor = 'stina' AND after LIKE "
                      "'%client_orgnr%'") >= 1);
    // Empty e-mail: taken from the registry (Alt+M); no place on the paper: approved with a typed override.
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action = 'review_approved' AND after LIKE "
                      "'%Ort saknas på blanketten%'") == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action = 'field_corrected' AND after LIKE "
                      "'%goran@oresundsfisk.example%'") == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM documents WHERE review_state = 'open'") == 0);
    BOOST_TEST(std::filesystem::file_size(shots / "whole-page.png") > 10000u);
}

BOOST_AUTO_TEST_SUITE_END()
