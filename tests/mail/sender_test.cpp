#include <boost/test/unit_test.hpp>

#include "digital_fixture.hpp"
#include "mail/sender.hpp"
#include "store/mail_queue.hpp"

using namespace test_support;

namespace {

// A transport that fails while `down` and records what it delivered.
class FakeTransport final : public mail::Transport {
public:
    bool down = false;
    std::vector<std::string> delivered;  // message ids
    void deliver(const std::string& id, const std::string&, const std::string&, const std::string&) override {
        if (down) throw mail::TransportError("relay down (test)");
        delivered.push_back(id);
    }
    std::string describe() const override { return "fake"; }
};

const mail::Mailbox k_from{"Kopplingsdesken", "noreply@example.se"};

int count_eml(const std::filesystem::path& dir) {
    int n = 0;
    if (!std::filesystem::exists(dir)) return 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".eml";
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sender)

BOOST_AUTO_TEST_CASE(backoff_doubles_from_30_seconds_up_to_an_hour) {
    BOOST_TEST(mail::backoff_after(1).count() == 30);
    BOOST_TEST(mail::backoff_after(2).count() == 60);
    BOOST_TEST(mail::backoff_after(3).count() == 120);
    BOOST_TEST(mail::backoff_after(8).count() == 3600);
    BOOST_TEST(mail::backoff_after(100).count() == 3600);
}

BOOST_AUTO_TEST_CASE(a_failed_message_waits_and_is_retried_never_lost_never_doubled) {
    DigitalFixture f;
    auto r = f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE(r.administrators_notified == 2);
    FakeTransport t;
    t.down = true;
    auto s1 = mail::send_due(*f.db, t, f.clock, k_from);
    BOOST_TEST(s1.failed == 2);
    BOOST_TEST(s1.sent == 0);
    store::MailQueue q(*f.db);
    auto st = q.status();
    BOOST_TEST(st.queued == 2);
    BOOST_TEST(st.retrying == 2);
    BOOST_TEST(st.last_error.value_or("").find("relay down") != std::string::npos);
    BOOST_TEST(st.next_attempt_at.value_or("") == "2026-11-26T12:00:30Z");
    // Not due yet: nothing tried.
    t.down = false;
    BOOST_TEST(mail::send_due(*f.db, t, f.clock, k_from).sent == 0);
    f.clock.advance(std::chrono::seconds(30));
    BOOST_TEST(mail::send_due(*f.db, t, f.clock, k_from).sent == 2);
    BOOST_TEST(mail::send_due(*f.db, t, f.clock, k_from).sent == 0);
    BOOST_TEST(t.delivered.size() == 2u);
    BOOST_TEST(t.delivered[0] != t.delivered[1]);
    st = q.status();
    BOOST_TEST(st.queued == 0);
    BOOST_TEST(st.sent == 2);
    // Once delivered, the stored body no longer holds the approval token.
    for (auto& m : q.list()) {
        BOOST_TEST(m.body.find("/approve/[borttagen efter leverans]") != std::string::npos);
        BOOST_TEST(m.attempts == 2);
    }
}

BOOST_AUTO_TEST_CASE(a_lease_keeps_a_second_sender_off_the_same_message) {
    DigitalFixture f;
    f.desk().request(f.principal("anna.norrsken"), "556612-3450");
    store::MailQueue q(*f.db);
    auto due = q.due(core::format_utc(f.clock.now()));
    BOOST_REQUIRE(due.size() == 1u);
    auto c2 = open_test_store(f.home.path());
    BOOST_TEST(q.claim(due[0].id, "2026-11-26T12:00:00Z", "2026-11-26T12:05:00Z"));
    BOOST_TEST(!store::MailQueue(*c2).claim(due[0].id, "2026-11-26T12:00:00Z", "2026-11-26T12:05:00Z"));
    BOOST_TEST(store::MailQueue(*c2).due("2026-11-26T12:01:00Z").empty());
    // A sender that died holding the lease: the message is due again afterwards.
    BOOST_TEST(store::MailQueue(*c2).due("2026-11-26T12:05:00Z").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_slow_pass_claims_each_message_with_a_lease_from_its_own_start) {
    // A relay taking 4 minutes per message: the second message of the pass is
    // claimed 4 minutes in, and its lease must still reach 5 minutes past that —
    // not run out one minute later, when a second sender could take it too.
    DigitalFixture f;
    auto r = f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE(r.administrators_notified == 2);
    struct SlowRelay final : mail::Transport {
        DigitalFixture* f = nullptr;
        std::vector<std::string> leases;  // lease_until of the message being delivered
        void deliver(const std::string& id, const std::string&, const std::string&, const std::string&) override {
            auto s = f->db->prepare("SELECT lease_until FROM mail_queue WHERE message_id = ?");
            s->bind(1, id);
            BOOST_REQUIRE(s->step());
            leases.push_back(s->get_text(0));
            s->reset();
            f->clock.advance(std::chrono::minutes(4));
        }
        std::string describe() const override { return "slow"; }
    } t;
    t.f = &f;
    auto sent = mail::send_due(*f.db, t, f.clock, k_from);
    BOOST_TEST(sent.sent == 2);
    BOOST_TEST(t.leases == (std::vector<std::string>{"2026-11-26T12:05:00Z", "2026-11-26T12:09:00Z"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_message_another_sender_just_failed_is_not_claimed_before_its_next_attempt) {
    DigitalFixture f;
    f.desk().request(f.principal("anna.norrsken"), "556612-3450");
    store::MailQueue q(*f.db);
    auto due = q.due("2026-11-26T12:00:00Z");
    BOOST_REQUIRE(due.size() == 1u);
    // Another sender claimed it, failed and set the next attempt after this sender listed it as due.
    auto c2 = open_test_store(f.home.path());
    store::MailQueue q2(*c2);
    BOOST_REQUIRE(q2.claim(due[0].id, "2026-11-26T12:00:00Z", "2026-11-26T12:05:00Z"));
    q2.mark_failed(due[0].id, "2026-11-26T12:00:01Z", "relay down (test)", "2026-11-26T12:00:31Z");
    BOOST_TEST(!q.claim(due[0].id, "2026-11-26T12:00:02Z", "2026-11-26T12:05:02Z"));
    BOOST_TEST(q.claim(due[0].id, "2026-11-26T12:00:31Z", "2026-11-26T12:05:31Z"));
}

BOOST_AUTO_TEST_CASE(outbox_writes_one_eml_per_message_even_after_a_crash_before_marking) {
    DigitalFixture f;
    f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    const auto outbox = f.home.path() / "outbox";
    mail::OutboxTransport t(outbox);
    store::MailQueue q(*f.db);
    // Simulate a crash: the first message's file is written, but not marked sent.
    auto first = q.due(core::format_utc(f.clock.now()))[0];
    t.deliver(first.message_id, "", "", mail::format_message(first, k_from, f.clock.now()));
    BOOST_TEST(count_eml(outbox) == 1);
    auto s = mail::send_due(*f.db, t, f.clock, k_from);
    BOOST_TEST(s.sent == 2);
    BOOST_TEST(count_eml(outbox) == 2);
    BOOST_TEST(q.status().queued == 0);
    // No temp files left; each file named by its message id.
    for (auto& e : std::filesystem::directory_iterator(outbox)) {
        BOOST_TEST(e.path().extension() == ".eml");
        auto text = read_file(e.path());
        BOOST_TEST(text.find("Message-ID: <koppling-") != std::string::npos);
        BOOST_TEST(text.find("\r\n\r\n") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(outbox_failure_is_retried) {
    DigitalFixture f;
    f.desk().request(f.principal("anna.norrsken"), "556612-3450");
    // The outbox path is a file, so the folder cannot be made: delivery fails.
    write_file(f.home.path() / "blocked", "x");
    mail::OutboxTransport bad(f.home.path() / "blocked");
    auto s = mail::send_due(*f.db, bad, f.clock, k_from);
    BOOST_TEST(s.failed == 1);
    BOOST_TEST(store::MailQueue(*f.db).status().queued == 1);
    mail::OutboxTransport good(f.home.path() / "outbox");
    f.clock.advance(std::chrono::minutes(1));
    BOOST_TEST(mail::send_due(*f.db, good, f.clock, k_from).sent == 1);
    BOOST_TEST(count_eml(f.home.path() / "outbox") == 1);
}

BOOST_AUTO_TEST_CASE(sender_thread_delivers_after_wake_and_stops) {
    DigitalFixture f;
    const auto outbox = f.home.path() / "outbox";
    int sweeps = 0;
    mail::SenderThread thread([&] { return open_test_store(f.home.path()); },
                              std::make_unique<mail::OutboxTransport>(outbox), f.clock, k_from,
                              std::chrono::seconds(60), [&](store::Connection&) { ++sweeps; }, nullptr);
    f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    thread.wake();
    for (int i = 0; i < 200 && count_eml(outbox) < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    BOOST_TEST(count_eml(outbox) == 2);
    thread.stop();
    BOOST_TEST(sweeps >= 1);
}

// Issue 16 item 12: after a delivery pass the approval tokens it scrubbed
// are in neither the store's -wal nor its database file (the pass ends with
// MailQueue::flush_scrubbed; secure_delete zeroes the old row text).
BOOST_AUTO_TEST_CASE(a_delivery_pass_leaves_no_plaintext_token_in_wal_or_database_file) {
    DigitalFixture f;
    f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    std::vector<std::string> tokens;
    for (auto s = f.db->prepare("SELECT secret FROM mail_queue WHERE secret IS NOT NULL"); s->step();)
        tokens.push_back(s->get_text(0));
    BOOST_TEST_REQUIRE(tokens.size() == 2u);
    const auto db = f.home.path() / "linkage.db";
    const std::filesystem::path wal = db.string() + "-wal";
    auto in_files = [&](const std::string& t) {
        return read_file(db).find(t) != std::string::npos ||
               (std::filesystem::exists(wal) && read_file(wal).find(t) != std::string::npos);
    };
    for (auto& t : tokens) BOOST_TEST_REQUIRE(in_files(t));
    mail::OutboxTransport outbox(f.home.path() / "outbox");
    auto s = mail::send_due(*f.db, outbox, f.clock, k_from);
    BOOST_TEST(s.sent == 2);
    BOOST_TEST(!s.flush_pending);
    for (auto& t : tokens) BOOST_TEST(!in_files(t));
}

BOOST_AUTO_TEST_CASE(a_mail_scheduled_years_ahead_is_delivered_once_the_clock_is_corrected) {
    DigitalFixture f;
    const auto real = f.clock.now();
    f.clock.set(real + std::chrono::days(5 * 365));  // the clock ran 5 years ahead
    auto r = f.desk().request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE(r.administrators_notified == 2);
    FakeTransport t;
    t.down = true;
    BOOST_TEST(mail::send_due(*f.db, t, f.clock, k_from).failed == 2);  // next attempts in the future
    // One message is also left under a lease taken with the wrong clock.
    store::MailQueue q(*f.db);
    auto due = q.due(core::format_utc(f.clock.now() + std::chrono::minutes(1)));
    BOOST_REQUIRE(due.size() == 2u);
    BOOST_REQUIRE(q.claim(due[0].id, core::format_utc(f.clock.now() + std::chrono::minutes(1)),
                          core::format_utc(f.clock.now() + std::chrono::minutes(6))));
    f.clock.set(real);  // corrected
    t.down = false;
    auto s = mail::send_due(*f.db, t, f.clock, k_from);
    BOOST_TEST(s.sent == 2);
    BOOST_TEST(q.status().queued == 0);
}

BOOST_AUTO_TEST_SUITE_END()
