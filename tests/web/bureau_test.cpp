// Issue 17, the bureau's side: mail links follow the listener; the bureau is
// told (page line and mail) about approvals, declines, expiry, revocation by
// the client and undeliverable approval mails; the pre-filled form over
// HTTP (own bureau only, reprint with the same reference code);
// Post/Redirect/Get on Koppla klient with the personal number kept out of
// the URL; a second administrator's late Avböj; words for people (no ids,
// hashes or raw UTC on bureau pages).
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "config/settings.hpp"
#include "digital/notify.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"
#include "web_fixture.hpp"

#include <regex>
#include <set>

using namespace test_support;

namespace {

std::string read_if_there(const std::filesystem::path& p) {
    return std::filesystem::exists(p) ? read_file(p) : std::string();
}

// The search POST → its 303 → the result page (Post/Redirect/Get).
struct Searched {
    HttpResult post, page;
    std::string location;
};
Searched search(HttpClient& c, const std::string& q, const std::string& subscription = {}) {
    auto form = c.get("/clients/link");
    Searched s;
    s.post = c.post_form("/clients/link/search",
                         {{"q", q}, {"subscription", subscription}, {"csrf", hidden_field(form.body, "csrf")}});
    s.location = s.post.headers["Location"];
    if (s.post.status == 303) s.page = c.get(s.location.substr(0, s.location.find('#')));
    return s;
}

// Sends the request from a result page; returns the 303's target page.
HttpResult send_request(HttpClient& c, const HttpResult& result_page, std::string* location = nullptr) {
    auto sent = c.post_form("/clients/link", {{"csrf", hidden_field(result_page.body, "csrf")},
                                              {"s", hidden_field(result_page.body, "s")}});
    if (location) *location = sent.headers["Location"];
    if (sent.status != 303) return sent;
    return c.get(sent.headers["Location"]);
}

std::vector<Received> mails_to(WebFixture& f, const std::string& address) {
    std::vector<Received> out;
    for (auto& m : f.deliver())
        if (m.headers["To"].find(address) != std::string::npos) out.push_back(m);
    return out;
}

// Anna (Norrsken) asks Åkesson Bygg on the web; returns the two admins' links.
std::map<std::string, std::string> request_akesson(WebFixture& f, HttpClient& anna) {
    auto s = search(anna, "559456-7892", "100234");
    BOOST_REQUIRE(s.post.status == 303);
    auto sent = send_request(anna, s.page);
    BOOST_REQUIRE(sent.status == 200);
    std::map<std::string, std::string> links;
    for (auto& m : f.deliver())
        if (!approval_link_in(m.body).empty()) links[m.headers["To"]] = path_of(approval_link_in(m.body));
    return links;
}

const std::string k_karin = "Karin Åkesson <karin@akessonbygg.example>";
const std::string k_olof = "Olof Åkesson <olof@akessonbygg.example>";

}  // namespace

BOOST_AUTO_TEST_SUITE(bureau)

