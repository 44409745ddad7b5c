#include <boost/test/unit_test.hpp>

#include "test_support.hpp"


using test_support::run_linkage;

namespace {

std::string sql_text(const std::string& home, const std::string& sql) {
    auto c = test_support::open_test_store(home);
    auto s = c->prepare(sql);
    return s->step() ? s->get_text(0) : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history)

// The README demo leaves one form in review (signed by a client user who is
// not an administrator). A person corrects the signer and approves; the
// bureau activates; `linkage show` then tells the whole story.
BOOST_AUTO_TEST_CASE(paper_review_and_activation_read_completely_in_linkage_show) {
    test_support::TempDir dir;
    const std::string home = (dir.path() / "home").string();
    auto demo = run_linkage({"--home", home, "demo"});
    BOOST_TEST_REQUIRE(demo.exit_code == 0, demo.err);
    // README (a): the walkthrough shows the digital path beside the paper one, and one activation.
    for (const char* step : {"mail written: ", "decision: approved by Göran Fiskare", "source paper, approved",
                             "source digital, approved", "activated:", "per.norrsken: bookkeeping,reports",
                             "Godkänd av Göran Fiskare <goran@oresundsfisk.example> via sin personliga länk."})
        BOOST_TEST(demo.out.find(step) != std::string::npos, step);
    const std::string doc = sql_text(home, "SELECT CAST(min(id) AS TEXT) FROM documents WHERE review_state = 'open'");
    BOOST_TEST_REQUIRE(!doc.empty());
    // The demo's form is for a pair an earlier form linked already; that
    // linkage is revoked first so the reviewed form approves a new one.
    const std::string first = sql_text(
        home, "SELECT CAST(l.id AS TEXT) FROM linkages l JOIN bureaus b ON b.id = l.bureau_id JOIN clients c ON "
              "c.id = l.client_id WHERE b.orgnr = '559123-4561' AND c.orgnr = '559456-7892' AND l.state = 'approved'");
    if (!first.empty())
        BOOST_TEST_REQUIRE(run_linkage({"--home", home, "revoke", first, "--reason", "ny blankett"}).exit_code == 0);
    auto approve = run_linkage({"--home", home, "review", "approve", doc, "--set", "signer_name=Karin Åkesson", "--set",
                                "signer_email=karin@akessonbygg.example", "--reviewer", "stina"});
    BOOST_TEST_REQUIRE(approve.exit_code == 0, approve.err);
    const std::string id = sql_text(home, "SELECT CAST(linkage_id AS TEXT) FROM documents WHERE id = " + doc);
    const std::string consultant = sql_text(
        home, "SELECT u.username FROM bureau_users u JOIN linkages l ON l.bureau_id = u.bureau_id WHERE l.id = " + id +
                  " AND u.role = 'consultant' ORDER BY u.username LIMIT 1");
    BOOST_TEST_REQUIRE(!consultant.empty());

    // Each mistake is refused with its code; then the real activation.
    auto bad = run_linkage({"--home", home, "activate", id, "--consultant", consultant + "=bookkeeping,telepathy"});
    BOOST_TEST(bad.exit_code == 6);
    BOOST_TEST(bad.err.find("unknown_permission") != std::string::npos);
    auto none = run_linkage({"--home", home, "activate", id});
    BOOST_TEST(none.exit_code == 6);
    BOOST_TEST(none.err.find("no_consultants") != std::string::npos);
    auto ok = run_linkage({"--home", home, "activate", id, "--consultant", consultant + "=bookkeeping,reports"}, {},
                          {"LINKAGE_ACTOR=anna"});
    BOOST_TEST_REQUIRE(ok.exit_code == 0, ok.err);

    auto show = run_linkage({"--home", home, "show", id});
    BOOST_TEST_REQUIRE(show.exit_code == 0, show.err);
    const std::string& out = show.out;
    BOOST_TEST_MESSAGE(out);
    const std::string sha = sql_text(home, "SELECT sha256 FROM documents WHERE id = " + doc);
    const std::string archived = sql_text(home, "SELECT i.stored_path FROM inputs i JOIN documents d ON d.sha256 = i.sha256 "
                                                "WHERE d.id = " + doc);
    BOOST_TEST(out.find("state activated, source paper") != std::string::npos);
    BOOST_TEST(out.find(sha) != std::string::npos);                                        // which form
    BOOST_TEST(out.find(archived) != std::string::npos);                                   // where the original lies
    BOOST_TEST(out.find("stina rättade fältet signer_name: \"Mats Svensson\" → \"Karin Åkesson\"") != std::string::npos);
    BOOST_TEST(out.find("Granskad och godkänd av stina") != std::string::npos);            // reviewed by whom
    BOOST_TEST(out.find("efter manuell granskning") != std::string::npos);                 // approved via review
    BOOST_TEST(out.find("Aktiverad av cli:anna") != std::string::npos);                    // activated by whom
    BOOST_TEST(out.find("Konsulten " + consultant + " fick behörigheterna: Bokföring, Rapporter") != std::string::npos);
    BOOST_TEST(out.find("consultant " + consultant + ": bookkeeping,reports") != std::string::npos);
    // Oldest first.
    BOOST_TEST(out.find("lästes: utfall review") < out.find("Aktiverad av"));

    auto json = run_linkage({"--home", home, "show", id, "--json"});
    BOOST_TEST(json.exit_code == 0);
    BOOST_TEST(json.out.find("\"history\":[") != std::string::npos);
    BOOST_TEST(run_linkage({"--home", home, "show", "999999"}).exit_code == 6);

    // The client list shows the consultant's permissions; the activation list no longer has it.
    const std::string bureau = sql_text(home, "SELECT b.orgnr FROM bureaus b JOIN linkages l ON l.bureau_id = b.id WHERE l.id = " + id);
    auto clients = run_linkage({"--home", home, "client-list", "--bureau", bureau, "--json"});
    BOOST_TEST(clients.exit_code == 0);
    BOOST_TEST(clients.out.find("\"permissions\":[\"bookkeeping\",\"reports\"]") != std::string::npos);
    auto waiting = run_linkage({"--home", home, "activation-list", "--bureau", bureau, "--json"});
    BOOST_TEST(waiting.exit_code == 0);
    BOOST_TEST(waiting.out.find("\"linkage_id\":" + id + ",") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
