#define BOOST_TEST_MODULE web
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

}  // namespace

BOOST_AUTO_TEST_SUITE(flow)

BOOST_AUTO_TEST_CASE(request_mail_per_admin_approve_and_the_second_link_shows_who_and_when) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    auto created = api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(created.status == 201);
    auto body = json(created);
    BOOST_TEST(body->getValue<int>("administrators_notified") == 2);
    BOOST_TEST(body->getValue<std::string>("state") == "requested");
    const auto linkage_id = body->getValue<long long>("linkage_id");

    // One .eml per administrator, each with that administrator's own link.
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 2u);
    std::map<std::string, std::string> link_of;
    for (auto& m : mails) link_of[m.headers["To"]] = approval_link_in(m.body);
    const std::string karin = link_of.at("Karin Åkesson <karin@akessonbygg.example>");
    const std::string olof = link_of.at("Olof Åkesson <olof@akessonbygg.example>");
    BOOST_TEST(karin.rfind(f.base_url + "/approve/", 0) == 0u);
    BOOST_TEST(karin != olof);

    // Karin opens her link: the request's details and the decision form.
    auto browser = f.client();
    f.clock.advance(std::chrono::minutes(30));
    auto page = browser.get(path_of(karin));
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.has("Förfrågan om koppling"));
    BOOST_TEST(page.has("Hej Karin Åkesson!"));
    BOOST_TEST(page.has("Redovisningsbyrån Norrsken AB (559123-4561)"));
    BOOST_TEST(page.has("Åkesson Bygg &amp; Måleri AB (559456-7892)"));
    BOOST_TEST(page.has("Anna Lindqvist"));
    BOOST_TEST(page.has("26 november 2026 kl. 13:00"));  // asked (Swedish time)
    BOOST_TEST(page.has("3 december 2026 kl. 13:00"));   // valid until
    BOOST_TEST(page.has("Godkänn kopplingen"));
    BOOST_TEST(page.headers["Referrer-Policy"] == "no-referrer");
    const std::string csrf = hidden_field(page.body, "csrf");
    BOOST_TEST(csrf.size() == 43u);

    auto decided = browser.post_form(path_of(karin), {{"decision", "approve"}, {"csrf", csrf}});
    BOOST_TEST(decided.status == 303);
    auto after = browser.get(path_of(karin));
    BOOST_TEST(after.has("Kopplingen är godkänd"));
    BOOST_TEST(after.has("Du godkände kopplingen den 26 november 2026 kl. 13:30"));
    BOOST_TEST(!after.has("Godkänn kopplingen"));

    // Olof's link now shows who approved and when; he cannot change it.
    auto second = f.client();
    auto olof_page = second.get(path_of(olof));
    BOOST_TEST(olof_page.status == 200);
    BOOST_TEST(olof_page.has("Kopplingen godkändes av Karin Åkesson (karin@akessonbygg.example) den 26 november 2026 kl. 13:30"));
    BOOST_TEST(!olof_page.has("name=\"decision\""));
    auto late = second.post_form(path_of(olof), {{"decision", "decline"}, {"csrf", hidden_field(page.body, "csrf")}});
    BOOST_TEST(late.status == 403);  // Olof's browser never got Karin's CSRF cookie

    auto l = store::LinkageRepo(*f.db, f.clock).get(linkage_id);
    BOOST_TEST((l->state == core::LinkageState::approved));
    BOOST_TEST(l->approved_via.value_or("") == "digital");
    auto state = api.get("/api/v1/linkages/" + std::to_string(linkage_id));
    BOOST_TEST(state.status == 200);
    BOOST_TEST(json(state)->getValue<std::string>("state") == "approved");
}

BOOST_AUTO_TEST_CASE(an_expired_link_shows_the_expired_page_and_changes_nothing) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    BOOST_TEST(api.post_json("/api/v1/linkage-requests", R"({"client": "100871"})").status == 201);
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 1u);
    const std::string link = approval_link_in(mails[0].body);
    auto browser = f.client();
    auto page = browser.get(path_of(link));
    const std::string csrf = hidden_field(page.body, "csrf");
    f.clock.advance(std::chrono::hours(24 * 8));
    auto expired = browser.get(path_of(link));
    BOOST_TEST(expired.status == 410);
    BOOST_TEST(expired.has("Länken har gått ut"));
    BOOST_TEST(expired.has("gällde till 3 december 2026 kl. 13:00"));
    BOOST_TEST(!expired.has("name=\"decision\""));
    auto post = browser.post_form(path_of(link), {{"decision", "approve"}, {"csrf", csrf}});
    BOOST_TEST(post.status == 303);
    BOOST_TEST(browser.get(path_of(link)).status == 410);
    auto list = store::LinkageRepo(*f.db, f.clock).list();
    BOOST_REQUIRE(list.size() == 1u);
    BOOST_TEST((list[0].state == core::LinkageState::expired));
}

