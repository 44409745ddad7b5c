// Issue 17: operations seen from the command line — health while mail fails,
// demo run twice.
#include <boost/test/unit_test.hpp>

#include "store/heartbeat_repo.hpp"
#include "store/mail_queue.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <sstream>

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

// Issue 17 item 12: on a terminal the progress line is cleared before each
// result line and drawn again below it, showing the file in hand; never when
// stderr is not a terminal.
BOOST_AUTO_TEST_CASE(progress_line_is_cleared_before_result_lines_on_a_terminal) {
    test_support::TempDir d;
    const auto home = home_of(d);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "registry", "import",
                                    (test_support::source_dir() / "data/sample-registry.json").string()})
                           .exit_code == 0);
    auto fill = [&](const char* client, const char* name) {
        const auto pdf = d.path() / name;
        auto r = run_linkage({"--home", home, "form", "prefill", "--bureau", "559123-4561", "--client", client, "-o",
                              pdf.string()});
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
        const auto target = fs::path(home) / "inbox" / name;
        fs::copy_file(pdf, target);
        fs::last_write_time(target, fs::file_time_type::clock::now() - std::chrono::minutes(1));
    };
    fill("556612-3450", "ett.pdf");
    fill("559567-8904", "två.pdf");
    fill("19811218-9876", "tre.pdf");
    const auto out = d.path() / "tty.out";
    const auto cmd = "/usr/bin/python3 '" + (test_support::source_dir() / "tests/cli/pty_run.py").string() + "' '" +
                     out.string() + "' '" + test_support::linkage_bin().string() + "' --home '" + home +
                     "' batch --workers 1";
    BOOST_TEST_REQUIRE(test_support::run_shell(cmd) == 0);
    const std::string raw = test_support::read_file(out);
    BOOST_TEST(raw.find("\r\033[K") != std::string::npos, raw);
    BOOST_TEST(raw.find(" filer") != std::string::npos, raw);
    BOOST_TEST(raw.find("pågår: ") != std::string::npos, raw);  // the file in hand
    // What a terminal shows of each line: the text after its last carriage return, erase codes removed.
    int results = 0;
    std::istringstream in(raw);
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && line.back() == '\r') line.pop_back();  // the terminal's CR LF
        if (auto cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
        if (line.rfind("\033[K", 0) == 0) line = line.substr(3);
        if (line.rfind("rejected ", 0) == 0) {
            ++results;
            BOOST_TEST(line.find("filer") == std::string::npos, "glued to the progress line: " << line);
        } else {
            // A result line never follows other visible text (the summary's "rejected 3," is no result line).
            BOOST_TEST(line.find("rejected   ") == std::string::npos, "a result line behind other text: " << line);
        }
    }
    BOOST_TEST(results == 3, raw);
    // Not a terminal (a pipe, cron, systemd): no progress line at all.
    fill("559456-7892", "fyra.pdf");
    auto piped = run_linkage({"--home", home, "batch"});
    BOOST_TEST(piped.exit_code == 0, piped.err);
    BOOST_TEST(piped.err.find('\r') == std::string::npos, piped.err);
}

BOOST_AUTO_TEST_CASE(health_warns_when_no_batch_ran_for_a_day_and_a_half_and_no_watcher_runs) {
    test_support::TempDir d;
    const auto home = home_of(d);
    BOOST_TEST_REQUIRE(run_linkage({"--home", home, "init"}).exit_code == 0);
    auto put_batch = [&](std::chrono::hours ago) {
        auto c = test_support::open_test_store(home);
        const auto at = core::format_utc(std::chrono::system_clock::now() - ago);
        store::HeartbeatRepo(*c).put({"batch", 4242, "desk1", at, at, at, std::string("ok"), 3, 0});
    };
    put_batch(std::chrono::hours(2));
    auto fresh = run_linkage({"--home", home, "health"});
    BOOST_TEST(fresh.out.rfind("ok\n", 0) == 0, fresh.out);
    BOOST_TEST(fresh.out.find("last_batch ok ended ") != std::string::npos, fresh.out);
    put_batch(std::chrono::hours(50));
    auto old = run_linkage({"--home", home, "health"});
    BOOST_TEST(old.exit_code == 0, old.out);
    BOOST_TEST(old.out.rfind("warn\n", 0) == 0, old.out);
    BOOST_TEST(old.out.find("last_batch WARN ended ") != std::string::npos, old.out);
    BOOST_TEST(old.out.find("no batch for more than 36 h") != std::string::npos, old.out);
}

BOOST_AUTO_TEST_SUITE_END()
