// Issue 16 in the Desk: decisions with today's rights (a registry import that
// demotes or removes an administrator, or makes a client or bureau
// paper-only, invalidates the old links; decide() checks again), activation
// re-checks the pair, the search gives less to harvest, and the mail limits.
#include <boost/test/unit_test.hpp>

#include "activation/activation.hpp"
#include "digital_fixture.hpp"
#include "store/approval_token_repo.hpp"
#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"

using namespace test_support;
using digital::LinkStatus;
using digital::Refusal;
using DS = digital::DecideResult::Status;
using RS = digital::RequestResult::Status;
using SS = digital::SearchResult::Status;

namespace {

// The approval tokens of the mails queued for `linkage_id`, by recipient address.
std::map<std::string, std::string> tokens_by_recipient(store::Connection& c, store::Id linkage_id) {
    std::map<std::string, std::string> out;
    for (auto& m : store::MailQueue(c).list())
        if (m.linkage_id == linkage_id) {
            auto link = approval_link_in(m.body);
            out[m.recipient] = link.substr(link.rfind('/') + 1);
        }
    return out;
}

// Re-imports one client (the file is authoritative for its users only).
store::ImportSummary import_client(DigitalFixture& f, const std::string& client_json) {
    auto data = registry::parse_registry(R"({"bureaus": [], "clients": [)" + client_json + "]}", f.rules.subscription);
    BOOST_REQUIRE_MESSAGE(data.has_value(), "registry does not parse");
    return store::RegistryRepo(*f.db, f.clock).apply(*data, "test:import");
}

const char* k_akesson_karin_demoted = R"({"orgnr": "559456-7892", "subscription": "100234",
    "name": "Åkesson Bygg & Måleri AB", "multi_company": false, "users": [
    {"name": "Karin Åkesson", "email": "karin@akessonbygg.example", "role": "user"},
    {"name": "Olof Åkesson", "email": "olof@akessonbygg.example", "role": "system_administrator"},
    {"name": "Mats Svensson", "email": "mats@akessonbygg.example", "role": "user"}]})";

std::vector<std::string> actions(store::Connection& c, store::Id linkage_id) {
    std::vector<std::string> out;
    for (auto& e : store::EventLog(c).for_entity("linkage", linkage_id)) out.push_back(e.action + " " + e.after.value_or(""));
    return out;
}

bool has_event(store::Connection& c, store::Id linkage_id, const std::string& action, const std::string& text) {
    for (auto& a : actions(c, linkage_id))
        if (a.rfind(action + " ", 0) == 0 && a.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rights)

BOOST_AUTO_TEST_CASE(demoted_administrator_can_neither_approve_nor_decline) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE((r.status == RS::created));
    auto tokens = tokens_by_recipient(*f.db, r.linkage_id);
    import_client(f, k_akesson_karin_demoted);
    const std::string karin = tokens.at("karin@akessonbygg.example");
    BOOST_TEST((d.open(karin).status == LinkStatus::invalidated));
    BOOST_TEST((d.open(karin).invalid_reason == Refusal::not_administrator));
    BOOST_TEST((d.decide(karin, digital::Decision::approve).status == DS::invalidated));
    BOOST_TEST((d.decide(karin, digital::Decision::decline).status == DS::invalidated));
    auto l = store::LinkageRepo(*f.db, f.clock).get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::requested));  // Olof may still answer
    BOOST_TEST(has_event(*f.db, r.linkage_id, "approval_link_invalidated", "not_administrator"));
    // The remaining administrator decides as before.
    BOOST_TEST((d.decide(tokens.at("olof@akessonbygg.example"), digital::Decision::approve).status == DS::done));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::approved));
}

BOOST_AUTO_TEST_CASE(demotion_outside_an_import_is_caught_at_decision_time) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "556612-3450");  // Öresunds Fisk, one admin
    BOOST_REQUIRE((r.status == RS::created));
    const std::string goran = tokens_by_recipient(*f.db, r.linkage_id).at("goran@oresundsfisk.example");
    f.db->exec("UPDATE client_users SET role = 'user' WHERE email = 'goran@oresundsfisk.example'");
    auto got = d.decide(goran, digital::Decision::approve);
    BOOST_TEST((got.status == DS::invalidated));
    BOOST_TEST((got.view.status == LinkStatus::invalidated));
    auto l = store::LinkageRepo(*f.db, f.clock).get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::expired));  // no valid link left: the request ends
    BOOST_TEST(!l->approved_via.has_value());
    BOOST_TEST(has_event(*f.db, r.linkage_id, "approval_link_invalidated", "not_administrator"));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "request_ended", "no_valid_approval_link"));
}

