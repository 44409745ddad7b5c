#include <boost/test/unit_test.hpp>

#include "review_fixture.hpp"

using namespace test_support;

namespace {
// The value attribute of the text input named `name`.
std::string input_value(const std::string& html, const std::string& name) {
    auto at = html.find("name=\"" + name + "\"");
    if (at == std::string::npos) return {};
    auto v = html.find("value=\"", at);
    if (v == std::string::npos) return {};
    v += 7;
    return html.substr(v, html.find('"', v) - v);
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(review_web, ReviewFixture)

BOOST_AUTO_TEST_CASE(staff_only_queue_document_crops_and_csrf) {
    const std::string id = open_document();
    BOOST_TEST_REQUIRE(!id.empty());
    // Not signed in (or a bureau user's session): to the staff sign-in.
    BOOST_TEST(HttpClient(port).get("/review").status == 303);
    BOOST_TEST(HttpClient(port).get("/review/" + id + "/image/0").status == 303);
    auto wrong = HttpClient(port);
    auto page = wrong.get("/review/login");
    BOOST_TEST(wrong.post_form("/review/login", {{"username", "stina"}, {"password", "fel-lösenord-1"},
                                                  {"csrf", hidden_field(page.body, "csrf")}})
                   .status == 401);

    auto c = staff();
    auto queue = c.get("/review");
    BOOST_TEST(queue.status == 200);
    BOOST_TEST(queue.has("Granskningskö"));
    BOOST_TEST(queue.has("sample-005-signer-not-admin.jpg"));
    BOOST_TEST(queue.has("Undertecknaren är inte registrerad systemadministratör"));
    auto doc = c.get("/review/" + id);
    BOOST_TEST(doc.status == 200);
    BOOST_TEST(doc.has("value=\"Mats Svensson\""));
    BOOST_TEST(doc.has("/review/" + id + "/image/0"));
    BOOST_TEST(doc.has("autofocus"));
    // Crops come only from the document's view: an index, "signature", "page".
    auto crop = c.get("/review/" + id + "/image/0");
    BOOST_TEST(crop.status == 200);
    BOOST_TEST(crop.headers["Content-Type"] == "image/png");
    BOOST_TEST(crop.body.substr(0, 4) == std::string("\x89PNG"));
    BOOST_TEST(c.get("/review/" + id + "/image/page").status == 200);
    BOOST_TEST(c.get("/review/" + id + "/image/99").status == 404);
    BOOST_TEST(c.get("/review/" + id + "/image/..%2F..%2Flinkage.db").status == 404);
    BOOST_TEST(c.get("/review/" + id + "/image/%2Fetc%2Fpasswd").status == 404);

    // No CSRF: nothing happens.
    BOOST_TEST(c.post_form("/review/" + id, {{"decision", "approve"}}).status == 403);
    // A hard rule still fails: refused with the reason, values kept.
    const std::string csrf = hidden_field(doc.body, "csrf");
    auto refused = c.post_form("/review/" + id, {{"csrf", csrf}, {"decision", "approve"}, {"f.place", "Malmö"}});
    BOOST_TEST(refused.status == 422);
    BOOST_TEST(refused.has("Undantag"));
    BOOST_TEST(refused.has("value=\"Malmö\""));
    // Reject needs a reason.
    BOOST_TEST(c.post_form("/review/" + id, {{"csrf", csrf}, {"decision", "reject"}}).status == 422);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action LIKE 'review_%'") == 0);

    // Fix the signer, approve: the queue is empty now.
    auto ok = c.post_form("/review/" + id, {{"csrf", csrf},
                                            {"decision", "approve"},
                                            {"f.signer_name", "Karin Åkesson"},
                                            {"f.signer_email", "karin@akessonbygg.example"}});
    BOOST_TEST(ok.status == 303);
    // The demo approved the pair with sample-001 already: the form is kept as evidence, and the page says so.
    BOOST_TEST(ok.headers["Location"] == "/review?done=" + id + "&what=already_linked");
    BOOST_TEST(c.get(ok.headers["Location"]).has("Dokument " + id + " är klart: kopplingen fanns redan"));
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND actor='stina'") ==
               2);
    // A second approval (double click) is told it was decided.
    auto twice = c.post_form("/review/" + id, {{"csrf", csrf}, {"decision", "approve"}});
    BOOST_TEST(twice.status == 409);
    BOOST_TEST(twice.has("redan avgjort"));
}

// Issue 17 item 1: the true reasons, each under its field, recomputed after every change.
BOOST_AUTO_TEST_CASE(true_reasons_per_field_and_no_stale_errors) {
    const std::string id = open_document();
    BOOST_TEST_REQUIRE(!id.empty());
    auto c = staff();
    auto doc = c.get("/review/" + id);
    const std::string csrf = hidden_field(doc.body, "csrf");
    BOOST_TEST(doc.has("id=\"why-signer_name\""));
    // Right signer, but e-mail and place emptied: both numbers are right.
    auto r = c.post_form("/review/" + id, {{"csrf", csrf},
                                           {"decision", "approve"},
                                           {"f.signer_name", "Karin Åkesson"},
                                           {"f.signer_email", ""},
                                           {"f.place", ""}});
    BOOST_TEST(r.status == 422);
    BOOST_TEST(r.has("E-postadress: Ett obligatoriskt fält är tomt."), r.body);
    BOOST_TEST(r.has("Ort: Ett obligatoriskt fält är tomt."));
    BOOST_TEST(!r.has("kan inte identifieras"));
    BOOST_TEST(!r.has("Rätta organisationsnumr"));
    BOOST_TEST(r.has("id=\"why-signer_email\""));
    BOOST_TEST(r.has("id=\"why-place\""));
    // The signer's error is gone: it was fixed.
    BOOST_TEST(!r.has("id=\"why-signer_name\""));
    // A wrong check digit is an identity problem, named as such.
    auto bad = c.post_form("/review/" + id, {{"csrf", csrf}, {"decision", "approve"}, {"f.client_orgnr", "559456-7893"}});
    BOOST_TEST(bad.status == 422);
    BOOST_TEST(bad.has("kan inte identifieras"));
    BOOST_TEST(bad.has("Klientens organisationsnummer: Organisationsnumret är ogiltigt"));
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action LIKE 'review_%'") == 0);
}

// Issue 17 item 2: the registry panel, one key takes a value, a next step per reason.
BOOST_AUTO_TEST_CASE(registry_panel_take_a_value_then_approve) {
    const std::string id = open_document();
    BOOST_TEST_REQUIRE(!id.empty());
    auto c = staff();
    auto doc = c.get("/review/" + id);
    BOOST_TEST(doc.has("Klientens systemadministratörer"));
    BOOST_TEST(doc.has("Karin Åkesson"));
    BOOST_TEST(doc.has("olof@akessonbygg.example"));
    BOOST_TEST(doc.has("accesskey=\"1\""));
    BOOST_TEST(doc.has("Redovisningsbyrån Norrsken AB"));
    BOOST_TEST(doc.has("Nästa steg"));
    BOOST_TEST(doc.has("välj hen (Alt+1"));
    // A rejection's reason is proposed from what fails (editable; Alt+U then Enter).
    BOOST_TEST(doc.has("name=\"reason\" value=\"Undertecknaren är inte registrerad systemadministratör hos klienten.\""));
    // The demo approved the pair with sample-001: the panel says so.
    BOOST_TEST(doc.has("Redan godkänd med en annan inskannad blankett (sample-001-clean.jpg)"), doc.body);
    // Hashes and archive paths only behind "Visa blanketten".
    const auto details = doc.body.find("Visa blanketten");
    BOOST_TEST_REQUIRE(details != std::string::npos);
    BOOST_TEST(doc.body.find("archive/") > details);
    auto original = c.get("/review/" + id + "/image/original");
    BOOST_TEST(original.status == 200);
    BOOST_TEST(original.headers["Content-Type"] == "image/jpeg");

    const std::string csrf = hidden_field(doc.body, "csrf");
    auto taken = c.post_form("/review/" + id, {{"csrf", csrf}, {"take", "admin:1"}});
    BOOST_TEST(taken.status == 200);
    BOOST_TEST(taken.has("value=\"Karin Åkesson\""));
    BOOST_TEST(taken.has("value=\"karin@akessonbygg.example\""));
    BOOST_TEST(taken.has("från registret"));
    BOOST_TEST(taken.has("Alla kontroller går igenom"));
    BOOST_TEST(!taken.has("id=\"why-signer_name\""));
    // Nothing decided yet.
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND (action LIKE 'review_%' OR "
                      "action = 'field_corrected')") == 0);
    // A field's own suggestion: a wrong subscription number, the registry's taken back.
    auto sub = c.post_form("/review/" + id, {{"csrf", csrf}, {"take", "none"}, {"f.client_subscription", "100871"}});
    BOOST_TEST(sub.has("id=\"ta-in-client_subscription\""));
    BOOST_TEST(sub.has("id=\"why-client_subscription\""));
    auto back = c.post_form("/review/" + id,
                            {{"csrf", csrf}, {"take", "client_subscription"}, {"f.client_subscription", "100871"}});
    BOOST_TEST(back.has("value=\"100234\""));
    BOOST_TEST(!back.has("id=\"why-client_subscription\""));

    auto ok = c.post_form("/review/" + id, {{"csrf", csrf},
                                            {"decision", "approve"},
                                            {"f.signer_name", input_value(taken.body, "f.signer_name")},
                                            {"f.signer_email", input_value(taken.body, "f.signer_email")}});
    BOOST_TEST(ok.status == 303);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND actor='stina' "
                      "AND after LIKE '%karin@akessonbygg.example%'") == 1);
    // Words for people: the reviewer's name and local time, not the user name.
    auto decided = c.get("/review/" + id);
    BOOST_TEST(decided.has("Dokumentet är redan godkänt av Stina Granskare, "));
    BOOST_TEST(decided.has(" kl. "));
}

BOOST_AUTO_TEST_SUITE_END()