BOOST_AUTO_TEST_CASE(every_refusal_over_the_api) {
    WebFixture f;
    auto anna = f.api_client("anna.norrsken");
    auto excluded = f.api_client("erik.kpmg").post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(excluded.status == 403);
    BOOST_TEST(json(excluded)->getValue<std::string>("error") == "bureau_excluded");
    BOOST_TEST(excluded.has("blanketten"));
    BOOST_TEST(json(excluded)->getValue<bool>("paper_form_required"));
    auto multi_bureau =
        f.api_client("lisa.flerbolag").post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(multi_bureau.status == 403);
    BOOST_TEST(json(multi_bureau)->getValue<std::string>("error") == "bureau_multi_company");
    auto multi_client = anna.post_json("/api/v1/linkage-requests", R"({"client": "556778-8996"})");
    BOOST_TEST(multi_client.status == 403);
    BOOST_TEST(json(multi_client)->getValue<std::string>("error") == "client_multi_company");
    BOOST_TEST(multi_client.has("blanketten"));
    auto unknown = anna.post_json("/api/v1/linkage-requests", R"({"client": "556677-8899"})");
    BOOST_TEST(unknown.status == 404);
    BOOST_TEST(json(unknown)->getValue<std::string>("error") == "unknown_client");
    auto invalid = anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7893"})");
    BOOST_TEST(invalid.status == 400);
    BOOST_TEST(json(invalid)->getValue<std::string>("reason") == "check_digit");
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"client": "55945x"})").status == 400);
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"klient": "559456-7892"})").status == 400);
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", "not json").status == 400);
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"client": ")" + std::string(8000, '1') + "\"}").status ==
               413);
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    auto duplicate = anna.post_json("/api/v1/linkage-requests", R"({"client": "100234"})");
    BOOST_TEST(duplicate.status == 409);
    BOOST_TEST(json(duplicate)->getValue<std::string>("state") == "requested");
    BOOST_TEST(!json(duplicate)->getValue<std::string>("request_id").empty());
    BOOST_TEST(duplicate.headers["X-Request-Id"] == json(duplicate)->getValue<std::string>("request_id"));
    // Search says the same before anyone posts.
    auto search = anna.get("/api/v1/clients/search?q=556778-8996");
    BOOST_TEST(search.status == 200);
    BOOST_TEST(!json(search)->getValue<bool>("may_request"));
    BOOST_TEST(json(search)->getValue<std::string>("reason") == "client_multi_company");
    // One number alone: found and may request, but no name or numbers (issue 16).
    auto ok_one = anna.get("/api/v1/clients/search?q=101455");
    BOOST_TEST(json(ok_one)->getValue<bool>("may_request"));
    BOOST_TEST(!json(ok_one)->getValue<bool>("identified"));
    BOOST_TEST(json(ok_one)->get("client").isEmpty());
    BOOST_TEST(!ok_one.has("Ängsbacka"));
    auto ok = anna.get("/api/v1/clients/search?q=559567-8904&subscription=101455");
    BOOST_TEST(json(ok)->getValue<bool>("may_request"));
    BOOST_TEST(ok.has("\"name\":\"Ängsbacka Café AB\""));
    BOOST_TEST(ok.has("\"orgnr\":\"559567-8904\""));
    BOOST_TEST(ok.has("\"subscription\":\"101455\""));
    BOOST_TEST(anna.get("/api/v1/clients/search?q=559456-7893").status == 400);
    BOOST_TEST(anna.get("/api/v1/clients/search?q=556677-8899").status == 404);
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 1);
}

BOOST_AUTO_TEST_CASE(api_needs_a_token_and_a_bureau_sees_only_its_own) {
    WebFixture f;
    auto none = f.client();
    auto r = none.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(r.status == 401);
    BOOST_TEST(r.headers["WWW-Authenticate"] == "Bearer");
    none.bearer = digital::random_token();
    BOOST_TEST(none.get("/api/v1/clients/search?q=100234").status == 401);
    none.bearer = "x' OR 1=1 --";
    BOOST_TEST(none.get("/api/v1/linkages").status == 401);

    auto anna = f.api_client("anna.norrsken");
    auto jonas = f.api_client("jonas.vast");
    auto mine = json(anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})"));
    const auto id = mine->getValue<long long>("linkage_id");
    // Ekonomihuset Väst cannot see Norrsken's linkage, nor learn of it by searching.
    auto peek = jonas.get("/api/v1/linkages/" + std::to_string(id));
    BOOST_TEST(peek.status == 404);
    BOOST_TEST(json(jonas.get("/api/v1/linkages"))->getArray("linkages")->size() == 0u);
    auto s = json(jonas.get("/api/v1/clients/search?q=559456-7892"));
    BOOST_TEST(s->getValue<bool>("may_request"));
    BOOST_TEST(s->get("linkage").isEmpty());
    // Its own request for the same client is its own linkage.
    auto theirs = jonas.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(theirs.status == 201);
    BOOST_TEST(json(theirs)->getValue<long long>("linkage_id") != id);
    BOOST_TEST(json(anna.get("/api/v1/linkages"))->getArray("linkages")->size() == 1u);
    BOOST_TEST(anna.get("/api/v1/linkages/" + std::to_string(id)).status == 200);
    BOOST_TEST(anna.get("/api/v1/linkages/abc").status == 404);
    BOOST_TEST(anna.request("DELETE", "/api/v1/linkages").status == 405);
    BOOST_TEST(anna.get("/api/v1/nothing").status == 404);
}