BOOST_AUTO_TEST_CASE(removed_administrator_link_is_invalidated_and_the_request_ends) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "556612-3450");
    BOOST_REQUIRE((r.status == RS::created));
    const std::string goran = tokens_by_recipient(*f.db, r.linkage_id).at("goran@oresundsfisk.example");
    auto sum = import_client(f, R"({"orgnr": "556612-3450", "subscription": "100871", "name": "Öresunds Fisk AB",
        "multi_company": false, "users": [
        {"name": "Nya Admin", "email": "ny@oresundsfisk.example", "role": "system_administrator"}]})");
    BOOST_TEST(sum.links_invalidated == 1);
    BOOST_TEST(sum.requests_ended == 1);
    auto l = store::LinkageRepo(*f.db, f.clock).get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::expired));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "approval_link_invalidated", "not_administrator"));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "request_ended", "no_valid_approval_link"));
    BOOST_TEST((d.open(goran).status == LinkStatus::invalidated));
    BOOST_TEST((d.decide(goran, digital::Decision::approve).status == DS::invalidated));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::expired));
    // The bureau may ask the new administrator at once (expired: no cool-down).
    BOOST_TEST((d.request(f.principal("anna.norrsken"), "556612-3450").status == RS::created));
    // Importing the same file again changes nothing.
    const auto events = actions(*f.db, r.linkage_id).size();
    import_client(f, R"({"orgnr": "556612-3450", "subscription": "100871", "name": "Öresunds Fisk AB",
        "multi_company": false, "users": [
        {"name": "Nya Admin", "email": "ny@oresundsfisk.example", "role": "system_administrator"}]})");
    BOOST_TEST(actions(*f.db, r.linkage_id).size() == events);
}

BOOST_AUTO_TEST_CASE(client_made_multi_company_invalidates_every_link) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE((r.status == RS::created));
    auto tokens = tokens_by_recipient(*f.db, r.linkage_id);
    import_client(f, R"({"orgnr": "559456-7892", "subscription": "100234",
        "name": "Åkesson Bygg & Måleri AB", "multi_company": true, "users": [
        {"name": "Karin Åkesson", "email": "karin@akessonbygg.example", "role": "system_administrator"},
        {"name": "Olof Åkesson", "email": "olof@akessonbygg.example", "role": "system_administrator"}]})");
    for (auto& [who, token] : tokens) {
        BOOST_TEST_INFO(who);
        BOOST_TEST((d.decide(token, digital::Decision::approve).status == DS::invalidated));
        BOOST_TEST((d.open(token).invalid_reason == Refusal::client_multi_company));
    }
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::expired));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "approval_link_invalidated", "client_multi_company"));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "request_ended", "no_valid_approval_link"));
}

BOOST_AUTO_TEST_CASE(bureau_made_excluded_cannot_be_approved) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE((r.status == RS::created));
    auto tokens = tokens_by_recipient(*f.db, r.linkage_id);
    // The shipped exclusion list gains Norrsken (the Desk reads today's rules).
    auto entries = f.rules.exclusions.entries();
    entries.push_back({"Norrsken", {}, {"559123-4561"}});
    f.rules.exclusions = core::ExclusionList(entries);
    auto got = d.decide(tokens.at("karin@akessonbygg.example"), digital::Decision::approve);
    BOOST_TEST((got.status == DS::invalidated));
    BOOST_TEST((got.view.invalid_reason == Refusal::bureau_excluded));
    // A pair-level reason ends every link of the request, so the request too.
    BOOST_TEST((d.decide(tokens.at("olof@akessonbygg.example"), digital::Decision::decline).status == DS::invalidated));
    auto l = store::LinkageRepo(*f.db, f.clock).get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::expired));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "approval_link_invalidated", "bureau_excluded"));
    BOOST_TEST(has_event(*f.db, r.linkage_id, "request_ended", "no_valid_approval_link"));
    // The store refuses a decision through an invalidated link too.
    auto t = store::ApprovalTokenRepo(*f.db).by_hash(digital::sha256_hex(tokens.at("karin@akessonbygg.example")));
    BOOST_CHECK_THROW(f.db->exec("UPDATE approval_tokens SET decision = 'approve' WHERE id = " + std::to_string(t->id)),
                      store::StoreError);
}

