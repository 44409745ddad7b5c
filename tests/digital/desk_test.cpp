#include <boost/test/unit_test.hpp>

#include "digital_fixture.hpp"
#include "store/approval_token_repo.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"

#include <set>
#include <thread>

using namespace test_support;
using digital::LinkStatus;
using digital::Refusal;
using RS = digital::RequestResult::Status;
using SS = digital::SearchResult::Status;

namespace {

// The approval tokens of the mails queued for `linkage_id`, in queue order.
std::vector<std::string> tokens_of(store::Connection& c, store::Id linkage_id) {
    std::vector<std::string> out;
    for (auto& m : store::MailQueue(c).list())
        if (m.linkage_id == linkage_id) {
            auto link = approval_link_in(m.body);
            out.push_back(link.substr(link.rfind('/') + 1));
        }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(desk)

BOOST_AUTO_TEST_CASE(search_finds_by_orgnr_subscription_and_personal_number) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    for (const char* q : {"559456-7892", "5594567892", " 559456-7892 ", "100234", "16559456-7892"}) {
        BOOST_TEST_INFO(q);
        auto r = d.search(anna, q);
        BOOST_TEST((r.status == SS::found));
        BOOST_TEST(r.client->name == "Åkesson Bygg & Måleri AB");
        BOOST_TEST(r.may_request);
        BOOST_TEST(r.administrators == 2);
    }
    auto lena = d.search(anna, "811218-9876");
    BOOST_TEST((lena.status == SS::found));
    BOOST_TEST(lena.client->name == "Lena Öberg Konsult");
    auto bad = d.search(anna, "559456-7893");
    BOOST_TEST((bad.status == SS::invalid));
    BOOST_TEST(bad.reason == "check_digit");
    BOOST_TEST(bad.message.find("kontrollsiffran") != std::string::npos);
    BOOST_TEST(d.search(anna, "abc").reason == "characters");
    BOOST_TEST(d.search(anna, "").reason == "empty");
    BOOST_TEST(d.search(anna, "12").reason == "length");
    auto unknown = d.search(anna, "556677-8899");
    BOOST_TEST((unknown.status == SS::not_found));
    BOOST_TEST((d.search(anna, "999999").status == SS::not_found));
}

BOOST_AUTO_TEST_CASE(every_refusal_is_a_value_with_a_reason) {
    DigitalFixture f;
    auto d = f.desk();
    auto kpmg = d.request(f.principal("erik.kpmg"), "559456-7892");
    BOOST_TEST((kpmg.status == RS::refused));
    BOOST_TEST((kpmg.search.refusal == Refusal::bureau_excluded));
    BOOST_TEST(kpmg.search.message.find("blankett") != std::string::npos);
    auto multi_bureau = d.request(f.principal("lisa.flerbolag"), "559456-7892");
    BOOST_TEST((multi_bureau.search.refusal == Refusal::bureau_multi_company));
    auto multi_client = d.request(f.principal("anna.norrsken"), "556778-8996");
    BOOST_TEST((multi_client.status == RS::refused));
    BOOST_TEST((multi_client.search.refusal == Refusal::client_multi_company));
    BOOST_TEST(multi_client.search.message.find("flerbolagsupplägg") != std::string::npos);
    auto no_admin = d.request(f.principal("anna.norrsken"), "559900-0022");
    BOOST_TEST((no_admin.search.refusal == Refusal::no_administrator));
    BOOST_TEST((d.request(f.principal("anna.norrsken"), "556677-8899").status == RS::not_found));
    BOOST_TEST((d.request(f.principal("anna.norrsken"), "559456-7893").status == RS::invalid));
    BOOST_TEST(store::LinkageRepo(*f.db, f.clock).count() == 0);
    BOOST_TEST(store::MailQueue(*f.db).list().empty());
}

BOOST_AUTO_TEST_CASE(request_writes_linkage_evidence_tokens_and_mails_together) {
    DigitalFixture f;
    auto d = f.desk("https://koppling.example.se");
    auto r = d.request(f.principal("anna.norrsken"), "100234");
    BOOST_TEST((r.status == RS::created));
    BOOST_TEST(r.administrators_notified == 2);
    store::LinkageRepo linkages(*f.db, f.clock);
    auto l = linkages.get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::requested));
    BOOST_TEST((l->source == core::LinkageSource::digital));
    BOOST_TEST(l->requested_by == "bureau_user:anna.norrsken");
    auto ev = linkages.evidence(r.linkage_id);
    BOOST_TEST(ev.size() == 1u);
    BOOST_TEST(ev[0].kind == "digital_request");
    auto tokens = store::ApprovalTokenRepo(*f.db).for_linkage(r.linkage_id);
    BOOST_TEST(tokens.size() == 2u);
    BOOST_TEST(tokens[0].valid_until == "2026-12-03T12:00:00Z");  // seven days
    auto mails = store::MailQueue(*f.db).list();
    BOOST_TEST(mails.size() == 2u);
    std::set<std::string> to;
    for (auto& m : mails) {
        to.insert(m.recipient);
        BOOST_TEST(m.body.find("Redovisningsbyrån Norrsken AB") != std::string::npos);
        BOOST_TEST(m.subject.find("Redovisningsbyrån Norrsken AB") != std::string::npos);
        auto link = approval_link_in(m.body);
        BOOST_TEST(link.rfind("https://koppling.example.se/approve/", 0) == 0u);
        auto token = link.substr(link.rfind('/') + 1);
        BOOST_TEST(token.size() >= 22u);  // >= 128 bits
        // Only the hash is in the token table.
        bool hashed = false;
        for (auto& t : tokens) {
            BOOST_TEST(t.token_hash != token);
            hashed = hashed || t.token_hash == digital::sha256_hex(token);
        }
        BOOST_TEST(hashed);
    }
    BOOST_TEST((to == std::set<std::string>{"karin@akessonbygg.example", "olof@akessonbygg.example"}));
    // A second request for the pair changes nothing and says so.
    auto again = d.request(f.principal("per.norrsken"), "559456-7892");
    BOOST_TEST((again.status == RS::conflict));
    BOOST_TEST(again.linkage_id == r.linkage_id);
    BOOST_TEST(store::MailQueue(*f.db).list().size() == 2u);
}