BOOST_AUTO_TEST_CASE(unknown_and_odd_links_get_a_clear_page_with_a_request_id) {
    WebFixture f;
    auto c = f.client();
    for (std::string target : {"/approve/" + digital::random_token(), std::string("/approve/"),
                               std::string("/approve/..%2F..%2Fetc%2Fpasswd"), std::string("/approve/%00%ff"),
                               "/approve/" + std::string(5000, 'A')}) {
        auto r = c.get(target);
        BOOST_TEST_INFO(target.substr(0, 40));
        BOOST_TEST(r.status == 404);
        BOOST_TEST(r.has("Länken är okänd"));
        BOOST_TEST(r.has("Felkod: " + r.headers["X-Request-Id"]));
        BOOST_TEST(!r.headers["X-Request-Id"].empty());
    }
    auto post = c.post_form("/approve/" + digital::random_token(), {{"decision", "approve"}});
    BOOST_TEST(post.status == 403);
    auto missing = c.get("/nowhere");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.has("Sidan finns inte"));
}

BOOST_AUTO_TEST_CASE(approval_needs_the_csrf_token) {
    WebFixture f;
    BOOST_TEST(f.api_client("anna.norrsken").post_json("/api/v1/linkage-requests", R"({"client": "100871"})").status ==
               201);
    const std::string link = path_of(approval_link_in(f.deliver().at(0).body));
    auto browser = f.client();
    auto page = browser.get(link);
    const std::string csrf = hidden_field(page.body, "csrf");
    BOOST_TEST(browser.cookies.count("csrf") == 1u);
    BOOST_TEST(page.set_cookie.at(0).find("HttpOnly") != std::string::npos);
    BOOST_TEST(page.set_cookie.at(0).find("SameSite=Strict") != std::string::npos);
    auto missing = browser.post_form(link, {{"decision", "approve"}});
    BOOST_TEST(missing.status == 403);
    BOOST_TEST(missing.has("Säkerhetskontrollen misslyckades"));
    auto wrong = browser.post_form(link, {{"decision", "approve"}, {"csrf", digital::random_token()}});
    BOOST_TEST(wrong.status == 403);
    // A forged cross-site post carries the field but not the cookie.
    auto attacker = f.client();
    BOOST_TEST(attacker.post_form(link, {{"decision", "approve"}, {"csrf", csrf}}).status == 403);
    BOOST_TEST(browser.post_form(link, {{"decision", "maybe"}, {"csrf", csrf}}).status == 400);
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).list()[0].state == core::LinkageState::requested));
    BOOST_TEST(browser.post_form(link, {{"decision", "decline"}, {"csrf", csrf}}).status == 303);
    BOOST_TEST(browser.get(link).has("Du avböjde förfrågan"));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).list()[0].state == core::LinkageState::declined));
}

BOOST_AUTO_TEST_CASE(links_show_a_decline_and_an_approval_by_signed_paper_form) {
    WebFixture f;
    auto api = f.api_client("anna.norrsken");
    BOOST_TEST(api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    BOOST_TEST(api.post_json("/api/v1/linkage-requests", R"({"client": "100871"})").status == 201);
    std::string karin, olof, goran;
    for (auto& m : f.deliver()) {
        const auto& to = m.headers["To"];
        (to.find("karin@") != std::string::npos ? karin : to.find("olof@") != std::string::npos ? olof : goran) =
            path_of(approval_link_in(m.body));
    }
    // Karin declines; Olof's link then says who declined and when.
    auto k = f.client();
    auto page = k.get(karin);
    BOOST_TEST(k.post_form(karin, {{"decision", "decline"}, {"csrf", hidden_field(page.body, "csrf")}}).status == 303);
    auto o = f.client().get(olof);
    BOOST_TEST(o.has("Förfrågan är avböjd"));
    BOOST_TEST(o.has("Förfrågan avböjdes av Karin Åkesson (karin@akessonbygg.example) den 26 november 2026 kl. 13:00"));
    // A signed paper form approves Öresunds Fisk's pending request (the paper path's write).
    f.clock.advance(std::chrono::hours(26));
    {
        auto l = store::LinkageRepo(*f.db, f.clock).list();
        store::Transaction tx(*f.db);
        for (auto& x : l)
            if (x.client_orgnr == "556612-3450")
                store::LinkageRepo(*f.db, f.clock).change_state(x.id, core::LinkageState::approved, "batch", "paper");
        tx.commit();
    }
    auto g = f.client().get(goran);
    BOOST_TEST(g.status == 200);
    BOOST_TEST(g.has("Kopplingen är godkänd med blankett"));
    BOOST_TEST(g.has("godkändes med undertecknad blankett den 27 november 2026 kl. 15:00"));
    BOOST_TEST(!g.has("name=\"decision\""));
}

BOOST_AUTO_TEST_SUITE_END()