BOOST_AUTO_TEST_CASE(link_base_follows_the_listener_unless_set_and_unreachable_ones_are_warned) {
    auto s = config::Settings::from_map("/tmp", {{"server.port", "20010"}});
    BOOST_TEST(s.link_base_url() == "http://127.0.0.1:20010");
    BOOST_TEST(s.link_base_url(20011) == "http://127.0.0.1:20011");
    BOOST_TEST(s.link_base_url(20011, std::string("::1")) == "http://[::1]:20011");
    BOOST_REQUIRE(s.base_url_warnings().size() == 1u);  // not set, loopback only: only this machine opens them
    BOOST_TEST(s.base_url_warnings()[0].find("server.base_url is not set") != std::string::npos);
    auto wrong = config::Settings::from_map("/tmp", {{"server.port", "20010"}, {"server.base_url", "http://127.0.0.1:8080/"}});
    BOOST_TEST(wrong.link_base_url() == "http://127.0.0.1:8080");
    BOOST_REQUIRE(wrong.base_url_warnings().size() == 1u);
    BOOST_TEST(wrong.base_url_warnings()[0].find("on port 8080") != std::string::npos, wrong.base_url_warnings()[0]);
    BOOST_TEST(wrong.base_url_warnings()[0].find("lead nowhere") != std::string::npos);
    auto local = config::Settings::from_map("/tmp", {{"server.port", "8080"}, {"server.base_url", "http://localhost:8080"}});
    BOOST_TEST(local.base_url_warnings().empty());
    auto wide = config::Settings::from_map(
        "/tmp", {{"server.port", "8080"}, {"server.address", "0.0.0.0"}, {"server.base_url", "http://127.0.0.1:8080"}});
    BOOST_REQUIRE(wide.base_url_warnings().size() == 1u);
    BOOST_TEST(wide.base_url_warnings()[0].find("serves other machines") != std::string::npos);
    auto proxy = config::Settings::from_map("/tmp", {{"server.port", "8080"}, {"server.base_url", "https://koppling.example.se"}});
    BOOST_TEST(proxy.base_url_warnings().empty());
    BOOST_TEST(proxy.link_base_url() == "https://koppling.example.se");
    proxy.validate();
    s.validate();  // empty is allowed now

    // config check warns (exit 0) about a base URL the listener is not behind.
    TempDir home;
    const std::string h = (home.path() / "var").string();
    BOOST_REQUIRE(run_linkage({"--home", h, "init"}).exit_code == 0);
    auto check = run_linkage({"--home", h, "config", "check"}, "",
                             {"LINKAGE_SERVER_PORT=20010", "LINKAGE_SERVER_BASE_URL=http://127.0.0.1:8080"});
    BOOST_TEST(check.exit_code == 0, check.err);
    BOOST_TEST(check.err.find("warning: server.base_url http://127.0.0.1:8080") != std::string::npos, check.err);
    auto fine = run_linkage({"--home", h, "config", "check"}, "",
                            {"LINKAGE_SERVER_PORT=20010", "LINKAGE_SERVER_BASE_URL=https://koppling.example.se"});
    BOOST_TEST(fine.exit_code == 0);
    BOOST_TEST(fine.err.find("warning") == std::string::npos, fine.err);
}