BOOST_AUTO_TEST_CASE(approve_records_the_administrator_and_the_other_link_shows_it) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "559456-7892");
    auto tokens = tokens_of(*f.db, r.linkage_id);
    BOOST_REQUIRE(tokens.size() == 2u);
    auto v = d.open(tokens[0]);
    BOOST_TEST((v.status == LinkStatus::pending));
    BOOST_TEST(v.requester_name == "Anna Lindqvist");
    BOOST_TEST(v.linkage.bureau_name == "Redovisningsbyrån Norrsken AB");
    f.clock.advance(std::chrono::minutes(90));
    auto done = d.decide(tokens[0], digital::Decision::approve);
    BOOST_TEST((done.status == digital::DecideResult::Status::done));
    BOOST_TEST((done.view.status == LinkStatus::approved));
    BOOST_TEST(done.view.decided_by_recipient);
    auto l = store::LinkageRepo(*f.db, f.clock).get(r.linkage_id);
    BOOST_TEST((l->state == core::LinkageState::approved));
    BOOST_TEST(l->approved_via.value_or("") == "digital");
    BOOST_TEST(l->decided_at.value_or("") == "2026-11-26T13:30:00Z");
    BOOST_TEST(l->decided_by.value_or("").rfind("client_user:", 0) == 0u);
    auto other = d.open(tokens[1]);
    BOOST_TEST((other.status == LinkStatus::approved));
    BOOST_TEST(!other.decided_by_recipient);
    BOOST_TEST(other.decided_by_name.value_or("") == done.view.recipient_name);
    BOOST_TEST(other.decided_at.value_or("") == "2026-11-26T13:30:00Z");
    // Idempotent; a decided link cannot change the outcome.
    BOOST_TEST((d.decide(tokens[0], digital::Decision::approve).status ==
                digital::DecideResult::Status::already_decided));
    BOOST_TEST((d.decide(tokens[1], digital::Decision::decline).status ==
                digital::DecideResult::Status::already_decided));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::approved));
    auto ev = store::LinkageRepo(*f.db, f.clock).evidence(r.linkage_id);
    BOOST_TEST(ev.size() == 2u);
    BOOST_TEST(ev[1].kind == "digital_approval");
    BOOST_TEST(ev[1].detail.find(done.view.recipient_name) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(decline_expiry_paper_approval_and_unknown_links) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    // Declined.
    auto r1 = d.request(anna, "556612-3450");
    auto t1 = tokens_of(*f.db, r1.linkage_id);
    BOOST_TEST((d.decide(t1[0], digital::Decision::decline).view.status == LinkStatus::declined));
    // Approved by a signed paper form while the request was pending.
    auto r2 = d.request(anna, "559567-8904");
    auto t2 = tokens_of(*f.db, r2.linkage_id);
    {
        store::Transaction tx(*f.db);
        store::LinkageRepo(*f.db, f.clock).change_state(r2.linkage_id, core::LinkageState::approved, "batch", "paper");
        tx.commit();
    }
    auto paper = d.open(t2[0]);
    BOOST_TEST((paper.status == LinkStatus::approved_by_paper));
    BOOST_TEST((d.decide(t2[0], digital::Decision::decline).status == digital::DecideResult::Status::already_decided));
    // Expired: eight days later nobody can answer, and the sweep expires it.
    auto r3 = d.request(anna, "559456-7892");
    auto t3 = tokens_of(*f.db, r3.linkage_id);
    f.clock.advance(std::chrono::hours(24 * 7 - 1));
    BOOST_TEST((d.open(t3[0]).status == LinkStatus::pending));
    BOOST_TEST(d.expire_due() == 0);
    f.clock.advance(std::chrono::hours(25));
    BOOST_TEST(d.expire_due() == 1);
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r3.linkage_id)->state == core::LinkageState::expired));
    BOOST_TEST((d.open(t3[1]).status == LinkStatus::expired));
    BOOST_TEST((d.decide(t3[1], digital::Decision::approve).status == digital::DecideResult::Status::expired));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r3.linkage_id)->state == core::LinkageState::expired));
    // After expiry the bureau may ask again.
    BOOST_TEST((d.request(anna, "559456-7892").status == RS::created));
    // Unknown, malformed and guessed links.
    BOOST_TEST((d.open("").status == LinkStatus::unknown));
    BOOST_TEST((d.open("../../etc/passwd").status == LinkStatus::unknown));
    BOOST_TEST((d.open(digital::random_token()).status == LinkStatus::unknown));
    BOOST_TEST((d.decide(digital::random_token(), digital::Decision::approve).status ==
                digital::DecideResult::Status::unknown));
}

