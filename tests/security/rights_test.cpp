// Issue 16 over real HTTP (web::Server on loopback): the client directory
// cannot be walked (one number gives no name; a paper-only bureau gets no
// directory; personal identity numbers masked; daily quota), the history
// does not name the administrators before the client decided, the mail
// limits answer with the date, and an approval link whose holder lost the
// right to decide no longer works (/approve/TOKEN).
#define BOOST_TEST_MODULE rights_security
#include <boost/test/unit_test.hpp>

#include "store/linkage_repo.hpp"
#include "web_fixture.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using namespace test_support;

namespace {

Poco::JSON::Object::Ptr json(const HttpResult& r) {
    return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

void import_client(DigitalFixture& f, const std::string& client_json) {
    auto data = registry::parse_registry(R"({"bureaus": [], "clients": [)" + client_json + "]}", f.rules.subscription);
    BOOST_REQUIRE_MESSAGE(data.has_value(), "registry does not parse");
    store::RegistryRepo(*f.db, f.clock).apply(*data, "test:import");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rights_over_http)

BOOST_AUTO_TEST_CASE(walking_subscription_numbers_yields_no_names) {
    WebFixture f;
    auto anna = f.api_client("anna.norrsken");
    for (const char* sub : {"100234", "100871", "101455", "103300"}) {
        BOOST_TEST_INFO(sub);
        auto r = anna.get(std::string("/api/v1/clients/search?q=") + sub);
        BOOST_TEST(r.status == 200);
        BOOST_TEST(json(r)->getValue<bool>("found"));
        BOOST_TEST(!json(r)->getValue<bool>("identified"));
        BOOST_TEST(json(r)->get("client").isEmpty());
        for (const char* leak : {"Åkesson", "Öresunds", "Ängsbacka", "Öberg", "559456-7892", "556612-3450",
                                 "559567-8904", "19811218"})
            BOOST_TEST(!r.has(leak));
    }
    // Both numbers of the same client: the name; a personal identity number masked.
    auto lena = anna.get("/api/v1/clients/search?q=19811218-9876&subscription=103300");
    BOOST_TEST(lena.status == 200);
    BOOST_TEST(lena.has("\"name\":\"Lena Öberg Konsult\""));
    BOOST_TEST(lena.has("\"orgnr\":\"19811218-****\""));
    BOOST_TEST(!lena.has("9876"));
    // Mismatched numbers: like an unknown client.
    auto mismatch = anna.get("/api/v1/clients/search?q=559456-7892&subscription=100871");
    BOOST_TEST(mismatch.status == 404);
    BOOST_TEST(!mismatch.has("Åkesson"));
    // The page with two fields behaves the same.
    auto page = f.signed_in("anna.norrsken");
    BOOST_TEST(!page.get("/clients/link?q=100234").has("Åkesson"));
    BOOST_TEST(page.get("/clients/link?q=559456-7892&subscription=100234").has("Åkesson Bygg &amp; Måleri AB"));
    // A personal identity number is POSTed (never in an address); the result page masks it.
    auto form = page.get("/clients/link");
    auto searched = page.post_form("/clients/link/search", {{"q", "19811218-9876"},
                                                            {"subscription", "103300"},
                                                            {"csrf", hidden_field(form.body, "csrf")}});
    BOOST_TEST(searched.status == 303);
    const std::string where = searched.headers["Location"].substr(0, searched.headers["Location"].find('#'));
    BOOST_TEST(where.find("19811218") == std::string::npos, where);
    auto masked = page.get(where);
    BOOST_TEST(masked.has("19811218-****"));
    BOOST_TEST(!masked.has("19811218-9876"));
    // The masked number posted back with the subscription number still sends the request.
    BOOST_TEST(hidden_field(masked.body, "q") == "19811218-****");
    auto sent = page.post_form("/clients/link", {{"q", hidden_field(masked.body, "q")},
                                                 {"subscription", hidden_field(masked.body, "subscription")},
                                                 {"s", hidden_field(masked.body, "s")},
                                                 {"csrf", hidden_field(masked.body, "csrf")}});
    BOOST_TEST(sent.status == 303);  // post-redirect-get
    auto result = page.get(sent.headers["Location"].substr(0, sent.headers["Location"].find('#')));
    BOOST_TEST(result.has("Förfrågan är skickad till Lena Öberg Konsult"), result.body);
    BOOST_TEST(!result.has("9876"));
    // The bureau's own linkage views mask the number too.
    auto list = anna.get("/api/v1/linkages");
    BOOST_TEST(list.has("19811218-****"));
    BOOST_TEST(!list.has("9876"));
    auto clients = page.get("/clients");
    BOOST_TEST(clients.has("19811218-****"));
    BOOST_TEST(!clients.has("9876"));
}

BOOST_AUTO_TEST_CASE(paper_only_bureaus_get_no_directory) {
    WebFixture f;
    for (const char* user : {"erik.kpmg", "lisa.flerbolag"}) {
        BOOST_TEST_INFO(user);
        auto api = f.api_client(user);
        auto r = api.get("/api/v1/clients/search?q=559456-7892&subscription=100234");
        BOOST_TEST(r.status == 403);
        BOOST_TEST(json(r)->getValue<bool>("paper_form_required"));
        BOOST_TEST(r.has("blankett"));
        BOOST_TEST(!r.has("Åkesson"));
        BOOST_TEST(api.get("/api/v1/clients/search?q=999999").status == 403);  // unknown: the same
        auto page = f.signed_in(user).get("/clients/link?q=559456-7892&subscription=100234");
        BOOST_TEST(page.status == 403);
        BOOST_TEST(!page.has("Åkesson"));
    }
}

BOOST_AUTO_TEST_CASE(daily_search_quota_answers_429_in_swedish) {
    WebFixture f([](web::ServerOptions& o) { o.searches_per_user_per_day = 2; });
    auto anna = f.api_client("anna.norrsken");
    BOOST_TEST(anna.get("/api/v1/clients/search?q=100234").status == 200);
    BOOST_TEST(anna.get("/api/v1/clients/search?q=100871").status == 200);
    auto refused = anna.get("/api/v1/clients/search?q=101455");
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(json(refused)->getValue<std::string>("error") == "search_quota");
    BOOST_TEST(refused.has("i morgon"));
    BOOST_TEST(std::stoi(refused.headers["Retry-After"]) >= 1);
    // The quota is the user's, not the token's.
    BOOST_TEST(f.api_client("anna.norrsken").get("/api/v1/clients/search?q=100234").status == 429);
    BOOST_TEST(f.signed_in("anna.norrsken").get("/clients/link?q=100234").status == 429);
    BOOST_TEST(f.api_client("per.norrsken").get("/api/v1/clients/search?q=100234").status == 200);
}

BOOST_AUTO_TEST_CASE(history_counts_the_notified_administrators_but_names_none_before_a_decision) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    auto created = api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_REQUIRE(created.status == 201);
    BOOST_TEST(!created.has("Åkesson"));  // one number: no name in the answer either
    const auto id = std::to_string(json(created)->getValue<long long>("linkage_id"));
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 2u);
    auto history = api.get("/api/v1/linkages/" + id + "/history");
    BOOST_TEST(history.status == 200);
    BOOST_TEST(history.has("2 systemadministratörer"));
    BOOST_TEST(history.has("en systemadministratör"));
    for (const char* leak : {"Karin", "Olof", "karin@akessonbygg.example", "olof@akessonbygg.example"})
        BOOST_TEST(!history.has(leak));
    auto page = f.signed_in("anna.norrsken").get("/linkages/" + id);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(!page.has("karin@akessonbygg.example"));
    BOOST_TEST(!page.has("Olof"));
    // After the client decided, the bureau sees who approved.
    auto browser = f.client();
    const std::string link = path_of(approval_link_in(mails[0].body));
    auto form = browser.get(link);
    BOOST_REQUIRE(browser.post_form(link, {{"decision", "approve"}, {"csrf", hidden_field(form.body, "csrf")}}).status ==
                  303);
    BOOST_TEST(api.get("/api/v1/linkages/" + id + "/history").has("via sin personliga länk"));
}