BOOST_AUTO_TEST_CASE(activation_refused_when_the_client_became_multi_company_after_approval) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "556612-3450");
    BOOST_REQUIRE((r.status == RS::created));
    const std::string goran = tokens_by_recipient(*f.db, r.linkage_id).at("goran@oresundsfisk.example");
    BOOST_REQUIRE((d.decide(goran, digital::Decision::approve).status == DS::done));
    import_client(f, R"({"orgnr": "556612-3450", "subscription": "100871", "name": "Öresunds Fisk AB",
        "multi_company": true, "users": [
        {"name": "Göran Fiskare", "email": "goran@oresundsfisk.example", "role": "system_administrator"}]})");
    activation::Activation act(*f.db, f.clock, f.rules);
    auto anna = f.principal("anna.norrsken");
    auto got = act.activate(anna.bureau_id, r.linkage_id, {{"per.norrsken", {"bookkeeping"}}}, "bureau_user:anna.norrsken");
    BOOST_REQUIRE(!got.has_value());
    BOOST_TEST((got.error().refusal == activation::Refusal::paper_only));
    BOOST_TEST(got.error().message.find("flerbolagsupplägg") != std::string::npos);
    BOOST_TEST(got.error().message.find("blankett") != std::string::npos);
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::approved));
}

BOOST_AUTO_TEST_CASE(search_names_the_client_only_for_both_numbers_of_the_same_client) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    for (const char* q : {"559456-7892", "100234"}) {
        BOOST_TEST_INFO(q);
        auto one = d.search(anna, q);
        BOOST_TEST((one.status == SS::found));
        BOOST_TEST(!one.identified);
        BOOST_TEST(one.may_request);
        BOOST_TEST(one.message.find("Åkesson") == std::string::npos);
    }
    auto both = d.search(anna, "559456-7892", "100234");
    BOOST_TEST((both.status == SS::found));
    BOOST_TEST(both.identified);
    BOOST_TEST(both.message.find("Åkesson Bygg & Måleri AB") != std::string::npos);
    // Numbers of two different clients: told like an unknown client.
    auto mismatch = d.search(anna, "559456-7892", "100871");
    BOOST_TEST((mismatch.status == SS::not_found));
    BOOST_TEST(!mismatch.client.has_value());
    BOOST_TEST(mismatch.message.find("Åkesson") == std::string::npos);
    BOOST_TEST((d.search(anna, "100234", "100234").status == SS::invalid));  // the first must be the orgnr
    // A refusal for an unidentified client does not name it either.
    auto multi = d.search(anna, "102010");
    BOOST_TEST(multi.message.find("Alfa") == std::string::npos);
    BOOST_TEST(multi.message.find("flerbolagsupplägg") != std::string::npos);
    // Personal identity numbers are masked wherever the web shows them.
    BOOST_TEST(digital::shown_orgnr("19811218-9876") == "19811218-****");
    BOOST_TEST(digital::shown_orgnr("559456-7892") == "559456-7892");
    auto lena = d.search(anna, "811218-9876", "103300");
    BOOST_TEST(lena.identified);
    BOOST_TEST(lena.message.find("9876") == std::string::npos);
    auto unknown_person = d.search(anna, "19811218-9868");
    BOOST_TEST(unknown_person.message.find("9868") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_bureau_that_may_not_link_digitally_gets_no_directory) {
    DigitalFixture f;
    auto d = f.desk();
    for (const char* user : {"erik.kpmg", "lisa.flerbolag"}) {
        BOOST_TEST_INFO(user);
        auto r = d.search(f.principal(user), "559456-7892", "100234");
        BOOST_TEST((r.status == SS::refused));
        BOOST_TEST(!r.client.has_value());
        BOOST_TEST(r.administrators == 0);
        BOOST_TEST(r.message.find("blankett") != std::string::npos);
        BOOST_TEST(r.message.find("Åkesson") == std::string::npos);
        BOOST_TEST((d.search(f.principal(user), "999999").status == SS::refused));  // unknown: the same answer
    }
}