BOOST_AUTO_TEST_CASE(a_misspelt_linkage_section_in_the_environment_is_an_error) {
    TempDir home;
    const std::string h = (home.path() / "var").string();
    BOOST_REQUIRE(run_linkage({"--home", h, "init"}).exit_code == 0);
    for (const char* typo : {"LINKAGE_SERVR_PORT=9090", "LINKAGE_SMPT_HOST=relay", "LINKAGE_SERVER_PROT=9090"}) {
        BOOST_TEST_CONTEXT(typo) {
            auto r = run_linkage({"--home", h, "config", "check"}, "", {typo});
            BOOST_TEST(r.exit_code == 4);
            BOOST_TEST(r.err.find("names no setting") != std::string::npos, r.err);
        }
    }
    auto suggestion = run_linkage({"--home", h, "config", "check"}, "", {"LINKAGE_SERVR_PORT=9090"});
    BOOST_TEST(suggestion.err.find("LINKAGE_SERVER_PORT") != std::string::npos, suggestion.err);
    // Variables of no section are not settings (tests, tools).
    BOOST_TEST(run_linkage({"--home", h, "config", "check"}, "", {"LINKAGE_SKIP_TESTS=1", "LINKAGE_ACTOR=x"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(serve_mails_links_to_the_port_it_listens_on) {
    TempDir home;
    const std::string h = (home.path() / "var").string();
    BOOST_REQUIRE(run_linkage({"--home", h, "init"}).exit_code == 0);
    BOOST_REQUIRE(run_linkage({"--home", h, "registry", "import", (source_dir() / "data/sample-registry.json").string()})
                      .exit_code == 0);
    auto tok = run_linkage({"--home", h, "user", "token", "anna.norrsken"});
    BOOST_REQUIRE(tok.exit_code == 0);
    const std::string token = tok.out.substr(0, tok.out.find('\n'));
    auto start = [&](const std::vector<std::string>& env, const std::string& tag, std::string& err) {
        std::vector<std::string> cmd{"/usr/bin/env", "LINKAGE_SERVER_OPS_PORT=-1"};
        cmd.insert(cmd.end(), env.begin(), env.end());
        for (const std::string& a : {linkage_bin().string(), std::string("--home"), h, std::string("serve"),
                                     std::string("--port"), std::string("0")})
            cmd.push_back(a);
        auto p = std::make_unique<ChildProcess>(cmd, home.path() / (tag + ".out"), home.path() / (tag + ".err"));
        std::smatch m;
        for (int i = 0; i < 500; ++i) {
            err = read_if_there(home.path() / (tag + ".err"));
            if (std::regex_search(err, m, std::regex("links in mails start with (\\S+)"))) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::regex port_re("serving on http://127\\.0\\.0\\.1:(\\d+)");
        int port = std::regex_search(err, m, port_re) ? std::stoi(m[1]) : 0;
        return std::pair{std::move(p), port};
    };
    std::string err;
    auto [server, port] = start({}, "follow", err);
    BOOST_REQUIRE_MESSAGE(port > 0, "server did not start: " + err);
    BOOST_TEST(err.find("links in mails start with http://127.0.0.1:" + std::to_string(port)) != std::string::npos, err);
    BOOST_TEST(err.find("warning: server.base_url is not set") != std::string::npos, err);
    HttpClient api(port);
    api.bearer = token;
    BOOST_TEST(api.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    server->signal(SIGTERM);
    BOOST_REQUIRE(server->wait_for(std::chrono::seconds(15)));
    BOOST_REQUIRE(run_linkage({"--home", h, "mail", "send"}).exit_code == 0);
    auto mails = received(std::filesystem::path(h) / "outbox");
    BOOST_REQUIRE(mails.size() == 2u);
    for (auto& m : mails)
        BOOST_TEST(approval_link_in(m.body).rfind("http://127.0.0.1:" + std::to_string(port) + "/approve/", 0) == 0u,
                   approval_link_in(m.body));

    // A base URL on this machine's loopback with another port: served, warned.
    auto [other, other_port] = start({"LINKAGE_SERVER_BASE_URL=http://127.0.0.1:8080"}, "wrong", err);
    BOOST_REQUIRE_MESSAGE(other_port > 0, "server did not start: " + err);
    BOOST_TEST(err.find("links in mails start with http://127.0.0.1:8080 (server.base_url)") != std::string::npos, err);
    BOOST_TEST(err.find("warning: server.base_url http://127.0.0.1:8080 names this machine") != std::string::npos, err);
    other->signal(SIGTERM);
    BOOST_TEST(other->wait_for(std::chrono::seconds(15)));
}

BOOST_AUTO_TEST_CASE(the_server_fills_in_its_own_address_when_no_base_url_is_given) {
    WebFixture f([](web::ServerOptions& o) { o.base_url.clear(); });
    BOOST_TEST(f.server->base_url() == "http://127.0.0.1:" + std::to_string(f.port));
    BOOST_TEST(f.api_client("anna.norrsken").post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status ==
               201);
    for (auto& m : f.deliver())
        BOOST_TEST(approval_link_in(m.body).rfind(f.base_url + "/approve/", 0) == 0u, approval_link_in(m.body));
}

BOOST_AUTO_TEST_CASE(search_and_send_are_post_redirect_get_and_the_personal_number_stays_out_of_urls) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    // A sole trader's personal number: POSTed, the result's address holds a key only.
    auto personal = search(anna, "19811218-9876");
    BOOST_TEST(personal.post.status == 303);
    BOOST_TEST(personal.location.rfind("/clients/link?s=", 0) == 0u, personal.location);
    BOOST_TEST(std::regex_search(personal.location, std::regex("\\d{6}")) == false, personal.location);
    BOOST_TEST(personal.page.status == 200);
    BOOST_TEST(!personal.page.has("19811218-9876"));     // masked in the field
    BOOST_TEST(personal.page.has("personnummer"));        // labelled right
    // The abonnemangsnummer added to the masked field: the same personal number, now identified.
    auto both = anna.post_form("/clients/link/search", {{"q", "19811218-****"},
                                                        {"subscription", "103300"},
                                                        {"s", hidden_field(personal.page.body, "s")},
                                                        {"csrf", hidden_field(personal.page.body, "csrf")}});
    BOOST_TEST(both.status == 303);
    auto named = anna.get(both.headers["Location"].substr(0, both.headers["Location"].find('#')));
    BOOST_TEST(named.has("Lena Öberg Konsult"), named.body);
    BOOST_TEST(named.has("<dt>Personnummer</dt><dd>19811218-****</dd>"));
    BOOST_TEST(named.has("id=\"skicka\""));
    BOOST_TEST(!named.has("9876"));
    // Typed into an address: refused, not searched.
    auto in_url = anna.get("/clients/link?q=19811218-9876");
    BOOST_TEST(in_url.status == 400);
    BOOST_TEST(in_url.has("Ett personnummer skickas inte i sidans adress"));
    BOOST_TEST(!in_url.has("19811218-9876"));
    // Another user cannot open Anna's result key.
    auto per = f.signed_in("per.norrsken");
    BOOST_TEST(per.get(personal.location.substr(0, personal.location.find('#'))).status == 410);

    auto s = search(anna, "559456-7892", "100234");
    BOOST_REQUIRE(s.page.status == 200);
    BOOST_TEST(s.page.has("Åkesson Bygg &amp; Måleri AB"));
    BOOST_TEST(s.page.has("id=\"resultat\" tabindex=\"-1\" autofocus"));
    BOOST_TEST(s.page.has("id=\"skicka\""));
    std::string where;
    auto done = send_request(anna, s.page, &where);
    BOOST_TEST(std::regex_match(where, std::regex("/clients/link/sent/\\d+")), where);
    BOOST_TEST(done.status == 200);
    BOOST_TEST(done.has("Förfrågan är skickad till Åkesson Bygg &amp; Måleri AB"));
    BOOST_TEST(done.has("2 systemadministratörer har fått"));
    BOOST_TEST(done.has("3 december 2026 kl. 13:00"));  // valid until, Swedish time
    // F5 on the result page: the same page, nothing sent again.
    auto again = anna.get(where);
    BOOST_TEST(again.status == 200);
    BOOST_TEST(again.has("Förfrågan är skickad"));
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 1);
    BOOST_TEST(f.deliver().size() == 2u);
    // Back to the search result: no send button, the live request is named.
    auto back = anna.get(s.location.substr(0, s.location.find('#')));
    BOOST_TEST(!back.has("id=\"skicka\""));
    BOOST_TEST(back.has("Det finns redan en koppling"));
    // Another bureau cannot open the result page.
    BOOST_TEST(f.signed_in("jonas.vast").get(where).status == 404);
    // An error takes the focus.
    auto bad = search(anna, "559456-7893");
    BOOST_TEST(bad.page.status == 400);
    BOOST_TEST(bad.page.has("role=\"alert\" tabindex=\"-1\" autofocus"));
    BOOST_TEST(bad.page.has("aria-invalid=\"true\""));
}

BOOST_AUTO_TEST_CASE(the_bureau_is_told_about_an_approval_on_its_page_and_by_mail) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    auto links = request_akesson(f, anna);
    BOOST_REQUIRE(links.size() == 2u);
    BOOST_TEST(!anna.get("/clients").has("Nytt om era förfrågningar"));
    f.clock.advance(std::chrono::hours(2));
    auto karin = f.client();
    auto page = karin.get(links[k_karin]);
    BOOST_REQUIRE(karin.post_form(links[k_karin], {{"decision", "approve"}, {"csrf", hidden_field(page.body, "csrf")}})
                      .status == 303);
    anna = f.signed_in("anna.norrsken");  // the earlier session has been idle too long
    auto clients = anna.get("/clients");
    BOOST_TEST(clients.has("Nytt om era förfrågningar"));
    BOOST_TEST(clients.has("Åkesson Bygg &amp; Måleri AB godkände kopplingen 26 november 2026 kl. 15:00 (Karin Åkesson"),
               clients.body);
    BOOST_TEST(clients.has("1 godkänd koppling väntar på aktivering"));
    BOOST_TEST(!clients.has("godkänd(a)"));
    auto told = mails_to(f, "anna@norrsken.example");
    BOOST_REQUIRE(told.size() == 1u);
    BOOST_TEST(told[0].headers["Subject"] == "Åkesson Bygg & Måleri AB har godkänt kopplingen med Redovisningsbyrån Norrsken AB");
    BOOST_TEST(told[0].body.find("Hej Anna Lindqvist!") != std::string::npos);
    BOOST_TEST(told[0].body.find("aktiveringslistan") != std::string::npos);
    BOOST_TEST(told[0].body.find(f.base_url + "/linkages/") != std::string::npos);
    // Told once: another pass (the sweep) adds nothing.
    BOOST_TEST(digital::notify_bureaus(*f.db, f.clock, f.templates, f.base_url) == 0);
    BOOST_TEST(mails_to(f, "anna@norrsken.example").size() == 1u);
    // Marked as read: the line goes (PRG back to the list).
    auto seen = anna.post_form("/notices/seen", {{"csrf", hidden_field(clients.body, "csrf")}});
    BOOST_TEST(seen.status == 303);
    BOOST_TEST(!anna.get("/clients").has("Nytt om era förfrågningar"));
    // Another bureau sees nothing of it.
    BOOST_TEST(!f.signed_in("jonas.vast").get("/clients").has("godkände"));
}

BOOST_AUTO_TEST_CASE(the_bureau_is_told_about_a_decline_an_expiry_and_an_undeliverable_mail) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    auto links = request_akesson(f, anna);
    auto olof = f.client();
    auto page = olof.get(links[k_olof]);
    BOOST_REQUIRE(olof.post_form(links[k_olof], {{"decision", "decline"}, {"csrf", hidden_field(page.body, "csrf")}})
                      .status == 303);
    BOOST_TEST(anna.get("/clients").has("Olof Åkesson hos Åkesson Bygg &amp; Måleri AB avböjde"));
    auto declined = mails_to(f, "anna@norrsken.example");
    BOOST_REQUIRE(declined.size() == 1u);
    BOOST_TEST(declined[0].headers["Subject"] == "Åkesson Bygg & Måleri AB har avböjt förfrågan om koppling");

    // An approval mail that can never be delivered (a broken address in the registry).
    f.db->exec("UPDATE client_users SET email = 'goran at bad' WHERE email LIKE 'goran@%'");
    BOOST_REQUIRE(f.api_client("anna.norrsken").post_json("/api/v1/linkage-requests", R"({"client": "100871"})").status ==
                  201);
    f.deliver();  // fails permanently for Göran
    BOOST_TEST(f.desk(f.base_url).expire_due() == 0);  // the sweep tells the bureau
    auto clients = anna.get("/clients");
    BOOST_TEST(clients.has("kunde inte levereras till en av"), clients.body);
    BOOST_TEST(!clients.has("goran"));  // no administrator named before the client decided (issue 16)
    // The request runs out: told as well.
    f.clock.advance(std::chrono::hours(24 * 8));
    BOOST_TEST(f.desk(f.base_url).expire_due() == 1);
    anna = f.signed_in("anna.norrsken");
    clients = anna.get("/clients");
    BOOST_TEST(clients.has("gick ut"), clients.body);
    std::set<std::string> subjects;
    for (auto& m : mails_to(f, "anna@norrsken.example")) subjects.insert(m.headers["Subject"]);
    BOOST_TEST(subjects.size() == 3u);
    bool undeliverable = false, expired = false;
    for (auto& s : subjects) {
        undeliverable = undeliverable || s.find("kunde inte levereras") != std::string::npos;
        expired = expired || s.find("har gått ut") != std::string::npos;
    }
    BOOST_TEST(undeliverable);
    BOOST_TEST(expired);
}

BOOST_AUTO_TEST_CASE(a_late_avboj_after_a_colleague_approved_says_so_and_offers_a_revocation) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    auto links = request_akesson(f, anna);
    auto karin = f.client(), olof = f.client();
    auto kpage = karin.get(links[k_karin]);
    auto opage = olof.get(links[k_olof]);  // Olof opened his link before Karin answered
    BOOST_REQUIRE(karin.post_form(links[k_karin], {{"decision", "approve"}, {"csrf", hidden_field(kpage.body, "csrf")}})
                      .status == 303);
    auto late = olof.post_form(links[k_olof], {{"decision", "decline"}, {"csrf", hidden_field(opage.body, "csrf")}});
    BOOST_TEST(late.status == 303);
    BOOST_TEST(late.headers["Location"] == links[k_olof] + "?svar=avboj");
    auto shown = olof.get(late.headers["Location"]);
    BOOST_TEST(shown.has("Ditt Avböj ändrade ingenting"));
    BOOST_TEST(shown.has("Karin Åkesson (karin@akessonbygg.example) hade redan godkänt kopplingen"));
    BOOST_TEST(!shown.has("Du behöver inte göra något mer."));
    BOOST_TEST(shown.has("id=\"aterkalla\""));
    auto revoked = olof.post_form(links[k_olof], {{"objection", "revoke"},
                                                  {"reason", "Vi har inte anlitat byrån"},
                                                  {"csrf", hidden_field(shown.body, "csrf")}});
    BOOST_TEST(revoked.status == 303);
    BOOST_TEST(olof.get(links[k_olof]).has("Kopplingen är återkallad"));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).list().at(0).state == core::LinkageState::revoked));
    auto clients = anna.get("/clients");
    BOOST_TEST(clients.has("Olof Åkesson hos Åkesson Bygg &amp; Måleri AB återkallade kopplingen"), clients.body);
    auto history = anna.get("/linkages/" + std::to_string(store::LinkageRepo(*f.db, f.clock).list().at(0).id));
    BOOST_TEST(history.has("Vi har inte anlitat byrån"));
}

