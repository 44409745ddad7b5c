#define BOOST_TEST_MODULE review
#include <boost/test/unit_test.hpp>

#include "store/event_log.hpp"
#include "test_support.hpp"

#include <sys/wait.h>

#include <filesystem>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

// The README's demo leaves one document in review: a form signed by a client
// user who is not a system administrator (sample-005).
struct DemoHome {
    test_support::TempDir dir;
    std::string home = (dir.path() / "home").string();
    std::string id;
    DemoHome() {
        auto demo = run_linkage({"--home", home, "demo"});
        BOOST_TEST_REQUIRE(demo.exit_code == 0, demo.err);
        auto list = run_linkage({"--home", home, "review", "list", "--json"});
        auto pos = list.out.find("\"document_id\":");
        BOOST_TEST_REQUIRE(pos != std::string::npos, list.out);
        id = std::to_string(std::stoll(list.out.substr(pos + 14)));
    }
    std::int64_t scalar(const std::string& sql) {
        auto c = test_support::open_test_store(home);
        auto s = c->prepare(sql);
        s->step();
        return s->get_int(0);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(review_queue, DemoHome)

BOOST_AUTO_TEST_CASE(show_lists_values_confidences_crops_and_failed_checks) {
    auto r = run_linkage({"--home", home, "review", "show", id});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("signer_not_admin") != std::string::npos);
    BOOST_TEST(r.out.find("Mats Svensson") != std::string::npos);
    auto crop = r.out.find("crop ");
    BOOST_TEST_REQUIRE(crop != std::string::npos);
    auto path = r.out.substr(crop + 5, r.out.find('\n', crop) - crop - 5);
    BOOST_TEST(fs::file_size(path) > 100u);
    BOOST_TEST(r.out.find("page image ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(show_prints_the_checks_that_fail_now_and_the_registry) {
    auto r = run_linkage({"--home", home, "review", "show", id});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("checks now:\n  ! signer_not_admin (signer_name)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("  bureau  Redovisningsbyrån Norrsken AB 559123-4561") != std::string::npos);
    BOOST_TEST(r.out.find("  administrator  Karin Åkesson <karin@akessonbygg.example>") != std::string::npos);
    BOOST_TEST(r.out.find("  linkage #") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hard_rule_needs_an_override_and_corrections_are_revalidated) {
    auto plain = run_linkage({"--home", home, "review", "approve", id});
    BOOST_TEST(plain.exit_code == 6);
    BOOST_TEST(plain.err.find("signer_not_admin") != std::string::npos);
    // A correction that is still wrong is caught by the same rules as the pipeline's.
    auto bad = run_linkage({"--home", home, "review", "approve", id, "--set", "client_orgnr=559456-7893"});
    BOOST_TEST(bad.exit_code == 6);
    BOOST_TEST(bad.err.find("orgnr_invalid") != std::string::npos);
    auto unknown = run_linkage({"--home", home, "review", "approve", id, "--set", "colour=blue"});
    BOOST_TEST(unknown.exit_code == 6);
    // Nothing changed by the refusals.
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action LIKE 'review_%'") == 0);
    auto over = run_linkage({"--home", home, "review", "approve", id, "--override",
                             "firmatecknare enligt bolagsverket", "--reviewer", "stina"});
    BOOST_TEST(over.exit_code == 0, over.err);
    BOOST_TEST(over.out.find("overridden: signer_not_admin") != std::string::npos);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='review_approved' AND actor='stina' "
                      "AND after LIKE '%firmatecknare%'") == 1);
}

BOOST_AUTO_TEST_CASE(corrections_are_events_and_approval_happens_once) {
    auto ok = run_linkage({"--home", home, "review", "approve", id, "--set", "signer_name=Karin Åkesson", "--set",
                           "signer_email=karin@akessonbygg.example", "--reviewer", "anna"});
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='field_corrected' AND actor='anna' "
                      "AND before LIKE '%Mats Svensson%' AND after LIKE '%Karin%'") == 1);
    auto twice = run_linkage({"--home", home, "review", "approve", id, "--reviewer", "bertil"});
    BOOST_TEST(twice.exit_code == 6);
    BOOST_TEST(twice.err.find("already approved by anna") != std::string::npos);
    auto rej = run_linkage({"--home", home, "review", "reject", id, "--reason", "fel"});
    BOOST_TEST(rej.exit_code == 6);
    BOOST_TEST(scalar("SELECT count(*) FROM documents WHERE review_state='approved' AND reviewed_by='anna'") == 1);
    BOOST_TEST(run_linkage({"--home", home, "review", "list"}).out.find("0 document(s)") == 0u);
}

BOOST_AUTO_TEST_CASE(two_reviewers_at_once_end_in_one_decision) {
    test_support::TempDir io;
    std::vector<int> pids;
    for (const char* who : {"r1", "r2", "r3", "r4"})
        pids.push_back(test_support::spawn_linkage(
            {"--home", home, "review", "approve", id, "--override", "samtidigt", "--reviewer", who},
            io.path() / (std::string(who) + ".out"), io.path() / (std::string(who) + ".err")));
    int ok = 0;
    for (int pid : pids) {
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok;
    }
    BOOST_TEST(ok == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='document' AND action='review_approved'") == 1);
    BOOST_TEST(scalar("SELECT count(*) FROM linkages WHERE state IN ('requested','approved','activated') GROUP BY "
                      "bureau_id, client_id ORDER BY 1 DESC LIMIT 1") == 1);
}

BOOST_AUTO_TEST_CASE(reject_needs_a_reason_and_is_recorded) {
    BOOST_TEST(run_linkage({"--home", home, "review", "reject", id}).exit_code == 6);
    auto r = run_linkage({"--home", home, "review", "reject", id, "--reason", "ej behörig", "--reviewer", "kim"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action='review_rejected' AND actor='kim' AND after LIKE "
                      "'%ej behörig%'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 17 items 1 and 2: the true failing checks, the registry's facts, words for people.
#include "core/clock.hpp"
#include "review/review.hpp"

#include <algorithm>
#include <set>

namespace {

struct Reviewed : DemoHome {
    std::unique_ptr<store::Connection> c = test_support::open_test_store(home);
    core::SystemClock clock;
    core::Rules rules = test_support::shipped_rules();
    review::Reviewer rv{*c, clock, rules, validate::Thresholds{}, home};
    std::int64_t doc = std::stoll(id);

    static bool has(const std::vector<review::Check>& checks, std::string_view code, std::string_view field) {
        return std::any_of(checks.begin(), checks.end(), [&](auto& k) { return k.code == code && k.field == field; });
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(review_reasons, Reviewed)

BOOST_AUTO_TEST_CASE(empty_email_and_place_are_named_not_an_identity_problem) {
    // The signer is right now, but e-mail and place are empty: both numbers are fine.
    const std::map<std::string, std::string> fix{{"signer_name", "Karin Åkesson"}, {"signer_email", ""}, {"place", ""}};
    auto r = rv.approve(doc, "stina", fix, std::nullopt);
    BOOST_REQUIRE(!r);
    BOOST_TEST((r.error().refusal == review::Refusal::needs_override));
    BOOST_TEST(has(r.error().checks, "field_missing", "signer_email"));
    BOOST_TEST(has(r.error().checks, "field_missing", "place"));
    BOOST_TEST(!has(r.error().checks, "signer_not_admin", "signer_name"));
    for (auto& k : r.error().checks) BOOST_TEST(!k.blocking, k.code << " " << k.field);
    BOOST_TEST(r.error().message.find("organisation number") == std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find("signer_email") != std::string::npos, r.error().message);
    // The CLI says the same.
    auto cli = run_linkage({"--home", home, "review", "approve", id, "--set", "signer_name=Karin Åkesson", "--set",
                            "signer_email=", "--set", "place="});
    BOOST_TEST(cli.exit_code == 6);
    BOOST_TEST(cli.err.find("field_missing") != std::string::npos, cli.err);
    BOOST_TEST(cli.err.find("place") != std::string::npos, cli.err);
    BOOST_TEST(cli.err.find("identified") == std::string::npos, cli.err);
    BOOST_TEST(cli.err.find("organisation number") == std::string::npos, cli.err);
}

BOOST_AUTO_TEST_CASE(checks_are_recomputed_for_every_correction) {
    auto before = rv.check(doc, {});
    BOOST_TEST(has(before, "signer_not_admin", "signer_name"));
    auto after = rv.check(doc, {{"signer_name", "Karin Åkesson"}});
    BOOST_TEST(!has(after, "signer_not_admin", "signer_name"));
    // The form's e-mail (Mats's) no longer belongs to the signer: named under that field.
    BOOST_TEST(has(after, "signer_email_mismatch", "signer_email"));
    auto fixed = rv.check(doc, {{"signer_name", "Karin Åkesson"}, {"signer_email", "karin@akessonbygg.example"}});
    BOOST_TEST(std::none_of(fixed.begin(), fixed.end(), [](auto& k) { return !k.from_pipeline; }));
    // A wrong check digit is an identity problem, under its own field.
    auto bad = rv.check(doc, {{"client_orgnr", "559456-7893"}});
    BOOST_TEST(has(bad, "orgnr_invalid", "client_orgnr"));
    BOOST_TEST(std::any_of(bad.begin(), bad.end(), [](auto& k) { return k.blocking && k.field == "client_orgnr"; }));
}

BOOST_AUTO_TEST_CASE(a_client_that_cannot_be_identified_is_refused_naming_the_field) {
    auto unknown = rv.approve(doc, "stina", {{"client_orgnr", "559999-0016"}}, std::string("ändå"));
    BOOST_REQUIRE(!unknown);
    BOOST_TEST((unknown.error().refusal == review::Refusal::cannot_identify));
    BOOST_TEST(has(unknown.error().checks, "client_unknown", "client_orgnr"));
    auto r = rv.approve(doc, "stina", {{"client_orgnr", "559456-7893"}}, std::string("ändå"));
    BOOST_REQUIRE(!r);
    BOOST_TEST((r.error().refusal == review::Refusal::cannot_identify));
    BOOST_TEST(r.error().message.find("client_orgnr") != std::string::npos, r.error().message);
    BOOST_TEST((std::find(r.error().failures.begin(), r.error().failures.end(), "orgnr_invalid") !=
                r.error().failures.end()));
}

BOOST_AUTO_TEST_CASE(the_registry_panel_has_the_client_its_administrators_and_the_linkage) {
    auto f = rv.registry(doc, {});
    BOOST_REQUIRE(f.bureau);
    BOOST_TEST(f.bureau->name == "Redovisningsbyrån Norrsken AB");
    BOOST_REQUIRE(f.client_by_orgnr);
    BOOST_TEST(f.client_by_orgnr->name == "Åkesson Bygg & Måleri AB");
    BOOST_REQUIRE(f.client_by_subscription);
    BOOST_TEST(f.client_by_subscription->id == f.client_by_orgnr->id);
    BOOST_REQUIRE(f.administrators.size() == 2u);
    BOOST_TEST(f.administrators[0].email.find("@akessonbygg.example") != std::string::npos);
    // The demo approved the pair with an earlier scan: the panel says so.
    BOOST_REQUIRE(f.linkage);
    BOOST_TEST(f.linkage->state == "approved");
    BOOST_REQUIRE(f.linkage->approved_elsewhere);
    BOOST_TEST(f.linkage->approved_elsewhere->find("blankett") != std::string::npos, *f.linkage->approved_elsewhere);
    // Two administrators and a signer who is neither: no guess for the signer.
    BOOST_TEST(f.suggestions.count("signer_name") == 0u);
    // Naming one of them: the e-mail on the form is taken from the registry.
    auto g = rv.registry(doc, {{"signer_name", "karin åkesson"}});
    BOOST_TEST(g.suggestions["signer_name"] == "Karin Åkesson");
    BOOST_TEST(g.suggestions["signer_email"] == "karin@akessonbygg.example");
    // A wrong subscription number: the client's own is suggested.
    auto h = rv.registry(doc, {{"client_subscription", "100871"}});
    BOOST_TEST(h.suggestions["client_subscription"] == f.client_by_orgnr->subscription);
    BOOST_REQUIRE(h.client_by_subscription);
    BOOST_TEST(h.client_by_subscription->id != f.client_by_orgnr->id);
    // A wrong organisation number with the right subscription number: the orgnr is suggested.
    auto k = rv.registry(doc, {{"client_orgnr", "559456-7893"}});
    BOOST_TEST(!k.client_by_orgnr);
    BOOST_TEST(k.suggestions["client_orgnr"] == "559456-7892");
    BOOST_TEST(k.administrators.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_pending_linkage_is_shown_with_its_reference_code_and_who_asked) {
    // End the demo's approved linkage of the pair, then print a pre-filled form: a pending paper linkage.
    std::string approved;
    {
        auto s = c->prepare("SELECT CAST(l.id AS TEXT) FROM linkages l JOIN clients k ON k.id = l.client_id WHERE "
                            "k.orgnr = '559456-7892' AND l.state = 'approved'");
        if (s->step()) approved = s->get_text(0);
    }
    BOOST_REQUIRE(!approved.empty());
    BOOST_REQUIRE(run_linkage({"--home", home, "revoke", approved}).exit_code == 0);
    auto pdf = (dir.path() / "prefilled.pdf").string();
    auto pre = run_linkage({"--home", home, "form", "prefill", "--bureau", "559123-4561", "--client", "559456-7892", "-o", pdf});
    BOOST_REQUIRE_MESSAGE(pre.exit_code == 0, pre.err);
    auto f = rv.registry(doc, {});
    BOOST_REQUIRE(f.linkage);
    BOOST_TEST(f.linkage->state == "requested");
    BOOST_REQUIRE(f.linkage->reference_code);
    BOOST_TEST(f.linkage->reference_code->size() >= 6u);
    BOOST_TEST(!f.linkage->approved_elsewhere);
    BOOST_TEST(f.linkage->requested_by.find("cli:") == std::string::npos, f.linkage->requested_by);
    BOOST_TEST(f.linkage->requested_by.find("kommandoraden") == 0u, f.linkage->requested_by);
    // Approving the reviewed form approves that pending linkage.
    auto r = rv.approve(doc, "stina", {{"signer_name", "Karin Åkesson"}, {"signer_email", "karin@akessonbygg.example"}},
                        std::nullopt);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->what == "approved_pending");
    BOOST_TEST(r->linkage_id == f.linkage->id);
}

BOOST_AUTO_TEST_CASE(people_are_named_not_ids) {
    BOOST_TEST(rv.person_name("bureau_user:anna.norrsken") == "Anna Lindqvist");
    BOOST_TEST(rv.person_name("cli:root") == "kommandoraden (root)");
    BOOST_TEST(rv.person_name("anna (review of signed paper form)") == "anna (granskning)");
    BOOST_TEST(run_linkage({"--home", home, "user", "add-staff", "stina", "--name", "Stina Granskare"}, "granska-noga-1\n")
                   .exit_code == 0);
    BOOST_TEST(rv.person_name("stina") == "Stina Granskare");
    BOOST_TEST(rv.person_name("staff:stina") == "Stina Granskare");
}

BOOST_AUTO_TEST_CASE(a_next_step_for_every_reason_in_swedish) {
    std::set<std::string> seen;
    for (const char* code : {"field_missing", "orgnr_invalid", "bureau_unknown", "client_unknown", "subscription_mismatch",
                             "name_mismatch", "signer_not_admin", "signer_email_mismatch", "place_unclear",
                             "date_invalid", "date_in_future", "date_too_old", "reference_unknown", "linkage_closed",
                             "signature_unclear", "low_confidence"}) {
        const auto step = review::next_step_sv(code, code == std::string("field_missing") ? "place" : "");
        BOOST_TEST(!step.empty());
        BOOST_TEST(seen.insert(step).second, code << ": the same text as another reason");
    }
    BOOST_TEST(review::next_step_sv("field_missing", "signer_email").find("e-postadress") != std::string::npos);
    BOOST_TEST(review::next_step_sv("signer_not_admin", "signer_name").find("Alt+1") != std::string::npos);
    BOOST_TEST(review::linkage_state_sv("requested") == "väntar på godkännande");
    BOOST_TEST(review::field_label_sv("signer_email") == "E-postadress");
}

BOOST_AUTO_TEST_SUITE_END()
