// A document in review for `unexplained_marks`: the review page outlines the
// regions over the page image (positions in % of the page), names them and
// says what to do; an approval needs an override reason (no correction can
// settle marks on the paper). The document is the README demo's review form
// with the pipeline's evidence of two regions written into it.
#include "review_fixture.hpp"

#include "review/review.hpp"

#define BOOST_TEST_MODULE marks_review
#include <boost/test/unit_test.hpp>

namespace {

struct MarkedDocument : test_support::ReviewFixture {
    std::string id;
    MarkedDocument() {
        id = open_document();
        if (id.empty()) throw std::runtime_error("the demo left nothing in review");
        // The page is 595.28 × 841.89 pt: the first region lies at 10 %, 20 % with 50 % × 5 % size.
        auto s = db->prepare(
            "UPDATE documents SET reasons = '[\"unexplained_marks\"]', evidence = json_set(evidence, "
            "'$.unexplained_marks', json('{\"page_width_pt\":595.28,\"page_height_pt\":841.89,\"regions\":["
            "{\"x\":59.528,\"y\":168.378,\"w\":297.64,\"h\":42.0945,\"kind\":\"ink\",\"near\":\"\"},"
            "{\"x\":57,\"y\":355,\"w\":200,\"h\":26,\"kind\":\"strike\",\"near\":\"client_orgnr\"}]}')) WHERE id = ?");
        s->bind(1, static_cast<std::int64_t>(std::stoll(id)));
        s->run();
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(marks_review, MarkedDocument)

BOOST_AUTO_TEST_CASE(the_review_page_outlines_the_regions_and_says_what_to_do) {
    auto c = staff();
    auto page = c.get("/review/" + id);
    BOOST_TEST_REQUIRE(page.status == 200);
    const auto& b = page.body;
    BOOST_TEST(b.find("class=\"mark\" style=\"left:10.00%;top:20.00%;width:50.00%;height:5.00%\"") != std::string::npos, b);
    BOOST_TEST(b.find("2 område(n) med okända markeringar är inramade i rött") != std::string::npos);
    BOOST_TEST(b.find("2. överstrykning vid Klientens organisationsnummer") != std::string::npos);
    BOOST_TEST(b.find("Blanketten har markeringar som varken hör till blanketten eller de ifyllda uppgifterna") !=
               std::string::npos);
    BOOST_TEST(b.find("Titta på de inramade områdena på hela sidan (Alt+S)") != std::string::npos);
    // Not "all clear": the marks are a check a person must answer.
    BOOST_TEST(b.find("id=\"allt-klart\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_approval_needs_an_override_reason) {
    review::Reviewer rv(*db, clock, rules, validate::Thresholds{}, home);
    auto view = rv.show(std::stoll(id));
    BOOST_TEST_REQUIRE(view.has_value());
    BOOST_TEST_REQUIRE(view->unexplained.size() == 2u);
    BOOST_TEST(std::abs(view->unexplained[0].left - 10) < 1e-6);
    BOOST_TEST(view->unexplained[1].near == "client_orgnr");
    // The demo form's own problem (signer not an administrator) corrected: the marks still stand.
    std::map<std::string, std::string> fix{{"signer_name", "Karin Åkesson"}, {"signer_email", "karin@akessonbygg.example"}};
    auto plain = rv.approve(std::stoll(id), "stina", fix, std::nullopt);
    BOOST_TEST_REQUIRE(!plain.has_value());
    BOOST_TEST((plain.error().refusal == review::Refusal::needs_override));
    BOOST_TEST((std::find(plain.error().failures.begin(), plain.error().failures.end(), "unexplained_marks") !=
                plain.error().failures.end()));
    auto over = rv.approve(std::stoll(id), "stina", fix, std::string("kaffefläck, inget ändrat"));
    BOOST_TEST(over.has_value());
    BOOST_TEST(over->overridden == std::vector<std::string>{"unexplained_marks"});
}

BOOST_AUTO_TEST_SUITE_END()
