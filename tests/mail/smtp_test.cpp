#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "digital_fixture.hpp"
#include "eml.hpp"
#include "mail/sender.hpp"
#include "store/mail_queue.hpp"

#include <map>
#include <set>
#include <sstream>

using namespace test_support;

namespace {

const mail::Mailbox k_from{"Kopplingsdesken", "noreply@example.se"};

std::string read_if_there(const std::filesystem::path& p) {
    return std::filesystem::exists(p) ? read_file(p) : std::string();
}

std::unique_ptr<ChildProcess> start_sink(const TempDir& dir, int port, const std::string& credentials = {},
                                        bool tls = false) {
    std::filesystem::remove(dir.path() / "sink.out");
    std::vector<std::string> argv{"/usr/bin/python3", (source_dir() / "tests/support/smtp_sink.py").string(),
                                  "127.0.0.1", std::to_string(port), (dir.path() / "received").string()};
    if (!credentials.empty() || tls) argv.push_back(credentials.empty() ? "-" : credentials);
    if (tls) {
        argv.push_back((source_dir() / "tests/support/tls/smtp-test-cert.pem").string());
        argv.push_back((source_dir() / "tests/support/tls/smtp-test-key.pem").string());
    }
    auto p = std::make_unique<ChildProcess>(argv, dir.path() / "sink.out", dir.path() / "sink.err");
    for (int i = 0; i < 750 && read_if_there(dir.path() / "sink.out").find("ready") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_REQUIRE_MESSAGE(read_if_there(dir.path() / "sink.out").find("ready") != std::string::npos,
                          "SMTP sink did not start: " + read_if_there(dir.path() / "sink.err"));
    return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp)

BOOST_AUTO_TEST_CASE(delivery_to_a_real_smtp_server_survives_it_going_down) {
    DigitalFixture f;
    TempDir sink_dir;
    const int port = free_port();
    auto sink = start_sink(sink_dir, port);
    mail::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.timeout_seconds = 5;
    mail::SmtpTransport smtp(o);

    auto r1 = f.desk("https://koppling.example.se").request(f.principal("anna.norrsken"), "559456-7892");
    BOOST_REQUIRE(r1.administrators_notified == 2);
    auto s1 = mail::send_due(*f.db, smtp, f.clock, k_from);
    BOOST_TEST(s1.sent == 2);
    BOOST_TEST(s1.failed == 0);
    auto got = received(sink_dir.path() / "received");
    BOOST_REQUIRE(got.size() == 2u);
    std::set<std::string> to;
    for (auto& m : got) {
        to.insert(m.headers["X-Envelope-To"]);
        BOOST_TEST(m.headers["X-Envelope-From"] == "noreply@example.se");
        BOOST_TEST(m.headers["Subject"] == "Redovisningsbyrån Norrsken AB vill koppla ihop sig med Åkesson Bygg & Måleri AB");
        BOOST_TEST(m.headers["Content-Type"] == "text/plain; charset=UTF-8");
        BOOST_TEST(m.body.find("Du får det här meddelandet eftersom du är systemadministratör") != std::string::npos);
        BOOST_TEST(m.body.find("Anna Lindqvist") != std::string::npos);
        BOOST_TEST(m.body.find("3 december 2026 kl. 13:00") != std::string::npos);
        auto link = approval_link_in(m.body);
        BOOST_TEST(link.rfind("https://koppling.example.se/approve/", 0) == 0u);
        BOOST_TEST((f.desk().open(link.substr(link.rfind('/') + 1)).status == digital::LinkStatus::pending));
    }
    BOOST_TEST((to == std::set<std::string>{"karin@akessonbygg.example", "olof@akessonbygg.example"}));
    BOOST_TEST(got[0].headers["Message-ID"] != got[1].headers["Message-ID"]);

    // The relay goes down: new mail waits in the queue.
    sink->signal(SIGTERM);
    BOOST_TEST(sink->wait_for(std::chrono::seconds(10)));
    sink.reset();
    f.desk().request(f.principal("anna.norrsken"), "556612-3450");
    f.desk().request(f.principal("jonas.vast"), "559567-8904");
    auto s2 = mail::send_due(*f.db, smtp, f.clock, k_from);
    BOOST_TEST(s2.failed == 2);
    BOOST_TEST(s2.sent == 0);
    auto st = store::MailQueue(*f.db).status();
    BOOST_TEST(st.queued == 2);
    BOOST_TEST(st.retrying == 2);
    f.clock.advance(std::chrono::seconds(30));
    BOOST_TEST(mail::send_due(*f.db, smtp, f.clock, k_from).failed == 2);  // still down: second attempt
    BOOST_TEST(store::MailQueue(*f.db).status().next_attempt_at.value_or("") == "2026-11-26T12:01:30Z");

    // Back up: each waiting message is delivered exactly once.
    sink = start_sink(sink_dir, port);
    f.clock.advance(std::chrono::seconds(60));
    auto s3 = mail::send_due(*f.db, smtp, f.clock, k_from);
    BOOST_TEST(s3.sent == 2);
    BOOST_TEST(mail::send_due(*f.db, smtp, f.clock, k_from).sent == 0);
    got = received(sink_dir.path() / "received");
    BOOST_REQUIRE(got.size() == 4u);
    std::set<std::string> ids;
    for (auto& m : got) ids.insert(m.headers["Message-ID"]);
    BOOST_TEST(ids.size() == 4u);
    BOOST_TEST(got[2].headers["X-Envelope-To"] != got[3].headers["X-Envelope-To"]);
    BOOST_TEST(store::MailQueue(*f.db).status().sent == 4);
    sink->signal(SIGTERM);
    sink->wait_for(std::chrono::seconds(10));
}

BOOST_AUTO_TEST_CASE(html_in_names_reaches_the_mail_as_plain_text) {
    DigitalFixture f;
    TempDir out;
    auto r = f.desk().request(f.principal("anna.norrsken"), k_html_client_orgnr);
    BOOST_REQUIRE(r.administrators_notified == 1);
    mail::OutboxTransport t(out.path());
    BOOST_TEST(mail::send_due(*f.db, t, f.clock, k_from).sent == 1);
    auto got = received(out.path());
    BOOST_REQUIRE(got.size() == 1u);
    // text/plain: the name is shown literally (never rendered), the subject encoded.
    BOOST_TEST(got[0].headers["Content-Type"] == "text/plain; charset=UTF-8");
    BOOST_TEST(got[0].headers["Subject"].find(k_html_client_name) != std::string::npos);
    BOOST_TEST(got[0].headers["To"].find("<ebba@soner.example>") != std::string::npos);
    BOOST_TEST(got[0].body.find(std::string("Hej Ebba <b>Fet</b>!")) != std::string::npos);
    auto raw = read_file(std::filesystem::directory_iterator(out.path())->path());
    BOOST_TEST(raw.substr(0, raw.find("\r\n\r\n")).find("<script>") == std::string::npos);  // headers encoded
}

BOOST_AUTO_TEST_CASE(smtp_auth_wrong_password_waits_right_password_delivers) {
    DigitalFixture f;
    TempDir sink_dir;
    const int port = free_port();
    auto sink = start_sink(sink_dir, port, "desk:rätt-lösen");
    f.desk().request(f.principal("anna.norrsken"), "556612-3450");
    mail::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.user = "desk";
    o.password = "fel";
    o.timeout_seconds = 2;  // the sink answers a failed AUTH slowly
    mail::SmtpTransport wrong(o);
    auto s1 = mail::send_due(*f.db, wrong, f.clock, k_from);
    BOOST_TEST(s1.failed == 1);
    BOOST_TEST(store::MailQueue(*f.db).status().queued == 1);
    o.password = "rätt-lösen";
    mail::SmtpTransport right(o);
    f.clock.advance(std::chrono::seconds(30));
    auto s2 = mail::send_due(*f.db, right, f.clock, k_from);
    BOOST_TEST(s2.sent == 1);
    auto got = received(sink_dir.path() / "received");
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].headers["X-Envelope-To"] == "goran@oresundsfisk.example");
    sink->signal(SIGTERM);
    sink->wait_for(std::chrono::seconds(10));
}

