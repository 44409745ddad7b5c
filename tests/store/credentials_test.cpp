// Credentials in the store (issue 16): the sign-in counters and their delay
// arithmetic (store::SigninThrottle, on a ManualClock), API tokens that
// expire, are listed, revoked and retired, and sessions that a new password
// ends and that end when idle.
#include <boost/test/unit_test.hpp>

#include "core/registry_data.hpp"
#include "store/auth_repo.hpp"
#include "store/event_log.hpp"
#include "store/registry_repo.hpp"
#include "store/signin_throttle.hpp"
#include "store/staff_repo.hpp"
#include "test_support.hpp"

using namespace store;
using std::chrono::seconds;

namespace {

struct CredFixture {
    test_support::TempDir dir;
    core::ManualClock clock = test_support::test_clock();
    std::unique_ptr<Connection> c = test_support::open_test_store(dir.path());
    Id anna = 0;
    CredFixture() {
        core::RegistryData d;
        d.bureaus.push_back({"559123-4561", "Byrå Ett AB", "digital_byra", false,
                             {{"anna", "Anna A", "anna@ett.example", "admin"}}});
        RegistryRepo(*c, clock).apply(d, "test");
        anna = AuthRepo(*c).user_with_password("anna")->first.user_id;
    }
    std::string now() const { return core::format_utc(clock.now()); }
    std::int64_t now_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count();
    }
    std::int64_t count(const std::string& sql) {
        auto s = c->prepare(sql);
        s->step();
        return s->get_int(0);
    }
};

const SigninPolicy k_policy{5, seconds(60), seconds(900)};

}  // namespace

BOOST_AUTO_TEST_SUITE(credentials)

BOOST_AUTO_TEST_CASE(five_failures_are_free_then_the_delay_doubles_up_to_the_cap) {
    std::int64_t t = 1'000'000;
    std::optional<SigninCounter> c;
    for (int i = 1; i <= 4; ++i) {
        c = after_failure(k_policy, c, t);
        BOOST_TEST(c->failures == i);
        BOOST_TEST(wait_seconds(*c, t) == 0);
    }
    c = after_failure(k_policy, c, t);  // the fifth: 1 s
    BOOST_TEST(wait_seconds(*c, t) == 1);
    BOOST_TEST(wait_seconds(*c, t + 999) == 1);
    BOOST_TEST(wait_seconds(*c, t + 1000) == 0);
    // Each further failure, made once its wait is over, doubles the next wait.
    int expected = 2;
    for (int i = 6; i <= 20; ++i) {
        t = c->locked_until_ms;
        c = after_failure(k_policy, c, t);
        BOOST_TEST_INFO("failure " << i);
        BOOST_TEST(wait_seconds(*c, t) == std::min(expected, 900));
        expected *= 2;
    }
    BOOST_TEST(wait_seconds(*c, t) == 900);  // capped at 15 minutes
    // A thousand more failures do not overflow the shift.
    for (int i = 0; i < 1000; ++i) c = after_failure(k_policy, c, c->locked_until_ms);
    BOOST_TEST(wait_seconds(*c, c->last_ms) == 900);
}

