#define BOOST_TEST_MODULE activation
#include <boost/test/unit_test.hpp>

#include "activation/activation.hpp"
#include "digital_fixture.hpp"
#include "store/assignment_repo.hpp"
#include "store/event_log.hpp"
#include "store/linkage_merge.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"

#include <sys/wait.h>

using namespace test_support;

namespace {

constexpr const char* k_norrsken = "559123-4561";
constexpr const char* k_akesson = "559456-7892";
constexpr const char* k_oresund = "556612-3450";

struct Fixture : DigitalFixture {
    store::Id bureau_id(const std::string& orgnr) {
        return store::RegistryRepo(*db, clock).bureau_by_orgnr(orgnr)->id;
    }
    store::Id client_id(const std::string& orgnr) { return store::RegistryRepo(*db, clock).client_by_orgnr(orgnr)->id; }
    activation::Activation act() { return activation::Activation(*db, clock, rules); }
    store::LinkageRepo links() { return store::LinkageRepo(*db, clock); }

    // A digital request by anna.norrsken; returns the linkage and its tokens.
    std::pair<store::Id, std::vector<std::string>> digital_request(const std::string& client) {
        auto r = desk().request(principal("anna.norrsken"), client);
        BOOST_TEST_REQUIRE((r.status == digital::RequestResult::Status::created));
        std::vector<std::string> tokens;
        for (auto& m : store::MailQueue(*db).list())
            if (m.linkage_id == r.linkage_id) {
                auto link = approval_link_in(m.body);
                tokens.push_back(link.substr(link.rfind('/') + 1));
            }
        return {r.linkage_id, tokens};
    }
    // What the batch does for an accepted signed form.
    store::PaperApprovalResult paper_form(const std::string& bureau, const std::string& client,
                                          const std::string& sha = "aa11",
                                          const std::optional<store::Linkage>& referenced = std::nullopt) {
        store::Transaction tx(*db);
        auto l = links();
        auto r = store::approve_by_paper_form(l, bureau_id(bureau), client_id(client), referenced,
                                              "signed paper form (Karin Åkesson)", "batch", "paper",
                                              R"({"sha256":")" + sha + R"(","signer":"Karin Åkesson"})");
        tx.commit();
        return r;
    }
    std::int64_t scalar(const std::string& sql) {
        auto s = db->prepare(sql);
        s->step();
        return s->get_int(0);
    }
};

std::vector<activation::Grant> per_bookkeeping() { return {{"per.norrsken", {"bookkeeping", "reports"}}}; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(activation_use_cases, Fixture)

BOOST_AUTO_TEST_CASE(both_sources_land_in_one_activation_list) {
    auto [digital_id, tokens] = digital_request(k_akesson);
    BOOST_TEST_REQUIRE(!tokens.empty());
    BOOST_TEST((desk().decide(tokens[0], digital::Decision::approve).status == digital::DecideResult::Status::done));
    auto paper = paper_form(k_norrsken, k_oresund);
    BOOST_TEST((paper.what == store::PaperApproval::created));
    // A pending request is not in the list; another bureau's approvals neither.
    digital_request("559567-8904");
    paper_form("559234-5671", k_akesson, "bb22");

    auto list = act().activation_list(bureau_id(k_norrsken));
    BOOST_TEST_REQUIRE(list.size() == 2u);
    std::map<store::Id, store::Linkage> by_id;
    for (auto& l : list) by_id[l.id] = l;
    BOOST_TEST((by_id.at(digital_id).source == core::LinkageSource::digital));
    BOOST_TEST(by_id.at(digital_id).approved_via.value_or("") == "digital");
    BOOST_TEST(by_id.at(digital_id).decided_by.value_or("").find("client_user:") == 0u);
    BOOST_TEST((by_id.at(paper.linkage_id).source == core::LinkageSource::paper));
    BOOST_TEST(by_id.at(paper.linkage_id).approved_via.value_or("") == "paper");
    BOOST_TEST(by_id.at(paper.linkage_id).decided_by.value_or("") == "signed paper form (Karin Åkesson)");
    BOOST_TEST(by_id.at(paper.linkage_id).decided_at.has_value());
}

BOOST_AUTO_TEST_CASE(paper_form_approves_a_pending_digital_request_and_the_links_say_so) {
    auto [id, tokens] = digital_request(k_akesson);
    clock.advance(std::chrono::hours(2));
    auto r = paper_form(k_norrsken, k_akesson);
    BOOST_TEST((r.what == store::PaperApproval::approved_pending));
    BOOST_TEST(r.pending_was_digital);
    BOOST_TEST(r.linkage_id == id);
    BOOST_TEST(links().get(id)->approved_via.value_or("") == "paper");
    for (auto& t : tokens) {
        auto view = desk().open(t);
        BOOST_TEST((view.status == digital::LinkStatus::approved_by_paper));
        BOOST_TEST(view.decided_at.value_or("") == "2026-11-26T14:00:00Z");
        // A link cannot approve what a form already approved.
        BOOST_TEST((desk().decide(t, digital::Decision::approve).status ==
                    digital::DecideResult::Status::already_decided));
    }
    BOOST_TEST(act().activation_list(bureau_id(k_norrsken)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(digital_request_for_a_pair_approved_by_paper_is_a_conflict_with_its_state) {
    auto r = paper_form(k_norrsken, k_akesson);
    auto again = desk().request(principal("anna.norrsken"), k_akesson);
    BOOST_TEST((again.status == digital::RequestResult::Status::conflict));
    BOOST_TEST((again.state == core::LinkageState::approved));
    BOOST_TEST(again.linkage_id == r.linkage_id);
    BOOST_TEST(scalar("SELECT count(*) FROM linkages") == 1);
}

BOOST_AUTO_TEST_CASE(second_paper_form_is_evidence_only) {
    auto first = paper_form(k_norrsken, k_akesson, "aa11");
    const auto events = scalar("SELECT count(*) FROM events WHERE entity='linkage' AND action <> 'evidence_added'");
    auto second = paper_form(k_norrsken, k_akesson, "cc33");
    BOOST_TEST((second.what == store::PaperApproval::already_linked));
    BOOST_TEST(second.linkage_id == first.linkage_id);
    BOOST_TEST(links().evidence(first.linkage_id).size() == 2u);
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE entity='linkage' AND action <> 'evidence_added'") == events);
    // Also after activation: the form changes nothing.
    BOOST_TEST_REQUIRE(act().activate(bureau_id(k_norrsken), first.linkage_id, per_bookkeeping(), "t").has_value());
    auto third = paper_form(k_norrsken, k_akesson, "dd44");
    BOOST_TEST((third.what == store::PaperApproval::already_linked));
    BOOST_TEST((links().get(first.linkage_id)->state == core::LinkageState::activated));
}

BOOST_AUTO_TEST_CASE(reference_code_ties_a_form_to_its_pending_paper_linkage) {
    store::Id id;
    {
        store::Transaction tx(*db);
        id = links().create(bureau_id(k_norrsken), client_id(k_akesson), core::LinkageSource::paper, "prefill",
                            std::string("KX7Q-2M4P"));
        tx.commit();
    }
    auto r = paper_form(k_norrsken, k_akesson, "ee55", links().by_reference_code("KX7Q-2M4P"));
    BOOST_TEST((r.what == store::PaperApproval::approved_pending));
    BOOST_TEST(r.linkage_id == id);
    BOOST_TEST(!r.pending_was_digital);
}

BOOST_AUTO_TEST_CASE(unique_live_linkage_is_enforced_by_the_store) {
    store::Transaction tx(*db);
    links().create(bureau_id(k_norrsken), client_id(k_akesson), core::LinkageSource::digital, "a");
    BOOST_CHECK_THROW(links().create(bureau_id(k_norrsken), client_id(k_akesson), core::LinkageSource::paper, "b"),
                      store::ConstraintError);
}

BOOST_AUTO_TEST_CASE(activate_assigns_consultants_with_permissions_in_one_step_with_events) {
    auto r = paper_form(k_norrsken, k_akesson);
    auto done = act().activate(bureau_id(k_norrsken), r.linkage_id,
                               {{"per.norrsken", {"reports", "bookkeeping", "reports"}}, {"anna.norrsken", {"payroll"}}},
                               "bureau_user:anna.norrsken");
    BOOST_TEST_REQUIRE(done.has_value(), (done ? "" : done.error().message));
    BOOST_TEST((done->linkage.state == core::LinkageState::activated));
    BOOST_TEST(done->linkage.activated_by.value_or("") == "bureau_user:anna.norrsken");
    BOOST_TEST_REQUIRE(done->consultants.size() == 2u);
    BOOST_TEST(done->consultants[1].username == "per.norrsken");
    BOOST_TEST((done->consultants[1].permissions == std::vector<std::string>{"bookkeeping", "reports"}));
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action='consultant_granted' AND actor='bureau_user:anna.norrsken' "
                      "AND after LIKE '%per.norrsken%bookkeeping%'") == 1);
    BOOST_TEST(act().activation_list(bureau_id(k_norrsken)).empty());
    auto clients = act().client_list(bureau_id(k_norrsken));
    BOOST_TEST_REQUIRE(clients.size() == 1u);
    BOOST_TEST(clients[0].consultants.size() == 2u);
    // Activating twice is refused with the state.
    auto twice = act().activate(bureau_id(k_norrsken), r.linkage_id, per_bookkeeping(), "x");
    BOOST_TEST_REQUIRE(!twice.has_value());
    BOOST_TEST(twice.error().code == "wrong_state");
}

BOOST_AUTO_TEST_CASE(every_mistake_gets_its_own_code_and_nothing_changes) {
    auto r = paper_form(k_norrsken, k_akesson);
    const auto bureau = bureau_id(k_norrsken);
    db->exec("UPDATE bureau_users SET active = 0 WHERE username = 'sara.norrsken'");
    struct Case {
        std::vector<activation::Grant> grants;
        std::string code;
    };
    const std::vector<Case> cases{
        {{}, "no_consultants"},
        {{{"nobody", {"bookkeeping"}}}, "unknown_user"},
        {{{"jonas.vast", {"bookkeeping"}}}, "unknown_user"},  // another bureau's user
        {{{"sara.norrsken", {"bookkeeping"}}}, "inactive_user"},
        {{{"per.norrsken", {}}}, "no_permissions"},
        {{{"per.norrsken", {"bookkeeping", "launch_rockets"}}}, "unknown_permission"},
        {{{"per.norrsken", {"bookkeeping"}}, {"per.norrsken", {"payroll"}}}, "duplicate_user"},
    };
    for (auto& c : cases) {
        auto got = act().activate(bureau, r.linkage_id, c.grants, "t");
        BOOST_TEST_REQUIRE(!got.has_value());
        BOOST_TEST(got.error().code == c.code);
        BOOST_TEST(!got.error().message.empty());
    }
    BOOST_TEST((links().get(r.linkage_id)->state == core::LinkageState::approved));
    BOOST_TEST(scalar("SELECT count(*) FROM consultant_assignments") == 0);
    // Another bureau cannot see or activate it.
    auto other = act().activate(bureau_id("559234-5671"), r.linkage_id, {{"jonas.vast", {"bookkeeping"}}}, "t");
    BOOST_TEST_REQUIRE(!other.has_value());
    BOOST_TEST(other.error().code == "not_found");
    BOOST_TEST(!act().get(bureau_id("559234-5671"), r.linkage_id).has_value());
    BOOST_TEST(!act().revoke(bureau_id("559234-5671"), r.linkage_id, "t", "").has_value());
}

BOOST_AUTO_TEST_CASE(permissions_change_later_and_revocations_keep_history) {
    auto r = paper_form(k_norrsken, k_akesson);
    const auto bureau = bureau_id(k_norrsken);
    BOOST_TEST_REQUIRE(act().activate(bureau, r.linkage_id,
                                      {{"per.norrsken", {"bookkeeping"}}, {"sara.norrsken", {"payroll"}}}, "a")
                           .has_value());
    auto changed = act().change_permissions(bureau, r.linkage_id,
                                            {{"per.norrsken", {"bookkeeping", "invoicing"}}, {"sara.norrsken", {"payroll"}}},
                                            "b");
    BOOST_TEST_REQUIRE(changed.has_value());
    BOOST_TEST((changed->consultants[0].permissions == std::vector<std::string>{"bookkeeping", "invoicing"}));
    // sara's unchanged row was kept; per's old row revoked, not deleted.
    BOOST_TEST(scalar("SELECT count(*) FROM consultant_assignments") == 3);
    BOOST_TEST(scalar("SELECT count(*) FROM consultant_assignments WHERE revoked_at IS NOT NULL AND revoked_by='b'") == 1);
    BOOST_CHECK_THROW(db->exec("DELETE FROM consultant_assignments"), store::StoreError);
    // Dropping a consultant.
    BOOST_TEST_REQUIRE(act().change_permissions(bureau, r.linkage_id, {{"sara.norrsken", {"payroll"}}}, "c").has_value());
    BOOST_TEST(store::AssignmentRepo(*db, clock).live(r.linkage_id).size() == 1u);
    // A client administrator revokes (not someone else).
    auto stranger = act().revoke_by_client_admin(r.linkage_id, "mats@akessonbygg.example", "");
    BOOST_TEST_REQUIRE(!stranger.has_value());
    BOOST_TEST(stranger.error().code == "not_administrator");
    auto revoked = act().revoke_by_client_admin(r.linkage_id, "karin@akessonbygg.example", "byter byrå");
    BOOST_TEST_REQUIRE(revoked.has_value());
    BOOST_TEST((revoked->state == core::LinkageState::revoked));
    BOOST_TEST(store::AssignmentRepo(*db, clock).live(r.linkage_id).empty());
    BOOST_TEST(scalar("SELECT count(*) FROM events WHERE action='revocation_reason' AND after LIKE '%byter byrå%'") == 1);
    BOOST_TEST(act().client_list(bureau).empty());
    // The pair may be linked again afterwards.
    auto again = paper_form(k_norrsken, k_akesson, "ff66");
    BOOST_TEST((again.what == store::PaperApproval::created));
    BOOST_TEST(act().revoke(bureau, again.linkage_id, "bureau_user:anna.norrsken", "").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(race)

// Two `linkage form prefill` processes (each records a pending paper linkage)
// race for the same pair, for several pairs: exactly one wins each pair, the
// other is refused (exit 6), and the store holds one live linkage per pair.
BOOST_AUTO_TEST_CASE(two_processes_creating_the_same_pair_leave_one_live_linkage) {
    Fixture f;
    const std::string home = f.home.path().string();
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    const std::vector<std::string> clients{k_akesson, k_oresund, "559567-8904"};
    for (std::size_t i = 0; i < clients.size(); ++i) {
        std::vector<int> pids;
        for (int k = 0; k < 2; ++k) {
            const auto tag = std::to_string(i) + "-" + std::to_string(k);
            pids.push_back(spawn_linkage({"--home", home, "form", "prefill", "--bureau", k_norrsken, "--client",
                                          clients[i], "-o", (f.home.path() / ("form" + tag + ".pdf")).string()},
                                         f.home.path() / ("out" + tag), f.home.path() / ("err" + tag)));
        }
        int won = 0, refused = 0;
        for (int pid : pids) {
            int status = 0;
            waitpid(pid, &status, 0);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            won += code == 0;
            refused += code == 6;
        }
        BOOST_TEST(won == 1);
        BOOST_TEST(refused == 1);
        BOOST_TEST(f.scalar("SELECT count(*) FROM linkages l JOIN clients c ON c.id = l.client_id WHERE c.orgnr = '" +
                            clients[i] + "' AND l.state IN ('requested','approved','activated')") == 1);
    }
}

BOOST_AUTO_TEST_SUITE_END()
