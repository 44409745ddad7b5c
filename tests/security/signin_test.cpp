// Sign-in limits and credential revocation over real HTTP (issue 16, items 4
// and 7): a guessing flood on /login and /review/login is refused after five
// failures (429, Retry-After) — even with the right password — until the
// delay is over; an unknown name is treated exactly like a known one; a
// failure is an event and shows the attempted name in the access log; a
// revoked, retired or expired API token gets 401; a session ends when its
// password changes and when idle. Tokens, passwords and revocations are
// made with the real `linkage` program on the served store.
#define BOOST_TEST_MODULE signin_security
#include <boost/test/unit_test.hpp>

#include "store/event_log.hpp"
#include "store/staff_repo.hpp"
#include "web_fixture.hpp"

#include <regex>
#include <thread>

using namespace test_support;
using std::chrono::seconds;

namespace {

const char* k_wait_one_second =
    "För många misslyckade inloggningsförsök. Vänta en sekund och försök sedan igen.";

struct SigninFixture : WebFixture {
    SigninFixture() {
        set_password("anna.norrsken", "rätt-lösenord-anna");
        store::StaffRepo(*db).put("stina", "Stina Granskare", digital::hash_password("granska-noga-1", 1000),
                                  core::format_utc(clock.now()), "test");
    }
    std::string h() const { return home.path().string(); }
    RunResult linkage(const std::vector<std::string>& args, const std::string& in = {},
                      const std::vector<std::string>& env = {}) {
        std::vector<std::string> all{"--home", h()};
        all.insert(all.end(), args.begin(), args.end());
        return run_linkage(all, in, env);
    }
    // A token made by `linkage user token`, and its id.
    std::pair<std::string, std::string> cli_token(const std::vector<std::string>& extra = {},
                                                  const std::vector<std::string>& env = {}) {
        std::vector<std::string> args{"user", "token", "anna.norrsken"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = linkage(args, {}, env);
        BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        std::smatch m;
        BOOST_REQUIRE(std::regex_search(r.err, m, std::regex("new API token (\\d+) for")));
        return {r.out.substr(0, r.out.find('\n')), m[1]};
    }
    std::vector<store::Event> events(const std::string& action) {
        std::vector<store::Event> out;
        for (auto& e : store::EventLog(*db).all(1'000'000))
            if (e.action == action) out.push_back(e);
        return out;
    }
};

// A browser on a sign-in form: fetches the form once, then posts to it.
struct SigninForm {
    HttpClient c;
    std::string path, csrf;
    SigninForm(HttpClient client, std::string p) : c(std::move(client)), path(std::move(p)) {
        csrf = hidden_field(c.get(path).body, "csrf");
    }
    HttpResult post(const std::string& user, const std::string& password) {
        return c.post_form(path, {{"username", user}, {"password", password}, {"csrf", csrf}});
    }
};

// Floods `form` with wrong passwords for `user`: the first five are 401, the rest 429 with Retry-After: 1.
void flood(SigninForm& form, const std::string& user) {
    int wrong = 0, waiting = 0;
    for (int i = 0; i < 40; ++i) {
        auto r = form.post(user, "gissning-" + std::to_string(i));
        if (r.status == 401) {
            ++wrong;
            BOOST_TEST(r.has("Fel användarnamn eller lösenord."));
        } else {
            BOOST_TEST(r.status == 429);
            BOOST_TEST(r.headers["Retry-After"] == "1");
            BOOST_TEST(r.has(k_wait_one_second));
            ++waiting;
        }
    }
    BOOST_TEST(wrong == 5);
    BOOST_TEST(waiting == 35);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signin_limits)

BOOST_AUTO_TEST_CASE(a_flood_on_login_is_refused_after_five_failures_until_the_delay_is_over) {
    SigninFixture f;
    SigninForm form(f.client(), "/login");
    flood(form, "anna.norrsken");
    // The right password is refused too while the delay lasts (and not even checked).
    auto during = form.post("anna.norrsken", "rätt-lösenord-anna");
    BOOST_TEST(during.status == 429);
    BOOST_TEST(during.headers["Retry-After"] == "1");
    BOOST_TEST(!form.c.cookies.count("sid"));
    f.clock.advance(seconds(1));
    auto after = form.post("anna.norrsken", "rätt-lösenord-anna");
    BOOST_TEST(after.status == 303);
    BOOST_TEST(after.headers["Location"] == "/clients");
    BOOST_TEST(form.c.get("/clients").status == 200);
    // The success forgot the account's failures, not the address's: the
    // next failure from it (any name) doubles the address's delay.
    SigninForm other(f.client(), "/login");
    BOOST_TEST(other.post("erik.norrsken", "fel").status == 401);
    auto r = other.post("anna.norrsken", "rätt-lösenord-anna");
    BOOST_TEST(r.status == 429);
    BOOST_TEST(r.headers["Retry-After"] == "2");
}

BOOST_AUTO_TEST_CASE(a_flood_on_review_login_is_refused_the_same_way) {
    SigninFixture f;
    SigninForm form(f.client(), "/review/login");
    flood(form, "stina");
    BOOST_TEST(form.post("stina", "granska-noga-1").status == 429);
    f.clock.advance(seconds(1));
    auto after = form.post("stina", "granska-noga-1");
    BOOST_TEST(after.status == 303);
    BOOST_TEST(after.headers["Location"] == "/review");
    // Staff failures are counted apart from bureau failures of the same
    // name, but the address is one: a bureau sign-in from it waits too.
    auto r = SigninForm(f.client(), "/login").post("stina", "fel");
    BOOST_TEST(r.status == 401);
    BOOST_TEST(SigninForm(f.client(), "/login").post("anna.norrsken", "rätt-lösenord-anna").status == 429);
}

BOOST_AUTO_TEST_CASE(a_parallel_flood_gets_no_more_guesses_than_a_sequential_one) {
    SigninFixture f;
    // An unknown name: each attempt is checked against the slow dummy hash,
    // so attempts sent at once are all in flight together.
    constexpr int k_attempts = 24;
    std::vector<SigninForm> forms;
    for (int i = 0; i < k_attempts; ++i) forms.emplace_back(f.client(), "/login");
    std::vector<int> status(k_attempts);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < forms.size(); ++i)
        threads.emplace_back([&, i] { status[i] = forms[i].post("finns.inte", "gissning").status; });
    for (auto& t : threads) t.join();
    int wrong = 0, waiting = 0;
    for (int s : status) {
        if (s == 401) ++wrong;
        if (s == 429) ++waiting;
    }
    BOOST_TEST(wrong + waiting == k_attempts);
    BOOST_TEST(wrong >= 1);
    BOOST_TEST(wrong <= 5);
}

BOOST_AUTO_TEST_CASE(an_unknown_name_is_limited_exactly_like_a_known_one) {
    for (const char* path : {"/login", "/review/login"}) {
        BOOST_TEST_CONTEXT(path) {
            SigninFixture f;
            SigninForm form(f.client(), path);
            flood(form, "finns.inte");  // same statuses, same messages, same Retry-After
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failed_attempt_is_an_event_and_shows_the_name_in_the_access_log) {
    SigninFixture f;
    BOOST_TEST(SigninForm(f.client(), "/login").post("anna.norrsken", "fel lösenord").status == 401);
    BOOST_TEST(SigninForm(f.client(), "/review/login").post("stina", "fel lösenord").status == 401);
    // Control characters are stripped and the name is cut at 64 bytes.
    const std::string odd = "eve\r\n\x01" + std::string(100, 'x');
    BOOST_TEST(SigninForm(f.client(), "/login").post(odd, "fel").status == 401);
    BOOST_TEST(SigninForm(f.client(), "/login").post("två ord", "fel").status == 401);
    auto failed = f.events("signin_failed");
    BOOST_REQUIRE(failed.size() == 4u);
    BOOST_TEST(failed[0].entity == "bureau_user");
    BOOST_TEST(*failed[0].entity_id == f.principal("anna.norrsken").user_id);
    BOOST_TEST(failed[0].actor == "web:127.0.0.1");
    BOOST_TEST(failed[0].after->find("\"username\":\"anna.norrsken\"") != std::string::npos);
    BOOST_TEST(failed[0].after->find("\"client_ip\":\"127.0.0.1\"") != std::string::npos);
    BOOST_TEST(failed[1].entity == "staff_user");
    BOOST_TEST(failed[1].entity_id.has_value());
    BOOST_TEST(failed[1].after->find("\"username\":\"stina\"") != std::string::npos);
    BOOST_TEST(!failed[2].entity_id);  // no such user
    BOOST_TEST(failed[2].after->find("\"username\":\"eve" + std::string(61, 'x') + "\"") != std::string::npos);
    f.stop();  // the access log is complete once the server has stopped
    const std::string log = f.access_log.str();
    BOOST_TEST(log.find("POST /login 401 ") != std::string::npos);
    BOOST_TEST(log.find(" user=?anna.norrsken\n") != std::string::npos);
    BOOST_TEST(log.find(" user=?stina\n") != std::string::npos);
    BOOST_TEST(log.find(" user=?eve" + std::string(61, 'x') + "\n") != std::string::npos);
    BOOST_TEST(log.find(" user=?två%20ord\n") != std::string::npos);
    BOOST_TEST(log.find("fel lösenord") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(revocation)

BOOST_AUTO_TEST_CASE(a_revoked_or_retired_token_gets_401) {
    SigninFixture f;
    auto [token, id] = f.cli_token();
    HttpClient api = f.client();
    api.bearer = token;
    BOOST_TEST(api.get("/api/v1/linkages").status == 200);
    // The list shows the token's id and last use (the server's clock), never the token.
    auto list = f.linkage({"user", "tokens", "anna.norrsken"});
    BOOST_TEST(list.exit_code == 0);
    BOOST_TEST(list.out.find(token) == std::string::npos);
    BOOST_TEST(std::regex_search(list.out, std::regex("\\n" + id + " +\\S+ +2026-11-26T12:00:00Z +\\S+ +-\\n")));
    BOOST_TEST(f.linkage({"user", "revoke-token", id}).exit_code == 0);
    auto r = api.get("/api/v1/linkages");
    BOOST_TEST(r.status == 401);
    auto revoked = f.linkage({"user", "tokens", "anna.norrsken"});
    BOOST_TEST(!std::regex_search(revoked.out, std::regex("\\n" + id + " [^\\n]* -\\n")));
    BOOST_TEST(std::regex_search(revoked.out, std::regex("\\n" + id + " [^\\n]* 20\\d\\d-\\S+Z\\n")));

    // A new token retires the older ones by default; --keep-old keeps them.
    auto [second, second_id] = f.cli_token();
    auto [third, third_id] = f.cli_token();
    auto [fourth, fourth_id] = f.cli_token({"--keep-old"});
    for (auto& [t, status] : std::vector<std::pair<std::string, int>>{{second, 401}, {third, 200}, {fourth, 200}}) {
        api.bearer = t;
        BOOST_TEST(api.get("/api/v1/linkages").status == status);
    }
}

BOOST_AUTO_TEST_CASE(an_expired_token_gets_401) {
    SigninFixture f;
    // The CLI stamps the expiry with the real clock; the server runs on the fixture's.
    f.clock.set(std::chrono::system_clock::now());
    auto [token, id] = f.cli_token({}, {"LINKAGE_TOKENS_API_TOKEN_DAYS=1"});
    HttpClient api = f.client();
    api.bearer = token;
    BOOST_TEST(api.get("/api/v1/linkages").status == 200);
    f.clock.advance(seconds(23 * 3600));
    BOOST_TEST(api.get("/api/v1/linkages").status == 200);
    f.clock.advance(seconds(3600 + 60));
    BOOST_TEST(api.get("/api/v1/linkages").status == 401);
}

BOOST_AUTO_TEST_CASE(a_session_lives_until_its_password_changes) {
    SigninFixture f;
    auto anna = f.signed_in("anna.norrsken");
    BOOST_TEST(anna.get("/clients").status == 200);
    f.clock.advance(seconds(600));
    BOOST_TEST(anna.get("/clients").status == 200);
    auto pw = f.linkage({"user", "password", "anna.norrsken"}, "ett-helt-nytt-lösenord\n");
    BOOST_TEST(pw.exit_code == 0);
    BOOST_TEST(pw.out.find("1 web session(s) ended") != std::string::npos);
    auto r = anna.get("/clients");
    BOOST_TEST(r.status == 303);
    BOOST_TEST(r.headers["Location"] == "/login");

    // Staff: `user add-staff` again with a new password.
    SigninForm stina(f.client(), "/review/login");
    BOOST_TEST(stina.post("stina", "granska-noga-1").status == 303);
    BOOST_TEST(stina.c.get("/review/login").status == 303);  // signed in: sent on to the queue
    f.clock.advance(seconds(600));
    BOOST_TEST(stina.c.get("/review/login").status == 303);
    BOOST_TEST(f.linkage({"user", "add-staff", "stina", "--name", "Stina Granskare"}, "granska-ännu-noggrannare\n")
                   .exit_code == 0);
    BOOST_TEST(stina.c.get("/review/login").status == 200);  // signed out: the form
}

BOOST_AUTO_TEST_CASE(an_idle_session_is_signed_out) {
    SigninFixture f;  // server.session_idle_minutes: the default, 30
    auto anna = f.signed_in("anna.norrsken");
    SigninForm stina(f.client(), "/review/login");
    BOOST_TEST(stina.post("stina", "granska-noga-1").status == 303);
    // Used every 20 minutes, a session lives past 30 minutes …
    for (int i = 0; i < 3; ++i) {
        f.clock.advance(seconds(20 * 60));
        BOOST_TEST(anna.get("/clients").status == 200);
        BOOST_TEST(stina.c.get("/review/login").status == 303);
    }
    // … and ends after 30 minutes unused.
    f.clock.advance(seconds(31 * 60));
    auto r = anna.get("/clients");
    BOOST_TEST(r.status == 303);
    BOOST_TEST(r.headers["Location"] == "/login");
    BOOST_TEST(stina.c.get("/review/login").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(user_command)

BOOST_AUTO_TEST_CASE(tokens_and_revoke_token_exit_codes) {
    SigninFixture f;
    BOOST_TEST(f.linkage({"user", "tokens", "nobody"}).exit_code == 6);
    BOOST_TEST(f.linkage({"user", "revoke-token", "999"}).exit_code == 6);
    BOOST_TEST(f.linkage({"user", "revoke-token", "abc"}).exit_code == 2);
    BOOST_TEST(f.linkage({"user", "revoke-token", "-1"}).exit_code == 2);
    BOOST_TEST(f.linkage({"user", "revoke-token"}).exit_code == 2);
    BOOST_TEST(f.linkage({"user", "tokens"}).exit_code == 2);
    BOOST_TEST(f.linkage({"user", "tokens", "anna.norrsken", "--keep-old"}).exit_code == 2);
    auto empty = f.linkage({"user", "tokens", "anna.norrsken"});
    BOOST_TEST(empty.exit_code == 0);
    BOOST_TEST(empty.out.rfind("ID", 0) == 0u);
    auto [token, id] = f.cli_token();
    BOOST_TEST(f.linkage({"user", "revoke-token", id}).exit_code == 0);
    auto again = f.linkage({"user", "revoke-token", id});
    BOOST_TEST(again.exit_code == 0);
    BOOST_TEST(again.out.find("already revoked") != std::string::npos);
    auto help = f.linkage({"user", "--help"});
    BOOST_TEST(help.out.find("revoke-token ID") != std::string::npos);
    BOOST_TEST(help.out.find("--keep-old") != std::string::npos);
    // config check knows the new keys and their ranges.
    BOOST_TEST(f.linkage({"config", "check"}).exit_code == 0);
    BOOST_TEST(f.linkage({"config", "check"}, {}, {"LINKAGE_SERVER_SESSION_IDLE_MINUTES=0"}).exit_code == 4);
    BOOST_TEST(f.linkage({"config", "check"}, {}, {"LINKAGE_TOKENS_API_TOKEN_DAYS=-1"}).exit_code == 4);
    BOOST_TEST(f.linkage({"config", "check"}, {}, {"LINKAGE_LIMITS_SIGNIN_FAILURES=0"}).exit_code == 4);
}

BOOST_AUTO_TEST_SUITE_END()