BOOST_AUTO_TEST_CASE(counters_go_stale_after_the_window_or_a_quiet_delay) {
    std::optional<SigninCounter> c;
    for (int i = 0; i < 4; ++i) c = after_failure(k_policy, c, 0);
    BOOST_TEST(!is_stale(k_policy, *c, 59'999));
    BOOST_TEST(is_stale(k_policy, *c, 60'000));
    // Four failures, then a fifth after the window: counted afresh, no delay.
    auto later = after_failure(k_policy, c, 60'000);
    BOOST_TEST(later.failures == 1);
    BOOST_TEST(wait_seconds(later, 60'000) == 0);
    // Locked: stale only once the wait is over and max_delay more has passed.
    c = after_failure(k_policy, c, 1000);  // fifth, locked until 2000
    BOOST_TEST(!is_stale(k_policy, *c, 2000 + 899'999));
    BOOST_TEST(is_stale(k_policy, *c, 2000 + 900'000));
    // Within that quiet time the next failure doubles the delay.
    auto again = after_failure(k_policy, c, 500'000);
    BOOST_TEST(again.failures == 6);
    BOOST_TEST(wait_seconds(again, 500'000) == 2);
}

BOOST_AUTO_TEST_CASE(the_throttle_keeps_its_counters_in_the_store_on_the_clock) {
    CredFixture f;
    const std::vector<std::string> keys{"bureau:anna", "ip:192.0.2.7"};
    const FailedSignin what{"bureau_user", f.anna, "anna", "192.0.2.7"};
    {
        SigninThrottle t(*f.c, f.clock, k_policy);
        for (int i = 0; i < 4; ++i) BOOST_TEST(t.record_failure(keys, what) == 0);
        BOOST_TEST(t.wait_seconds(keys) == 0);
        BOOST_TEST(t.record_failure(keys, what) == 1);
        BOOST_TEST(t.wait_seconds(keys) == 1);
        BOOST_TEST(t.wait_seconds({"bureau:someone.else"}) == 0);
    }
    // Another connection (another `serve` process, or after a restart) sees the same.
    auto other = test_support::open_test_store(f.dir.path());
    SigninThrottle t2(*other, f.clock, k_policy);
    BOOST_TEST(t2.wait_seconds(keys) == 1);
    f.clock.advance(seconds(1));
    BOOST_TEST(t2.wait_seconds(keys) == 0);
    BOOST_TEST(t2.record_failure(keys, what) == 2);
    BOOST_TEST(t2.wait_seconds({"bureau:anna"}) == 2);
    // A success forgets the account, not the address.
    t2.forget("bureau:anna");
    BOOST_TEST(!t2.counter("bureau:anna"));
    BOOST_TEST(t2.wait_seconds({"ip:192.0.2.7"}) == 2);
    BOOST_TEST(t2.counter("ip:192.0.2.7")->failures == 6);
    // Every failure is an event with the name and the address.
    auto events = EventLog(*f.c).for_entity("bureau_user", f.anna);
    int failed = 0;
    for (auto& e : events)
        if (e.action == "signin_failed") {
            ++failed;
            BOOST_TEST(e.actor == "web:192.0.2.7");
            BOOST_TEST(e.after->find("\"username\":\"anna\"") != std::string::npos);
            BOOST_TEST(e.after->find("\"client_ip\":\"192.0.2.7\"") != std::string::npos);
        }
    BOOST_TEST(failed == 6);
    // Rows long stale are pruned by the next failure.
    f.clock.advance(seconds(3600));
    t2.record_failure({"bureau:nobody"}, {"bureau_user", std::nullopt, "nobody", "198.51.100.1"});
    BOOST_TEST(!t2.counter("ip:192.0.2.7"));
    BOOST_TEST(f.count("SELECT count(*) FROM signin_failures") == 1);
}

BOOST_AUTO_TEST_CASE(tokens_expire_are_listed_and_revoked) {
    CredFixture f;
    AuthRepo auth(*f.c);
    const std::string in_a_day = core::format_utc(f.clock.now() + std::chrono::hours(24));
    auto first = auth.add_api_token(f.anna, "hash-1", f.now(), "test", in_a_day);
    auto second = auth.add_api_token(f.anna, "hash-2", f.now(), "test");  // never expires; keeps the first
    BOOST_TEST(second.retired.empty());
    BOOST_TEST(auth.api_token_by_hash("hash-1", f.now()).has_value());
    BOOST_TEST(auth.api_token_by_hash("hash-1", f.now())->principal.username == "anna");
    f.clock.advance(seconds(24 * 3600));
    BOOST_TEST(!auth.api_token_by_hash("hash-1", f.now()));  // expired
    BOOST_TEST(auth.api_token_by_hash("hash-2", f.now()).has_value());

    BOOST_TEST((auth.revoke_api_token(second.id, f.now(), "test") == RevokeResult::revoked));
    BOOST_TEST(!auth.api_token_by_hash("hash-2", f.now()));
    BOOST_TEST((auth.revoke_api_token(second.id, f.now(), "test") == RevokeResult::already_revoked));
    BOOST_TEST((auth.revoke_api_token(9999, f.now(), "test") == RevokeResult::not_found));

    // A new token that retires the others (the CLI's default).
    auto third = auth.add_api_token(f.anna, "hash-3", f.now(), "test", std::nullopt, true);
    BOOST_TEST(third.retired == std::vector<Id>{first.id});  // the second was revoked already
    auto list = auth.api_tokens_of(f.anna);
    BOOST_REQUIRE(list.size() == 3u);
    BOOST_TEST(list[0].id == first.id);
    BOOST_TEST(*list[0].expires_at == in_a_day);
    BOOST_TEST(list[0].revoked_at.has_value());
    BOOST_TEST(list[1].revoked_at.has_value());
    BOOST_TEST(!list[2].revoked_at);
    BOOST_TEST(!list[2].expires_at);
    BOOST_TEST(!list[2].last_used_at);
    auto events = EventLog(*f.c).for_entity("bureau_user", f.anna);
    int revoked = 0;
    for (auto& e : events) revoked += e.action == "api_token_revoked";
    BOOST_TEST(revoked == 2);
}

BOOST_AUTO_TEST_CASE(last_use_is_written_at_most_once_a_minute) {
    CredFixture f;
    AuthRepo auth(*f.c);
    auto t = auth.add_api_token(f.anna, "hash-1", f.now(), "test");
    auto since = [&] { return core::format_utc(f.clock.now() - std::chrono::minutes(1)); };
    const std::string first_use = f.now();
    auth.touch_api_token(t.id, f.now(), since());
    f.clock.advance(seconds(59));
    auth.touch_api_token(t.id, f.now(), since());  // too soon: not written
    BOOST_TEST(*auth.api_token_by_hash("hash-1", f.now())->last_used_at == first_use);
    f.clock.advance(seconds(1));
    auth.touch_api_token(t.id, f.now(), since());
    BOOST_TEST(*auth.api_tokens_of(f.anna)[0].last_used_at == f.now());
}

BOOST_AUTO_TEST_CASE(a_new_password_ends_the_users_sessions) {
    CredFixture f;
    AuthRepo auth(*f.c);
    const std::string until = core::format_utc(f.clock.now() + std::chrono::hours(8));
    const Id s1 = auth.add_session(f.anna, "s1", "c1", f.now(), until);
    auth.add_session(f.anna, "s2", "c2", f.now(), until);
    const Id s3 = auth.add_session(f.anna, "s3", "c3", f.now(), until);
    BOOST_TEST(auth.session_by_hash("s1", f.now()).has_value());
    // From the web: every session but the one that made the change.
    BOOST_TEST(auth.set_password_hash(f.anna, "pbkdf2-sha256$1000$00$00", f.now(), "test", s3) == 2);
    BOOST_TEST(!auth.session_by_hash("s1", f.now()));
    BOOST_TEST(!auth.session_by_hash("s2", f.now()));
    BOOST_TEST(auth.session_by_hash("s3", f.now())->id == s3);
    // From the command line: every session.
    BOOST_TEST(auth.set_password_hash(f.anna, "pbkdf2-sha256$1000$00$00", f.now(), "test") == 1);
    BOOST_TEST(!auth.session_by_hash("s3", f.now()));
    BOOST_TEST(f.count("SELECT count(*) FROM web_sessions WHERE ended_at IS NULL") == 0);
    (void)s1;

    // Staff: `user add-staff` again (StaffRepo::put) ends that user's sessions, not others'.
    StaffRepo staff(*f.c);
    const Id stina = staff.put("stina", "Stina", "pbkdf2-sha256$1000$00$00", f.now(), "test");
    const Id olle = staff.put("olle", "Olle", "pbkdf2-sha256$1000$00$00", f.now(), "test");
    staff.add_session(stina, "st1", "c", f.now(), until);
    staff.add_session(olle, "ol1", "c", f.now(), until);
    staff.put("stina", "Stina", "pbkdf2-sha256$1000$11$11", f.now(), "test");
    BOOST_TEST(!staff.session_by_hash("st1", f.now()));
    BOOST_TEST(staff.session_by_hash("ol1", f.now()).has_value());
}

BOOST_AUTO_TEST_CASE(sessions_end_when_idle_and_a_touch_keeps_them) {
    CredFixture f;
    AuthRepo auth(*f.c);
    StaffRepo staff(*f.c);
    const std::string until = core::format_utc(f.clock.now() + std::chrono::hours(8));
    const Id s = auth.add_session(f.anna, "s1", "c1", f.now(), until);
    const Id stina = staff.put("stina", "Stina", "pbkdf2-sha256$1000$00$00", f.now(), "test");
    const Id st = staff.add_session(stina, "st1", "c", f.now(), until);
    auto idle_since = [&] { return core::format_utc(f.clock.now() - std::chrono::minutes(30)); };
    f.clock.advance(seconds(20 * 60));
    BOOST_TEST(auth.session_by_hash("s1", f.now(), idle_since())->last_seen_at == "2026-11-26T12:00:00Z");
    auth.touch_session(s, f.now());
    staff.touch_session(st, f.now());
    f.clock.advance(seconds(20 * 60));  // 40 minutes after sign-in, 20 after the touch
    BOOST_TEST(auth.session_by_hash("s1", f.now(), idle_since()).has_value());
    BOOST_TEST(staff.session_by_hash("st1", f.now(), idle_since()).has_value());
    f.clock.advance(seconds(10 * 60));  // 30 minutes idle
    BOOST_TEST(!auth.session_by_hash("s1", f.now(), idle_since()));
    BOOST_TEST(!staff.session_by_hash("st1", f.now(), idle_since()));
    // Without an idle limit it would still be live (absolute lifetime 8 h).
    BOOST_TEST(auth.session_by_hash("s1", f.now()).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