BOOST_AUTO_TEST_CASE(prefilled_form_over_http_own_bureau_only_and_reprinted_with_the_same_code) {
    WebFixture f;
    for (const char* user : {"erik.kpmg", "anna.norrsken"}) {  // excluded, and an ordinary bureau
        BOOST_TEST_CONTEXT(user) {
            auto c = f.signed_in(user);
            auto page = c.get("/clients/form");
            BOOST_TEST(page.status == 200);
            BOOST_TEST(page.has("Klientens abonnemangsnummer"));
            // One number or a wrong pair: refused, nothing recorded.
            auto wrong = c.post_form("/clients/form", {{"q", "559456-7892"}, {"subscription", "999999"},
                                                       {"csrf", hidden_field(page.body, "csrf")}});
            BOOST_TEST(wrong.status == 404);
            BOOST_TEST(wrong.has("autofocus"));
            auto made = c.post_form("/clients/form", {{"q", "559456-7892"}, {"subscription", "100234"},
                                                      {"csrf", hidden_field(page.body, "csrf")}});
            BOOST_REQUIRE(made.status == 303);
            const std::string where = made.headers["Location"];
            BOOST_TEST(where.rfind("/clients/form?klar=", 0) == 0u, where);
            auto done = c.get(where);
            BOOST_TEST(done.has("Blanketten för Åkesson Bygg &amp; Måleri AB är klar"));
            const std::string id = where.substr(where.find('=') + 1);
            auto pdf = c.get("/linkages/" + id + "/blankett.pdf");
            BOOST_TEST(pdf.status == 200);
            BOOST_TEST(pdf.headers["Content-Type"].find("application/pdf") == 0u);
            BOOST_TEST(pdf.body.rfind("%PDF-", 0) == 0u);
            auto l = store::LinkageRepo(*f.db, f.clock).get(std::stoll(id));
            BOOST_REQUIRE(l.has_value());
            BOOST_TEST((l->source == core::LinkageSource::paper));
            BOOST_TEST((l->state == core::LinkageState::requested));
            BOOST_TEST(l->requested_by == std::string("bureau_user:") + user);
            BOOST_TEST(pdf.headers["Content-Disposition"].find(*l->reference_code) != std::string::npos);
            // Reprint: the same bytes (same reference code, deterministic output).
            BOOST_TEST(c.get("/linkages/" + id + "/blankett.pdf").body == pdf.body);
            // Asking again for the pair leads to the same pending form.
            auto twice = c.post_form("/clients/form", {{"q", "559456-7892"}, {"subscription", "100234"},
                                                       {"csrf", hidden_field(page.body, "csrf")}});
            BOOST_TEST(twice.headers["Location"] == where);
            // Listed for printing again on the client list and the form page.
            BOOST_TEST(c.get("/clients").has("/linkages/" + id + "/blankett.pdf"));
            // Another bureau's user: not found, like a missing linkage.
            BOOST_TEST(f.signed_in("jonas.vast").get("/linkages/" + id + "/blankett.pdf").status == 404);
            BOOST_TEST(f.client().get("/linkages/" + id + "/blankett.pdf").status == 303);  // not signed in
        }
    }
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 2);
}

