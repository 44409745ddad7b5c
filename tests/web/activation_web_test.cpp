#include <boost/test/unit_test.hpp>

#include "store/linkage_merge.hpp"
#include "store/linkage_repo.hpp"
#include "web_fixture.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using namespace test_support;

namespace {

constexpr const char* k_norrsken = "559123-4561";
constexpr const char* k_akesson = "559456-7892";

Poco::JSON::Object::Ptr json_of(const HttpResult& r) {
    return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

struct Fixture : WebFixture {
    // What the batch does for an accepted signed form.
    store::Id paper_form(const std::string& bureau, const std::string& client) {
        store::RegistryRepo reg(*db, clock);
        store::LinkageRepo links(*db, clock);
        store::Transaction tx(*db);
        auto r = store::approve_by_paper_form(links, reg.bureau_by_orgnr(bureau)->id, reg.client_by_orgnr(client)->id,
                                              std::nullopt, "signed paper form (Karin Åkesson)", "batch", "paper",
                                              R"({"sha256":"ab12","signer":"Karin Åkesson"})");
        tx.commit();
        return r.linkage_id;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(activation_web, Fixture)

BOOST_AUTO_TEST_CASE(api_lists_activates_and_isolates_every_route) {
    const auto id = paper_form(k_norrsken, k_akesson);
    auto anna = api_client("anna.norrsken");
    auto list = anna.get("/api/v1/activation-list");
    BOOST_TEST(list.status == 200);
    auto items = json_of(list)->getArray("activation_list");
    BOOST_TEST_REQUIRE(items->size() == 1u);
    BOOST_TEST(items->getObject(0)->getValue<std::string>("source") == "paper");
    BOOST_TEST(items->getObject(0)->getValue<std::string>("approved_via") == "paper");

    // Another bureau: empty lists, and 404 on every route that names the id.
    auto jonas = api_client("jonas.vast");
    BOOST_TEST(json_of(jonas.get("/api/v1/activation-list"))->getArray("activation_list")->size() == 0u);
    const std::string body = R"({"consultants":[{"username":"jonas.vast","permissions":["bookkeeping"]}]})";
    const std::string base = "/api/v1/linkages/" + std::to_string(id);
    BOOST_TEST(jonas.post_json(base + "/activation", body).status == 404);
    BOOST_TEST(jonas.post_json(base + "/permissions", body).status == 404);
    BOOST_TEST(jonas.post_json(base + "/revocation", "{}").status == 404);
    BOOST_TEST(jonas.get(base + "/history").status == 404);
    BOOST_TEST(jonas.get(base).status == 404);
    BOOST_TEST(jonas.get("/api/v1/linkages/999999/history").status == 404);
    // Without a token: 401.
    BOOST_TEST(client().get("/api/v1/client-list").status == 401);
    BOOST_TEST(client().post_json(base + "/activation", body).status == 401);

    // Mistakes: 400 with a code; the bureau's own consultant from another bureau is unknown.
    auto bad = anna.post_json(base + "/activation",
                              R"({"consultants":[{"username":"per.norrsken","permissions":["astrology"]}]})");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json_of(bad)->getValue<std::string>("error") == "unknown_permission");
    auto foreign = anna.post_json(base + "/activation", body);
    BOOST_TEST(foreign.status == 400);
    BOOST_TEST(json_of(foreign)->getValue<std::string>("error") == "unknown_user");
    BOOST_TEST(anna.post_json(base + "/activation", R"({"consultants":[]})").status == 400);
    BOOST_TEST(anna.post_json(base + "/activation", "not json").status == 400);

    auto ok = anna.post_json(base + "/activation",
                             R"({"consultants":[{"username":"per.norrsken","permissions":["bookkeeping","payroll"]}]})");
    BOOST_TEST_REQUIRE(ok.status == 200, ok.body);
    BOOST_TEST(json_of(ok)->getValue<std::string>("state") == "activated");
    BOOST_TEST(anna.post_json(base + "/activation", ok.body).status == 409);  // once

    auto clients = anna.get("/api/v1/client-list");
    BOOST_TEST(clients.status == 200);
    BOOST_TEST(clients.has(R"("permissions":["bookkeeping","payroll"])"));
    BOOST_TEST(json_of(jonas.get("/api/v1/client-list"))->getArray("client_list")->size() == 0u);

    auto changed = anna.post_json(base + "/permissions",
                                  R"({"consultants":[{"username":"sara.norrsken","permissions":["reports"]}]})");
    BOOST_TEST(changed.status == 200, changed.body);
    BOOST_TEST(changed.has("sara.norrsken"));
    BOOST_TEST(!changed.has("per.norrsken"));
    auto history = anna.get(base + "/history");
    BOOST_TEST(history.status == 200);
    BOOST_TEST(history.has("Konsulten Per Åström förlorade behörigheterna"));
    auto revoked = anna.post_json(base + "/revocation", R"({"reason":"avslutat uppdrag"})");
    BOOST_TEST(revoked.status == 200);
    BOOST_TEST(json_of(revoked)->getValue<std::string>("state") == "revoked");
    BOOST_TEST(anna.post_json(base + "/revocation", "{}").status == 409);
}

BOOST_AUTO_TEST_CASE(digital_request_for_a_pair_approved_by_paper_gets_409_with_its_state) {
    const auto id = paper_form(k_norrsken, k_akesson);
    auto r = api_client("anna.norrsken").post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    BOOST_TEST(r.status == 409);
    BOOST_TEST(json_of(r)->getValue<std::string>("state") == "approved");
    BOOST_TEST(json_of(r)->getValue<long long>("linkage_id") == id);
}

BOOST_AUTO_TEST_CASE(approval_links_say_approved_by_signed_form_on_date) {
    auto api = api_client("anna.norrsken");
    BOOST_TEST_REQUIRE(api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    auto mails = deliver();
    BOOST_TEST_REQUIRE(mails.size() == 2u);
    clock.advance(std::chrono::hours(24));
    paper_form(k_norrsken, k_akesson);
    for (auto& m : mails) {
        auto page = client().get(path_of(approval_link_in(m.body)));
        BOOST_TEST(page.status == 200);
        BOOST_TEST(page.has("godkändes med undertecknad blankett den 27 november 2026"), page.body);
        BOOST_TEST(!page.has("name=\"decision\""));
    }
}

BOOST_AUTO_TEST_CASE(bureau_pages_activate_with_checkboxes_and_show_permissions_and_history) {
    const auto id = paper_form(k_norrsken, k_akesson);
    auto anna = signed_in("anna.norrsken");
    auto page = anna.get("/activation");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.has("Aktiveringslista"));
    BOOST_TEST(page.has("Åkesson Bygg &amp; Måleri AB"));
    BOOST_TEST(page.has("name=\"perm.per.norrsken.bookkeeping\""));
    BOOST_TEST(page.has("Löneattest"));
    const std::string csrf = hidden_field(page.body, "csrf");
    const std::string action = "/activation/" + std::to_string(id);
    // Without CSRF: refused. Nothing ticked: a clear message.
    BOOST_TEST(anna.post_form(action, {{"perm.per.norrsken.bookkeeping", "1"}}).status == 403);
    auto refused = anna.post_form(action, {{"csrf", csrf}});
    BOOST_TEST(refused.status == 303);  // Post/Redirect/Get, the message on the list (issue 17)
    auto empty = anna.get(refused.headers["Location"].substr(0, refused.headers["Location"].find('#')));
    BOOST_TEST(empty.has("Välj minst en konsult"));
    // Another bureau's user cannot activate it.
    auto jonas = signed_in("jonas.vast");
    auto jpage = jonas.get("/activation");
    BOOST_TEST(!jpage.has("Åkesson"));
    BOOST_TEST(jonas.post_form(action, {{"csrf", hidden_field(jpage.body, "csrf")}, {"perm.jonas.vast.bookkeeping", "1"}})
                   .status == 404);
    BOOST_TEST(jonas.get("/linkages/" + std::to_string(id)).status == 404);

    auto done = anna.post_form(action, {{"csrf", csrf},
                                        {"perm.per.norrsken.bookkeeping", "1"},
                                        {"perm.per.norrsken.invoicing", "1"},
                                        {"perm.sara.norrsken.payroll", "1"}});
    BOOST_TEST(done.status == 303);
    auto clients = anna.get("/clients");
    BOOST_TEST(clients.has("Bokföring, Fakturering"), clients.body);
    BOOST_TEST(clients.has("Lönehantering"));
    BOOST_TEST(clients.has("/linkages/" + std::to_string(id)));
    BOOST_TEST(!anna.get("/activation").has("Åkesson"));
    auto history = anna.get("/linkages/" + std::to_string(id));
    BOOST_TEST(history.status == 200);
    BOOST_TEST(history.has("Undertecknad blankett bifogad (undertecknare Karin Åkesson)"));
    BOOST_TEST(history.has("Aktiverad av Anna Lindqvist"));
    BOOST_TEST(history.has("Konsulten Per Åström fick behörigheterna: Bokföring, Fakturering"));
    // Current permissions are ticked; change them, then revoke — each with CSRF, each in the history.
    BOOST_TEST(history.has("name=\"perm.per.norrsken.bookkeeping\" value=\"1\" checked"));
    const std::string hcsrf = hidden_field(history.body, "csrf");
    const std::string base = "/linkages/" + std::to_string(id);
    BOOST_TEST(anna.post_form(base + "/permissions", {{"perm.per.norrsken.archive", "1"}}).status == 403);
    BOOST_TEST(jonas.post_form(base + "/permissions", {{"csrf", hidden_field(jpage.body, "csrf")},
                                                       {"perm.jonas.vast.archive", "1"}})
                   .status == 404);
    auto changed = anna.post_form(base + "/permissions", {{"csrf", hcsrf}, {"perm.per.norrsken.archive", "1"}});
    BOOST_TEST(changed.status == 303);
    auto after = anna.get(changed.headers["Location"]);
    BOOST_TEST(after.has("Ändringen är sparad"));
    BOOST_TEST(after.has("Konsulten Sara Öhman förlorade behörigheterna: Lön"));
    BOOST_TEST(after.has("Konsulten Per Åström fick behörigheterna: Arkiv"));
    auto nobody = anna.post_form(base + "/permissions", {{"csrf", hcsrf}});  // nobody left: refused
    BOOST_TEST(nobody.status == 303);
    BOOST_TEST(nobody.headers["Location"].find("?fel=") != std::string::npos);
    BOOST_TEST(anna.get(nobody.headers["Location"]).has("role=\"alert\""));
    BOOST_TEST(jonas.post_form(base + "/revocation", {{"csrf", hidden_field(jpage.body, "csrf")}}).status == 404);
    BOOST_TEST(anna.post_form(base + "/revocation", {{"csrf", hcsrf}, {"reason", "uppdraget avslutat"}}).status == 303);
    auto revoked = anna.get(base);
    BOOST_TEST(revoked.has("Skäl till återkallelsen: uppdraget avslutat"));
    BOOST_TEST(!revoked.has("id=\"aterkalla\""));
    BOOST_TEST(!anna.get("/clients").has("Bokföring"));
}

BOOST_AUTO_TEST_CASE(healthz_and_metrics_count_requests_by_route_pattern) {
    auto c = client();
    auto ops = ops_client();
    // Issue 16: not on the public listener, only on the ops listener.
    BOOST_TEST(c.get("/healthz").status == 404);
    BOOST_TEST(c.get("/metrics").status == 404);
    auto health = ops.get("/healthz");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(health.has("store ok"));
    auto hj = ops.get("/healthz?format=json");
    BOOST_TEST(hj.status == 200);
    BOOST_TEST(hj.has("\"status\":\"ok\""));
    // An approval link with a token, and a linkage id in a path.
    c.get("/approve/SecretTokenValue1234567890abcdef");
    api_client("anna.norrsken").get("/api/v1/linkages/4242/history");
    auto m = ops.get("/metrics");
    BOOST_TEST(m.status == 200);
    BOOST_TEST(m.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(m.has("linkage_store_up 1"));
    BOOST_TEST(m.has("linkage_http_requests_total{route=\"/approve/{token}\",status=\"404\"}"), m.body);
    BOOST_TEST(m.has("linkage_http_requests_total{route=\"/api/v1/linkages/{id}/history\",status=\"404\"}"));
    BOOST_TEST(m.has("linkage_http_request_seconds_bucket{route=\"/healthz\""));
    BOOST_TEST(!m.has("SecretTokenValue"));
    // No label carries the id (a gauge value such as free bytes may contain those digits).
    BOOST_TEST(!m.has("/4242"));
    BOOST_TEST(!m.has("4242\"}"));
}

BOOST_AUTO_TEST_SUITE_END()