BOOST_AUTO_TEST_CASE(request_revoke_request_is_refused_with_the_date_to_ask_again) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    auto first = api.post_json("/api/v1/linkage-requests", R"({"client": "556612-3450"})");
    BOOST_REQUIRE(first.status == 201);
    const auto id = std::to_string(json(first)->getValue<long long>("linkage_id"));
    BOOST_REQUIRE(api.post_json("/api/v1/linkages/" + id + "/revocation", "{}").status == 200);
    auto again = api.post_json("/api/v1/linkage-requests", R"({"client": "556612-3450"})");
    BOOST_TEST(again.status == 429);
    BOOST_TEST(json(again)->getValue<std::string>("error") == "cooling_down");
    BOOST_TEST(json(again)->getValue<std::string>("may_ask_again") == "2026-12-03T12:00:00Z");
    BOOST_TEST(again.has("3 december 2026 kl. 13:00"));
    BOOST_TEST(f.deliver().size() == 1u);  // one mail, not one per cycle
}

BOOST_AUTO_TEST_CASE(a_demoted_administrators_link_no_longer_approves) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    auto created = api.post_json("/api/v1/linkage-requests", R"({"client": "556612-3450"})");
    BOOST_REQUIRE(created.status == 201);
    const auto id = json(created)->getValue<long long>("linkage_id");
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 1u);
    const std::string link = path_of(approval_link_in(mails[0].body));
    auto browser = f.client();
    auto form = browser.get(link);
    BOOST_REQUIRE(form.status == 200);
    const std::string csrf = hidden_field(form.body, "csrf");
    // The registry now lists Göran as a plain user.
    import_client(f, R"({"orgnr": "556612-3450", "subscription": "100871", "name": "Öresunds Fisk AB",
        "multi_company": false, "users": [
        {"name": "Göran Fiskare", "email": "goran@oresundsfisk.example", "role": "user"}]})");
    auto posted = browser.post_form(link, {{"decision", "approve"}, {"csrf", csrf}});
    BOOST_TEST(posted.status == 303);
    auto page = browser.get(link);
    BOOST_TEST(page.status == 410);
    BOOST_TEST(page.has("Länken gäller inte längre eftersom du inte längre är registrerad som systemadministratör för "
                        "Öresunds Fisk AB"));
    BOOST_TEST(!page.has("Godkänn kopplingen"));
    auto l = store::LinkageRepo(*f.db, f.clock).get(id);
    BOOST_TEST((l->state == core::LinkageState::expired));
    BOOST_TEST(!l->approved_via.has_value());
    auto history = api.get("/api/v1/linkages/" + std::to_string(id) + "/history");
    BOOST_TEST(history.has("slutade gälla: mottagaren är inte längre systemadministratör hos klienten"));
    BOOST_TEST(history.has("Förfrågan avslutades"));
}

BOOST_AUTO_TEST_SUITE_END()
