#include <boost/test/unit_test.hpp>

#include "review_fixture.hpp"

using namespace test_support;

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
    BOOST_TEST(ok.headers["Location"] == "/review?done=" + id);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND actor='stina'") ==
               2);
    // A second approval (double click) is told it was decided.
    auto twice = c.post_form("/review/" + id, {{"csrf", csrf}, {"decision", "approve"}});
    BOOST_TEST(twice.status == 409);
    BOOST_TEST(twice.has("redan avgjort"));
}

BOOST_AUTO_TEST_SUITE_END()