BOOST_AUTO_TEST_CASE(daily_search_quota_per_user) {
    DigitalFixture f;
    auto quota = std::make_shared<digital::SearchQuota>();
    digital::DeskOptions o{7, "http://127.0.0.1:1"};
    o.searches_per_user_per_day = 3;
    o.search_quota = quota;
    digital::Desk d(*f.db, f.clock, f.rules, f.templates, o);
    auto anna = f.principal("anna.norrsken");
    for (int i = 0; i < 3; ++i) BOOST_TEST((d.search(anna, "100234").status == SS::found));
    auto refused = d.search(anna, "100234");
    BOOST_TEST((refused.status == SS::quota_exceeded));
    BOOST_TEST(refused.message.find("i morgon") != std::string::npos);
    BOOST_TEST((d.search(anna, "559456-7892", "100234").status == SS::quota_exceeded));
    // Another user has a quota of their own; a request is not a search.
    BOOST_TEST((d.search(f.principal("per.norrsken"), "100234").status == SS::found));
    BOOST_TEST((d.request(anna, "100234").status == RS::created));
    // The next day the quota is new.
    f.clock.advance(std::chrono::hours(24));
    BOOST_TEST((d.search(anna, "100871").status == SS::found));
}

BOOST_AUTO_TEST_CASE(request_revoke_request_within_the_cooldown_is_refused_with_the_date) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    auto first = d.request(anna, "556612-3450");
    BOOST_REQUIRE((first.status == RS::created));
    activation::Activation act(*f.db, f.clock, f.rules);
    BOOST_REQUIRE(act.revoke(anna.bureau_id, first.linkage_id, "bureau_user:anna.norrsken", "").has_value());
    const auto mails = store::MailQueue(*f.db).list().size();
    f.clock.advance(std::chrono::hours(1));
    auto again = d.request(anna, "556612-3450");
    BOOST_TEST((again.status == RS::cooling_down));
    BOOST_REQUIRE(again.may_ask_again.has_value());
    BOOST_TEST(*again.may_ask_again == "2026-12-03T12:00:00Z");  // revoked 26 Nov 12:00 UTC + 7 days
    BOOST_TEST(again.search.message.find("3 december 2026 kl. 13:00") != std::string::npos);
    BOOST_TEST(store::MailQueue(*f.db).list().size() == mails);
    // A decline starts the cool-down too; after it the pair may be asked again.
    f.clock.advance(std::chrono::hours(24 * 7));
    auto third = d.request(anna, "556612-3450");
    BOOST_REQUIRE((third.status == RS::created));
    auto goran = tokens_by_recipient(*f.db, third.linkage_id).at("goran@oresundsfisk.example");
    BOOST_REQUIRE((d.decide(goran, digital::Decision::decline).status == DS::done));
    BOOST_TEST((d.request(anna, "556612-3450").status == RS::cooling_down));
}

BOOST_AUTO_TEST_CASE(approval_mails_per_recipient_are_capped_per_week) {
    DigitalFixture f;
    digital::DeskOptions o{7, "http://127.0.0.1:1"};
    o.request_cooldown_days = 0;
    o.approval_mails_per_recipient_per_week = 2;
    digital::Desk d(*f.db, f.clock, f.rules, f.templates, o);
    auto anna = f.principal("anna.norrsken");
    activation::Activation act(*f.db, f.clock, f.rules);
    for (int i = 0; i < 2; ++i) {
        auto r = d.request(anna, "556612-3450");
        BOOST_REQUIRE((r.status == RS::created));
        BOOST_REQUIRE(act.revoke(anna.bureau_id, r.linkage_id, "bureau_user:anna.norrsken", "").has_value());
        f.clock.advance(std::chrono::hours(1));
    }
    // A third bureau's request for the same administrator: the cap holds across bureaus.
    auto capped = d.request(f.principal("jonas.vast"), "556612-3450");
    BOOST_TEST((capped.status == RS::mail_limit));
    BOOST_REQUIRE(capped.may_ask_again.has_value());
    BOOST_TEST(*capped.may_ask_again == "2026-12-03T12:00:00Z");  // the first mail + 7 days
    BOOST_TEST(capped.search.message.find("3 december 2026") != std::string::npos);
    std::size_t to_goran = 0;
    for (auto& m : store::MailQueue(*f.db).list()) to_goran += m.recipient == "goran@oresundsfisk.example";
    BOOST_TEST(to_goran == 2u);
    f.clock.set(core::parse_utc("2026-12-03T12:00:01Z"));
    BOOST_TEST((d.request(f.principal("jonas.vast"), "556612-3450").status == RS::created));
}

BOOST_AUTO_TEST_SUITE_END()
