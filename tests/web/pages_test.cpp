#include <boost/test/unit_test.hpp>

#include "store/linkage_repo.hpp"
#include "web_fixture.hpp"

using namespace test_support;

BOOST_AUTO_TEST_SUITE(pages)

BOOST_AUTO_TEST_CASE(sign_in_sets_a_strict_http_only_session_and_sign_out_ends_it) {
    WebFixture f;
    f.set_password("anna.norrsken", "rätt-lösenord-123");
    auto c = f.client();
    BOOST_TEST(c.get("/clients").status == 303);  // to the sign-in page
    auto page = c.get("/login");
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.has("Logga in"));
    const std::string csrf = hidden_field(page.body, "csrf");
    auto wrong = c.post_form("/login", {{"username", "anna.norrsken"}, {"password", "fel"}, {"csrf", csrf}});
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(wrong.has("Fel användarnamn eller lösenord."));
    auto nobody = c.post_form("/login", {{"username", "ingen"}, {"password", "fel"}, {"csrf", csrf}});
    BOOST_TEST(nobody.status == 401);
    auto no_csrf = c.post_form("/login", {{"username", "anna.norrsken"}, {"password", "rätt-lösenord-123"}});
    BOOST_TEST(no_csrf.status == 403);
    // Session fixation: a session id planted before sign-in is never used.
    const std::string planted = digital::random_token();
    c.cookies["sid"] = planted;
    auto ok = c.post_form("/login", {{"username", "anna.norrsken"}, {"password", "rätt-lösenord-123"}, {"csrf", csrf}});
    BOOST_TEST(ok.status == 303);
    BOOST_TEST(ok.headers["Location"] == "/clients");
    bool strict = false;
    for (auto& sc : ok.set_cookie)
        if (sc.rfind("sid=", 0) == 0)
            strict = sc.find("HttpOnly") != std::string::npos && sc.find("SameSite=Strict") != std::string::npos;
    BOOST_TEST(strict);
    BOOST_TEST(c.cookies["sid"] != planted);
    auto clients = c.get("/clients");
    BOOST_TEST(clients.status == 200);
    BOOST_TEST(clients.has("Anna Lindqvist"));
    // Sign out needs the session's CSRF token.
    BOOST_TEST(c.post_form("/logout", {}).status == 403);
    BOOST_TEST(c.post_form("/logout", {{"csrf", hidden_field(clients.body, "csrf")}}).status == 303);
    BOOST_TEST(c.get("/clients").status == 303);
}

BOOST_AUTO_TEST_CASE(koppla_klient_search_and_send_request) {
    WebFixture f;
    auto c = f.signed_in("anna.norrsken");
    auto list = c.get("/clients");
    BOOST_TEST(list.has(">Koppla klient</a>"));
    auto form = c.get("/clients/link");
    BOOST_TEST(form.status == 200);
    BOOST_TEST(form.has("Klientens organisationsnummer"));
    BOOST_TEST(form.has("Klientens abonnemangsnummer"));
    // One number: found, no name (issue 16); both: the name.
    auto one = c.get("/clients/link?q=100234");
    BOOST_TEST(one.status == 200);
    BOOST_TEST(!one.has("Åkesson Bygg"));
    BOOST_TEST(one.has("Klienten finns i registret"));
    auto result = c.get("/clients/link?q=559456-7892&subscription=100234");
    BOOST_TEST(result.status == 200);
    BOOST_TEST(result.has("Åkesson Bygg &amp; Måleri AB"));
    BOOST_TEST(result.has("Skicka förfrågan"));
    BOOST_TEST(c.get("/clients/link?q=559456-7893").has("kontrollsiffran stämmer inte"));
    BOOST_TEST(c.get("/clients/link?q=556677-8899").status == 404);
    auto multi = c.get("/clients/link?q=556778-8996");
    BOOST_TEST(!multi.has("Skicka förfrågan"));
    BOOST_TEST(multi.has("flerbolagsupplägg"));
    BOOST_TEST(multi.has("blanketten"));
    const std::string csrf = hidden_field(result.body, "csrf");
    // Missing and wrong CSRF tokens are refused; nothing is created.
    BOOST_TEST(c.post_form("/clients/link", {{"q", "559456-7892"}}).status == 403);
    BOOST_TEST(c.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", digital::random_token()}}).status == 403);
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 0);
    // A post from another signed-in user's page carries that user's token: refused too.
    auto per = f.signed_in("per.norrsken");
    BOOST_TEST(per.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", csrf}}).status == 403);
    auto posted = c.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", csrf}});
    BOOST_TEST(posted.status == 303);  // Post/Redirect/Get (issue 17)
    auto sent = c.get(posted.headers["Location"]);
    BOOST_TEST(sent.status == 200);
    BOOST_TEST(sent.has("Förfrågan är skickad"));
    BOOST_TEST(sent.has("2 systemadministratörer"));
    BOOST_TEST(f.deliver().size() == 2u);
    auto refused = c.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", csrf}});
    BOOST_TEST(refused.status == 303);  // Post/Redirect/Get for a request not sent, too
    BOOST_TEST(refused.headers["Location"].rfind("/clients/link/result?fel=", 0) == 0u);
    auto again = c.get(refused.headers["Location"]);
    BOOST_TEST(again.status == 200);
    BOOST_TEST(again.has("Det finns redan en koppling"));
    BOOST_TEST(again.has("role=\"alert\" tabindex=\"-1\" autofocus"));
    BOOST_TEST(per.get(refused.headers["Location"]).status == 303);  // the message is the sender's
    auto after = c.get("/clients");
    BOOST_TEST(after.has("väntar på godkännande"));
}

BOOST_AUTO_TEST_CASE(no_koppla_klient_for_excluded_or_multi_company_bureaus) {
    WebFixture f;
    for (const char* user : {"erik.kpmg", "lisa.flerbolag"}) {
        BOOST_TEST_INFO(user);
        auto c = f.signed_in(user);
        auto list = c.get("/clients");
        BOOST_TEST(list.status == 200);
        BOOST_TEST(!list.has("Koppla klient</a>"));
        BOOST_TEST(list.has("blanketten"));
        auto link = c.get("/clients/link?q=559456-7892");
        BOOST_TEST(link.status == 403);
        BOOST_TEST(!link.has("Skicka förfrågan"));
        BOOST_TEST(c.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", hidden_field(list.body, "csrf")}})
                       .status == 403);
    }
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 0);
}