BOOST_AUTO_TEST_CASE(expiry_on_open_without_a_sweep) {
    DigitalFixture f;
    auto d = f.desk();
    auto r = d.request(f.principal("anna.norrsken"), "556612-3450");
    auto t = tokens_of(*f.db, r.linkage_id);
    f.clock.advance(std::chrono::hours(24 * 8));
    BOOST_TEST((d.open(t[0]).status == LinkStatus::expired));
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::expired));
}

BOOST_AUTO_TEST_CASE(two_bureau_users_racing_for_one_pair_make_one_linkage) {
    DigitalFixture f;
    auto c2 = open_test_store(f.home.path());
    digital::Desk d1(*f.db, f.clock, f.rules, f.templates, {7, "http://x"});
    digital::Desk d2(*c2, f.clock, f.rules, f.templates, {7, "http://x"});
    auto anna = f.principal("anna.norrsken"), per = f.principal("per.norrsken");
    digital::RequestResult a, b;
    std::thread t1([&] { a = d1.request(anna, "559456-7892"); });
    std::thread t2([&] { b = d2.request(per, "559456-7892"); });
    t1.join();
    t2.join();
    const int created = (a.status == RS::created) + (b.status == RS::created);
    const int conflicts = (a.status == RS::conflict) + (b.status == RS::conflict);
    BOOST_TEST(created == 1);
    BOOST_TEST(conflicts == 1);
    BOOST_TEST(a.linkage_id == b.linkage_id);
    BOOST_TEST(store::MailQueue(*f.db).list().size() == 2u);
}