BOOST_AUTO_TEST_CASE(bureau_pages_show_names_swedish_words_and_local_time_not_ids_or_hashes) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    auto links = request_akesson(f, anna);
    auto karin = f.client();
    auto page = karin.get(links[k_karin]);
    karin.post_form(links[k_karin], {{"decision", "approve"}, {"csrf", hidden_field(page.body, "csrf")}});
    const auto id = std::to_string(store::LinkageRepo(*f.db, f.clock).list().at(0).id);
    auto activation = anna.get("/activation");
    auto act = anna.post_form("/activation/" + id, {{"csrf", hidden_field(activation.body, "csrf")},
                                                    {"perm.per.norrsken.bookkeeping", "1"}});
    BOOST_REQUIRE(act.status == 303);
    for (const std::string& path : std::vector<std::string>{"/clients", "/linkages/" + id, "/activation", "/clients/form"}) {
        BOOST_TEST_CONTEXT(path) {
            auto r = anna.get(path);
            BOOST_TEST(r.status == 200);
            for (const char* id_text : {"bureau_user:", "client_user:", "cli:", "staff:", "system:", "SHA-256",
                                        "archive/", "signed paper form", "signer_email", "(approved)"})
                BOOST_TEST(!r.has(id_text), id_text);
            // No raw UTC ISO times.
            BOOST_TEST(!std::regex_search(r.body, std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d")), r.body);
        }
    }
    auto history = anna.get("/linkages/" + id);
    BOOST_TEST(history.has("Förfrågan skickad av Anna Lindqvist till 2 systemadministratörer, giltig till 3 december 2026 kl. 13:00"),
               history.body);
    BOOST_TEST(history.has("Aktiverad av Anna Lindqvist"));
    BOOST_TEST(history.has("Konsulten Per Åström fick behörigheterna: Bokföring"));
    BOOST_TEST(history.has("Godkänd av Karin Åkesson"));

    // Approved by a signed paper form, and by a reviewer: names, Swedish words.
    store::Id paper = 0, reviewed = 0;
    {
        store::LinkageRepo repo(*f.db, f.clock);
        store::RegistryRepo registry(*f.db, f.clock);
        store::Transaction tx(*f.db);
        const auto bureau = registry.bureau_by_orgnr("559123-4561")->id;
        paper = repo.create(bureau, registry.client_by_orgnr("556612-3450")->id, core::LinkageSource::paper, "cli:root", "ABC-DEF");
        repo.change_state(paper, core::LinkageState::approved, "signed paper form (Göran Fiskare)", "paper");
        reviewed = repo.create(bureau, registry.client_by_subscription("900014")->id, core::LinkageSource::paper, "cli:root",
                                "GHJ-KLM");
        repo.change_state(reviewed, core::LinkageState::approved, "stina (review of signed paper form)", "review");
        tx.commit();
    }
    auto list = anna.get("/activation");
    BOOST_TEST(list.has("undertecknad blankett (Göran Fiskare)"), list.body);
    BOOST_TEST(list.has("stina, efter granskning av undertecknad blankett"));
    for (auto* text : {"signed paper form", "review of", "cli:"}) BOOST_TEST(!list.has(text), text);
    auto paper_history = anna.get("/linkages/" + std::to_string(paper));
    BOOST_TEST(paper_history.has("Godkänd med undertecknad blankett (automatiskt), undertecknad av Göran Fiskare."),
               paper_history.body);
    BOOST_TEST(paper_history.has("Kopplingen skapades för en pappersblankett."));
    for (auto* text : {"signed paper form", "cli:", "(källa: blankett)"}) BOOST_TEST(!paper_history.has(text), text);
}

BOOST_AUTO_TEST_CASE(the_activation_error_is_at_the_top_and_takes_the_focus) {
    WebFixture f;
    auto anna = f.signed_in("anna.norrsken");
    // Two approved linkages: the error is about the second.
    for (const char* client : {"559456-7892", "100871"}) {
        BOOST_REQUIRE(f.api_client("anna.norrsken")
                          .post_json("/api/v1/linkage-requests", std::string(R"({"client": ")") + client + "\"}")
                          .status == 201);
    }
    for (auto& m : f.deliver()) {
        const auto link = approval_link_in(m.body);
        if (link.empty()) continue;
        auto b = f.client();
        auto p = b.get(path_of(link));
        if (p.has("name=\"decision\"")) b.post_form(path_of(link), {{"decision", "approve"}, {"csrf", hidden_field(p.body, "csrf")}});
    }
    auto list = store::LinkageRepo(*f.db, f.clock).list();
    BOOST_REQUIRE(list.size() == 2u);
    const auto second = std::to_string(std::max(list[0].id, list[1].id));
    auto page = anna.get("/activation");
    auto posted = anna.post_form("/activation/" + second, {{"csrf", hidden_field(page.body, "csrf")}});  // no consultant
    BOOST_TEST(posted.status == 303);  // Post/Redirect/Get: F5 does not post again
    const std::string where = posted.headers["Location"];
    BOOST_TEST(where.rfind("/activation?fel=", 0) == 0u, where);
    auto r = anna.get(where.substr(0, where.find('#')));
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.has("Välj minst en konsult"));
    BOOST_TEST(f.signed_in("per.norrsken").get(where.substr(0, where.find('#'))).body.find("Välj minst en konsult") ==
               std::string::npos);  // the message is Anna's
    const auto alert = r.body.find("role=\"alert\" id=\"fel\" tabindex=\"-1\" autofocus");
    BOOST_TEST(alert != std::string::npos);
    BOOST_TEST(alert < r.body.find("<section"));            // above every linkage
    BOOST_TEST(r.body.find("id=\"linkage-" + second + "\"") < r.body.find("<section", r.body.find("<section") + 1));
    BOOST_TEST(r.has("href=\"#linkage-" + second + "-form\""));
}

BOOST_AUTO_TEST_SUITE_END()
