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

BOOST_AUTO_TEST_SUITE_END()