BOOST_AUTO_TEST_CASE(starttls_with_auth_and_a_relay_that_requires_it) {
    // The sink's self-signed certificate is made the trusted CA for this
    // process (OpenSSL reads SSL_CERT_FILE for its default verify paths).
    DigitalFixture f;
    TempDir sink_dir;
    const int port = free_port();
    auto sink = start_sink(sink_dir, port, "desk:hemligt", true);
    f.desk().request(f.principal("anna.norrsken"), "559567-8904");
    mail::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.user = "desk";
    o.password = "hemligt";
    o.timeout_seconds = 5;
    mail::SmtpTransport plain(o);  // no STARTTLS: the relay refuses, the message waits
    BOOST_TEST(mail::send_due(*f.db, plain, f.clock, k_from).failed == 1);
    o.starttls = true;
    mail::SmtpTransport secure(o);
    // An untrusted certificate is refused; the message still waits.
    setenv("SSL_CERT_FILE", (sink_dir.path() / "no-such-ca.pem").c_str(), 1);
    f.clock.advance(std::chrono::seconds(30));
    auto refused = mail::send_due(*f.db, secure, f.clock, k_from);
    BOOST_TEST(refused.failed == 1);
    BOOST_TEST_MESSAGE("untrusted: " << refused.last_error);
    setenv("SSL_CERT_FILE", (source_dir() / "tests/support/tls/smtp-test-cert.pem").c_str(), 1);
    f.clock.advance(std::chrono::seconds(60));
    auto s = mail::send_due(*f.db, secure, f.clock, k_from);
    BOOST_TEST(s.sent == 1);
    BOOST_TEST_INFO(s.last_error);
    auto got = received(sink_dir.path() / "received");
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].headers["X-Envelope-To"] == "elin@angsbacka.example");
    unsetenv("SSL_CERT_FILE");
    sink->signal(SIGTERM);
    sink->wait_for(std::chrono::seconds(10));
}

BOOST_AUTO_TEST_SUITE_END()
