// Issue 17: operations seen from the command line — health while mail fails,
// demo run twice.
#include <boost/test/unit_test.hpp>

#include "store/mail_queue.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <filesystem>

namespace fs = std::filesystem;
using test_support::run_linkage;

namespace {

std::string home_of(const test_support::TempDir& d) { return (d.path() / "home").string(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_ops)

BOOST_AUTO_TEST_CASE(health_warns_while_mail_is_failing_and_names_the_last_error) {
    test_support::TempDir d;
    const auto home = home_of(d);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    auto quiet = run_linkage({"--home", home, "health"});
    BOOST_TEST(quiet.exit_code == 0, quiet.out);
    BOOST_TEST(quiet.out.rfind("ok\n", 0) == 0, quiet.out);
    BOOST_TEST(quiet.out.find("mail ok 0 queued, 0 retrying") != std::string::npos, quiet.out);
    {
        auto c = test_support::open_test_store(home);
        store::Transaction tx(*c);
        store::MailQueue(*c).enqueue({"m1@test", std::nullopt, "Karin", "karin@klient.example", "Ämne", "Text", {}},
                                     core::format_utc(std::chrono::system_clock::now()));
        tx.commit();
    }
    // A relay nobody listens on: the attempt fails and the message is retried later.
    const std::vector<std::string> relay{"LINKAGE_SMTP_HOST=127.0.0.1", "LINKAGE_SMTP_PORT=9"};
    auto send = run_linkage({"--home", home, "mail", "send"}, {}, relay);
    BOOST_TEST(send.exit_code == 0, send.err);
    auto h = run_linkage({"--home", home, "health"});
    BOOST_TEST(h.exit_code == 0, h.out);  // the installation works; a person must look at the relay
    BOOST_TEST(h.out.rfind("warn\n", 0) == 0, h.out);
    BOOST_TEST(h.out.find("mail WARN mail is failing: 1 queued, 1 retrying") != std::string::npos, h.out);
    BOOST_TEST(h.out.find("last error: ") != std::string::npos, h.out);
    auto j = run_linkage({"--home", home, "health", "--json"});
    BOOST_TEST(j.out.find("\"status\":\"warn\"") != std::string::npos, j.out);
    BOOST_TEST(j.out.find("\"name\":\"mail\",\"ok\":true,\"warn\":true") != std::string::npos, j.out);
    BOOST_TEST(j.out.find("\"name\":\"last_batch\"") != std::string::npos, j.out);
}

BOOST_AUTO_TEST_CASE(demo_says_what_to_try_next_and_a_second_run_says_what_is_already_done) {
    test_support::TempDir d;
    const auto home = home_of(d);
    auto first = run_linkage({"--home", home, "demo"});
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
    BOOST_TEST(first.out.find("== 10. Activate") != std::string::npos);
    BOOST_TEST(first.out.find("== What to try next") != std::string::npos, first.out);
    BOOST_TEST(first.out.find("serve --port 8080") != std::string::npos);
    BOOST_TEST(first.out.find("user add-staff eva") != std::string::npos);
    auto second = run_linkage({"--home", home, "demo"});
    BOOST_TEST(second.exit_code == 0, second.err);
    BOOST_TEST(second.out.find("already done by an earlier demo run") != std::string::npos, second.out);
    BOOST_TEST(second.out.find("is activated") != std::string::npos, second.out);
    BOOST_TEST(second.out.find("== 11.") != std::string::npos);
    BOOST_TEST(second.out.find("== What to try next") != std::string::npos);
    // The commands it suggests work on that home (passwords from a pipe).
    auto pw = run_linkage({"--home", home, "user", "password", "anna.norrsken"}, "Norrsken-2026!\n");
    BOOST_TEST(pw.exit_code == 0, pw.err);
    auto staff = run_linkage({"--home", home, "user", "add-staff", "eva", "--name", "Eva Ek"}, "Granskning-2026!\n");
    BOOST_TEST(staff.exit_code == 0, staff.err);
}

BOOST_AUTO_TEST_SUITE_END()
