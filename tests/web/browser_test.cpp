#define BOOST_TEST_MODULE browser
#include <boost/test/unit_test.hpp>

#include "store/linkage_repo.hpp"
#include "review_fixture.hpp"
#include "web_fixture.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdlib>
#include <regex>

// The approval page and the bureau's Koppla klient pages driven in headless
// Chromium (tests/support/cdp_drive.py speaks the DevTools protocol): real
// forms, real cookies (HttpOnly, SameSite=Strict), real CSRF round trips.
// Screenshots are kept as test artifacts in $LINKAGE_ARTIFACTS
// (build/test-artifacts/web); docs/screenshots/ holds reviewed copies.

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

// Runs the steps in a fresh Chromium profile; returns cdp_drive's stderr ("" when fine).
std::string drive(const TempDir& dir, const Steps& s) {
    Poco::JSON::Object spec;
    spec.set("steps", s.steps);
    spec.set("width", 1200);
    spec.set("height", 900);
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

void check_png(const std::string& name) {
    const auto p = artifacts() / name;
    BOOST_TEST_INFO(name);
    BOOST_TEST(std::filesystem::exists(p));
    if (!std::filesystem::exists(p)) return;
    BOOST_TEST(std::filesystem::file_size(p) > 10000u);
    BOOST_TEST(read_file(p).substr(0, 8) == std::string("\x89PNG\r\n\x1a\n"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chromium)

BOOST_AUTO_TEST_CASE(koppla_klient_and_the_approval_pages_in_a_real_browser) {
    WebFixture f;
    TempDir work;
    f.set_password("anna.norrsken", "lösenord-anna-1");
    f.set_password("erik.kpmg", "lösenord-erik-1");
    const std::string url = f.base_url;

    // The bureau: sign in, client list, Koppla klient, search, Skicka förfrågan.
    Steps bureau;
    bureau.go(url + "/login")
        .fill("#username", "anna.norrsken")
        .fill("#password", "lösenord-anna-1")
        .click("#logga-in")
        .shot("web-clients.png")
        .click("#koppla-klient")
        .fill("#q", "559456-7892")
        .fill("#subscription", "100234")  // both numbers: the name is shown (issue 16)
        .click("#sok")
        .shot("web-koppla-klient.png")
        .text(work.path() / "result.txt")
        .click("#skicka")
        .shot("web-request-sent.png")
        .text(work.path() / "sent.txt")
        .go(url + "/clients")
        .shot("web-clients-after-request.png");
    {
        auto e = drive(work, bureau);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST(read_file(work.path() / "result.txt").find("Åkesson Bygg & Måleri AB") != std::string::npos);
    BOOST_TEST(read_file(work.path() / "sent.txt").find("Förfrågan är skickad") != std::string::npos);
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 1);

    // An excluded bureau sees no Koppla klient button.
    Steps kpmg;
    kpmg.go(url + "/login")
        .fill("#username", "erik.kpmg")
        .fill("#password", "lösenord-erik-1")
        .click("#logga-in")
        .shot("web-clients-excluded.png")
        .text(work.path() / "kpmg.txt");
    {
        auto e = drive(work, kpmg);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto kpmg_text = read_file(work.path() / "kpmg.txt");
    BOOST_TEST(kpmg_text.find("blanketten") != std::string::npos);
    BOOST_TEST(kpmg_text.find("Koppla klient\n") == std::string::npos);

    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 2u);
    std::string karin, olof;
    for (auto& m : mails) (m.headers["To"].find("karin@") != std::string::npos ? karin : olof) = approval_link_in(m.body);
    f.clock.advance(std::chrono::minutes(20));

    // Karin: the pending approval page, then Godkänn.
    Steps admin1;
    admin1.go(karin).shot("web-approval-pending.png").click("#godkann").shot("web-approval-approved-self.png")
        .text(work.path() / "karin.txt");
    {
        auto e = drive(work, admin1);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST(read_file(work.path() / "karin.txt").find("Du godkände kopplingen") != std::string::npos);
    auto l = store::LinkageRepo(*f.db, f.clock).list().at(0);
    BOOST_TEST((l.state == core::LinkageState::approved));

    // Olof: his link shows that Karin already approved, and when.
    Steps admin2;
    admin2.go(olof).shot("web-approval-already-approved.png").text(work.path() / "olof.txt");
    {
        auto e = drive(work, admin2);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST(read_file(work.path() / "olof.txt").find("Kopplingen godkändes av Karin Åkesson") != std::string::npos);

    // An expired link.
    BOOST_REQUIRE(f.api_client("anna.norrsken").post_json("/api/v1/linkage-requests", R"({"client": "100871"})").status ==
                  201);
    std::string expired;
    for (auto& m : f.deliver())
        if (m.headers["To"].find("goran@") != std::string::npos) expired = approval_link_in(m.body);
    f.clock.advance(std::chrono::hours(24 * 8));
    Steps late;
    late.go(expired).shot("web-approval-expired.png").text(work.path() / "expired.txt");
    {
        auto e = drive(work, late);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST(read_file(work.path() / "expired.txt").find("Länken har gått ut") != std::string::npos);

    for (const char* png : {"web-clients.png", "web-koppla-klient.png", "web-request-sent.png", "web-clients-after-request.png",
                            "web-clients-excluded.png", "web-approval-pending.png", "web-approval-approved-self.png",
                            "web-approval-already-approved.png", "web-approval-expired.png"})
        check_png(png);
}

// Issue 17: Post/Redirect/Get on Koppla klient in a real browser (the send
// lands on its own result page; loading it again sends nothing), the
// bureau's notice after the client's approval, a late Avböj's page with its
// revocation path, and the pre-filled form for an excluded bureau.
BOOST_AUTO_TEST_CASE(prg_notices_late_decline_and_prefilled_form_in_a_real_browser) {
    WebFixture f;
    TempDir work;
    f.set_password("anna.norrsken", "lösenord-anna-1");
    f.set_password("erik.kpmg", "lösenord-erik-1");
    const std::string url = f.base_url;
    Steps bureau;
    bureau.go(url + "/login")
        .fill("#username", "anna.norrsken")
        .fill("#password", "lösenord-anna-1")
        .click("#logga-in")
        .click("#koppla-klient")
        .fill("#q", "19811218-9876")  // a sole trader: the personal number is POSTed
        .click("#sok")
        .shot("bureau-search-personal.png")
        .text(work.path() / "personal.txt")
        .fill("#q", "559456-7892")
        .fill("#subscription", "100234")
        .click("#sok")
        .shot("bureau-search-result.png")
        .text(work.path() / "result.txt")
        .click("#skicka")
        .shot("bureau-request-sent.png")
        .text(work.path() / "sent.txt");
    {
        auto e = drive(work, bureau);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto personal = read_file(work.path() / "personal.txt");
    BOOST_TEST(personal.find("/clients/link\n") == 0u, personal);
    BOOST_TEST(personal.find("9876") == std::string::npos);
    const auto sent = read_file(work.path() / "sent.txt");
    BOOST_TEST(std::regex_search(sent, std::regex("^/clients/link/sent/\\d+\n")), sent);
    BOOST_TEST(sent.find("Förfrågan är skickad till Åkesson Bygg & Måleri AB") != std::string::npos);
    const std::string sent_path = sent.substr(0, sent.find('\n'));
    // F5: the same address again shows the result and sends nothing.
    Steps reload;
    reload.go(url + "/login")
        .fill("#username", "anna.norrsken")
        .fill("#password", "lösenord-anna-1")
        .click("#logga-in")
        .go(url + sent_path)
        .text(work.path() / "reloaded.txt");
    {
        auto e = drive(work, reload);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST(read_file(work.path() / "reloaded.txt").find("Förfrågan är skickad") != std::string::npos);
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 1);
    std::string karin, olof;
    for (auto& m : f.deliver()) {
        if (m.headers["To"].find("karin@") != std::string::npos) karin = approval_link_in(m.body);
        if (m.headers["To"].find("olof@") != std::string::npos) olof = approval_link_in(m.body);
    }
    BOOST_REQUIRE(!karin.empty());
    BOOST_REQUIRE(!olof.empty());
    Steps admin;
    admin.go(karin).click("#godkann").go(olof + "?svar=avboj").shot("approve-late-decline.png").text(work.path() / "late.txt");
    {
        auto e = drive(work, admin);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto late = read_file(work.path() / "late.txt");
    BOOST_TEST(late.find("Ditt Avböj ändrade ingenting") != std::string::npos, late);
    BOOST_TEST(late.find("Återkalla kopplingen") != std::string::npos);
    // The bureau is told on its client list (and by mail).
    Steps told;
    told.go(url + "/login")
        .fill("#username", "anna.norrsken")
        .fill("#password", "lösenord-anna-1")
        .click("#logga-in")
        .shot("bureau-clients-notice.png")
        .text(work.path() / "told.txt")
        .click("#besked-last")
        .text(work.path() / "read.txt");
    {
        auto e = drive(work, told);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto told_text = read_file(work.path() / "told.txt");
    BOOST_TEST(told_text.find("Nytt om era förfrågningar") != std::string::npos, told_text);
    BOOST_TEST(told_text.find("godkände kopplingen") != std::string::npos);
    BOOST_TEST(read_file(work.path() / "read.txt").find("Nytt om era förfrågningar") == std::string::npos);
    bool mailed = false;
    for (auto& m : f.deliver()) mailed = mailed || m.headers["To"].find("anna@norrsken.example") != std::string::npos;
    BOOST_TEST(mailed);
    // An excluded bureau prints its pre-filled form from the web.
    Steps kpmg;
    kpmg.go(url + "/login")
        .fill("#username", "erik.kpmg")
        .fill("#password", "lösenord-erik-1")
        .click("#logga-in")
        .click("#blankett")
        .fill("#q", "556612-3450")
        .fill("#subscription", "100871")
        .click("#skapa-blankett")
        .shot("bureau-prefilled-form.png")
        .text(work.path() / "form.txt");
    {
        auto e = drive(work, kpmg);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto form = read_file(work.path() / "form.txt");
    BOOST_TEST(form.find("/clients/form\n") == 0u, form);
    BOOST_TEST(form.find("är klar, referenskod") != std::string::npos, form);
    BOOST_TEST(form.find("Ladda ner blanketten (PDF)") != std::string::npos);
    for (const char* png : {"bureau-search-personal.png", "bureau-search-result.png", "bureau-request-sent.png",
                            "approve-late-decline.png", "bureau-clients-notice.png", "bureau-prefilled-form.png"})
        check_png(png);
}

// Issue 5: a person finishes a document the pipeline sent to review, on
// the web, by keyboard: the queue, the document with its crops, fix the
// signer, Enter approves; the bureau then finds the linkage in its
// activation list and activates it with the checkboxes.
BOOST_AUTO_TEST_CASE(review_page_fix_a_value_approve_with_enter_then_activate) {
    ReviewFixture f;
    TempDir work;
    const std::string home = f.home.string();
    // The demo approved this pair with an earlier form; revoke that linkage so
    // the reviewed form decides a new one.
    std::string approved;
    {
        auto s = f.db->prepare("SELECT CAST(l.id AS TEXT) FROM linkages l JOIN clients c ON c.id = l.client_id "
                               "JOIN bureaus b ON b.id = l.bureau_id WHERE b.orgnr = '559123-4561' AND "
                               "c.orgnr = '559456-7892' AND l.state = 'approved'");
        if (s->step()) approved = s->get_text(0);
    }
    if (!approved.empty()) BOOST_REQUIRE(run_linkage({"--home", home, "revoke", approved}).exit_code == 0);
    BOOST_REQUIRE(run_linkage({"--home", home, "user", "password", "anna.norrsken"}, "lösenord-anna-1\n").exit_code == 0);
    const std::string id = f.open_document();
    BOOST_REQUIRE(!id.empty());
    const auto started = std::chrono::steady_clock::now();
    Steps review;
    review.go(f.base_url + "/review/login")
        .fill("#username", "stina")
        .fill("#password", "granska-noga-1")
        .click("#logga-in")
        .shot("review-queue.png")
        .click("#borja")
        .shot("review-document.png")
        .text(work.path() / "document.txt")
        .fill("#f-signer_name", "Karin Åkesson")
        .fill("#f-signer_email", "karin@akessonbygg.example")
        .add("enter", "#f-signer_email")
        .shot("review-done.png")
        .text(work.path() / "done.txt");
    {
        auto e = drive(work, review);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::minutes(1)));
    const auto doc = read_file(work.path() / "document.txt");
    BOOST_TEST(doc.find("Undertecknaren är inte registrerad systemadministratör") != std::string::npos);
    const auto done = read_file(work.path() / "done.txt");
    BOOST_TEST(done.find("/review\n") == 0u, done);
    BOOST_TEST(done.find("Dokument " + id + " är klart") != std::string::npos);
    BOOST_TEST(f.scalar("SELECT count(*) FROM documents WHERE id = " + id + " AND review_state = 'approved' AND "
                        "reviewed_by = 'stina'") == 1);

    Steps bureau;
    bureau.go(f.base_url + "/login")
        .fill("#username", "anna.norrsken")
        .fill("#password", "lösenord-anna-1")
        .click("#logga-in")
        .go(f.base_url + "/activation")
        .shot("review-activation-list.png")
        .text(work.path() / "activation.txt")
        .add("check", "input[name='perm.per.norrsken.bookkeeping']")
        .add("check", "input[name='perm.per.norrsken.reports']")
        .add("check", "input[name='perm.sara.norrsken.payroll']")
        .click("form[action^='/activation/'] button")
        .shot("review-client-list.png")
        .text(work.path() / "clients.txt");
    {
        auto e = drive(work, bureau);
        BOOST_REQUIRE_MESSAGE(e.empty(), e);
    }
    const auto list = read_file(work.path() / "activation.txt");
    BOOST_TEST(list.find("Åkesson Bygg & Måleri AB") != std::string::npos, list);
    BOOST_TEST(list.find("efter manuell granskning") != std::string::npos);
    const auto clients = read_file(work.path() / "clients.txt");
    BOOST_TEST(clients.find("Klienten är aktiverad") != std::string::npos, clients);
    BOOST_TEST(clients.find("Per Åström: Bokföring, Rapporter") != std::string::npos);
    BOOST_TEST(f.scalar("SELECT count(*) FROM linkages WHERE state = 'activated' AND approved_via = 'review'") == 1);
    for (const char* png : {"review-queue.png", "review-document.png", "review-done.png", "review-activation-list.png",
                            "review-client-list.png"})
        check_png(png);
}

BOOST_AUTO_TEST_SUITE_END()