BOOST_AUTO_TEST_CASE(a_bureau_page_shows_only_its_own_linkages) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    auto jonas = f.signed_in("jonas.vast");
    auto form = anna.get("/clients/link?q=559456-7892");
    BOOST_TEST(anna.post_form("/clients/link", {{"q", "559456-7892"}, {"csrf", hidden_field(form.body, "csrf")}})
                   .status == 303);
    BOOST_TEST(anna.get("/clients").has("Åkesson Bygg"));
    auto theirs = jonas.get("/clients");
    BOOST_TEST(!theirs.has("Åkesson Bygg"));
    BOOST_TEST(theirs.has("Inga förfrågningar."));
}

BOOST_AUTO_TEST_CASE(html_in_a_company_name_is_escaped_on_every_page) {
    WebFixture f;
    auto c = f.signed_in("anna.norrsken");
    auto result = c.get(std::string("/clients/link?q=") + k_html_client_orgnr + "&subscription=900014");
    BOOST_TEST(result.status == 200);
    BOOST_TEST(!result.has("<script>"));
    BOOST_TEST(result.has("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; Söner AB"));
    auto sent = c.post_form("/clients/link", {{"q", k_html_client_orgnr}, {"subscription", "900014"},
                                              {"csrf", hidden_field(result.body, "csrf")}});
    BOOST_TEST(!sent.has("<script>"));
    BOOST_TEST(!c.get("/clients").has("<script>"));
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 1u);
    auto page = f.client().get(path_of(approval_link_in(mails[0].body)));
    BOOST_TEST(page.status == 200);
    BOOST_TEST(!page.has("<script>"));
    BOOST_TEST(!page.has("<b>Fet</b>"));
    BOOST_TEST(page.has("Hej Ebba &lt;b&gt;Fet&lt;/b&gt;!"));
    BOOST_TEST(page.headers["Content-Security-Policy"].find("default-src 'none'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_access_log_holds_no_secrets) {
    WebFixture f;
    f.set_password("anna.norrsken", "hemligt-lösenord-42");
    auto api = f.api_client("anna.norrsken");
    api.get("/api/v1/clients/search?q=19811218-9876");
    api.get("/api/v1/clients/search?q=811218-9876");
    api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})");
    const std::string link = approval_link_in(f.deliver().at(0).body);
    auto b = f.client();
    b.get(path_of(link));
    auto login = b.get("/login");
    b.post_form("/login", {{"username", "anna.norrsken"}, {"password", "hemligt-lösenord-42"},
                           {"csrf", hidden_field(login.body, "csrf")}});
    const std::string sid = b.cookies["sid"];
    b.get("/clients");
    f.stop();
    const std::string log = f.access_log.str();
    BOOST_TEST(log.find(link.substr(link.rfind('/') + 1)) == std::string::npos);
    BOOST_TEST(log.find("/approve/[token]") != std::string::npos);
    BOOST_TEST(log.find(api.bearer) == std::string::npos);
    BOOST_TEST(log.find(sid) == std::string::npos);
    BOOST_TEST(log.find("hemligt") == std::string::npos);
    BOOST_TEST(log.find("19811218-9876") == std::string::npos);
    BOOST_TEST(log.find("811218-9876") == std::string::npos);
    BOOST_TEST(log.find("q=198112**-****") != std::string::npos);
    BOOST_TEST(log.find(" 201 ") != std::string::npos);
    BOOST_TEST(log.find("user=anna.norrsken") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