BOOST_AUTO_TEST_CASE(bureau_isolation_in_search) {
    DigitalFixture f;
    auto d = f.desk();
    BOOST_TEST((d.request(f.principal("anna.norrsken"), "559456-7892").status == RS::created));
    // Another bureau sees nothing of Norrsken's request and may ask on its own.
    auto other = d.search(f.principal("jonas.vast"), "559456-7892");
    BOOST_TEST(other.may_request);
    BOOST_TEST(!other.live.has_value());
    BOOST_TEST((d.request(f.principal("jonas.vast"), "559456-7892").status == RS::created));
}

BOOST_AUTO_TEST_CASE(a_request_made_with_the_clock_years_ahead_neither_blocks_nor_lives_for_years) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    const auto real = f.clock.now();
    f.clock.set(real + std::chrono::days(5 * 365));
    auto r = d.request(anna, "559456-7892");
    BOOST_REQUIRE((r.status == RS::created));
    auto t = tokens_of(*f.db, r.linkage_id);
    f.clock.set(real);  // corrected
    BOOST_TEST(d.expire_due() == 0);  // counted from now: a whole validity still to go
    auto v = d.open(t[0]);
    BOOST_TEST((v.status == LinkStatus::pending));
    BOOST_TEST(v.valid_until == core::format_utc(real + std::chrono::days(7)));
    BOOST_TEST((d.request(anna, "559456-7892").status == RS::conflict));
    f.clock.advance(std::chrono::hours(24 * 7 + 1));
    BOOST_TEST(d.expire_due() == 1);
    BOOST_TEST((store::LinkageRepo(*f.db, f.clock).get(r.linkage_id)->state == core::LinkageState::expired));
    BOOST_TEST((d.request(anna, "559456-7892").status == RS::created));
}

BOOST_AUTO_TEST_CASE(a_request_made_with_the_clock_behind_is_not_expired_at_once_after_correction) {
    DigitalFixture f;  // the registry import wrote the store's history at the right time
    auto d = f.desk();
    const auto real = f.clock.now();
    f.clock.set(real - std::chrono::days(365));
    auto r = d.request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE((r.status == RS::created));
    auto t = tokens_of(*f.db, r.linkage_id);
    BOOST_TEST((d.open(t[0]).status == LinkStatus::pending));  // still behind: valid by its own dates
    f.clock.set(real + std::chrono::hours(1));  // corrected
    BOOST_TEST(d.expire_due() == 0);
    auto v = d.open(t[0]);
    BOOST_TEST((v.status == LinkStatus::pending));
    BOOST_TEST(v.valid_until == core::format_utc(real + std::chrono::days(7)));  // from the store's time
    f.clock.set(real + std::chrono::days(7) + std::chrono::minutes(1));
    BOOST_TEST(d.expire_due() == 1);
}

BOOST_AUTO_TEST_CASE(a_cooldown_closed_with_the_clock_ahead_counts_from_its_correction) {
    DigitalFixture f;
    auto d = f.desk();
    auto anna = f.principal("anna.norrsken");
    const auto real = f.clock.now();
    f.clock.set(real + std::chrono::days(5 * 365));
    auto r = d.request(anna, "556612-3450");
    BOOST_TEST((d.decide(tokens_of(*f.db, r.linkage_id)[0], digital::Decision::decline).view.status ==
                LinkStatus::declined));
    f.clock.set(real);
    auto again = d.request(anna, "556612-3450");
    BOOST_TEST((again.status == RS::cooling_down));
    BOOST_TEST(again.may_ask_again.value_or("") == core::format_utc(real + std::chrono::days(7)));
    f.clock.advance(std::chrono::hours(24 * 7 + 1));
    BOOST_TEST((d.request(anna, "556612-3450").status == RS::created));
}

BOOST_AUTO_TEST_SUITE_END()
