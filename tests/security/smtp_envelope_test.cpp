// SMTP envelope hardening (issue 16 item 3): a recipient address in the store
// that would smuggle SMTP commands (CR/LF, '>') never reaches the relay and
// ends as a permanent failure; a relay whose replies are out of step with the
// dialogue is a permanent failure too, not an endless retry. Uses the real
// aiosmtpd sink (tests/support/smtp_sink.py) and a tiny scripted fake server.
#define BOOST_TEST_MODULE smtp_security
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "eml.hpp"
#include "mail/sender.hpp"
#include "store/mail_queue.hpp"
#include "test_support.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

using namespace test_support;

namespace {

const mail::Mailbox k_from{"Kopplingsdesken", "noreply@example.se"};
const std::string k_hostile = "victim@klient.example>\r\nRCPT TO:<attacker@evil.example";

std::string read_if_there(const std::filesystem::path& p) {
    return std::filesystem::exists(p) ? read_file(p) : std::string();
}

std::unique_ptr<ChildProcess> start_sink(const TempDir& dir, int port) {
    std::vector<std::string> argv{"/usr/bin/python3", (source_dir() / "tests/support/smtp_sink.py").string(),
                                  "127.0.0.1", std::to_string(port), (dir.path() / "received").string()};
    auto p = std::make_unique<ChildProcess>(argv, dir.path() / "sink.out", dir.path() / "sink.err");
    for (int i = 0; i < 750 && read_if_there(dir.path() / "sink.out").find("ready") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_REQUIRE_MESSAGE(read_if_there(dir.path() / "sink.out").find("ready") != std::string::npos,
                          "SMTP sink did not start: " + read_if_there(dir.path() / "sink.err"));
    return p;
}

store::Id enqueue(store::Connection& db, const core::Clock& clock, const std::string& id, const std::string& to) {
    store::Transaction tx(db);
    store::NewMail m{id, std::nullopt, "Mottagare", to, "Ämne", "Hej!\nLänk: https://x.example/approve/SECRET-" + id,
                     "SECRET-" + id};
    auto out = store::MailQueue(db).enqueue(m, core::format_utc(clock.now()));
    tx.commit();
    return out;
}

// A scripted SMTP server for one connection: `reply` maps each command line
// to the raw reply text (CRLFs included); `greeting` is sent first. Every
// line received is recorded.
class FakeSmtp {
public:
    using Script = std::function<std::string(const std::string& line)>;
    FakeSmtp(std::string greeting, Script reply)
        : m_server(Poco::Net::SocketAddress("127.0.0.1", 0)), m_greeting(std::move(greeting)), m_reply(std::move(reply)) {
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeSmtp() {
        m_stop = true;
        m_thread.join();
    }
    int port() const { return m_server.address().port(); }
    std::vector<std::string> lines() {
        std::lock_guard lock(m_mutex);
        return m_lines;
    }
    int connections() const { return m_connections; }

    static std::string standard(const std::string& line) {
        if (line.rfind("EHLO", 0) == 0) return "250-fake.example\r\n250 8BITMIME\r\n";
        if (line.rfind("DATA", 0) == 0) return "354 go ahead\r\n";
        if (line.rfind("QUIT", 0) == 0) return "221 bye\r\n";
        return "250 OK\r\n";
    }

private:
    void serve() {
        while (!m_stop) {
            if (!m_server.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket s = m_server.acceptConnection();
            ++m_connections;
            s.setReceiveTimeout(Poco::Timespan(0, 100000));
            s.sendBytes(m_greeting.data(), static_cast<int>(m_greeting.size()));
            std::string buf;
            bool in_data = false;
            while (!m_stop) {
                char chunk[1024];
                int n = 0;
                try {
                    n = s.receiveBytes(chunk, sizeof chunk);
                } catch (const Poco::TimeoutException&) {
                    continue;
                } catch (const Poco::Exception&) {
                    break;
                }
                if (n <= 0) break;
                buf.append(chunk, static_cast<std::size_t>(n));
                for (auto pos = buf.find("\r\n"); pos != std::string::npos; pos = buf.find("\r\n")) {
                    const std::string line = buf.substr(0, pos);
                    buf.erase(0, pos + 2);
                    {
                        std::lock_guard lock(m_mutex);
                        m_lines.push_back(line);
                    }
                    std::string r;
                    if (in_data) {
                        if (line != ".") continue;
                        in_data = false;
                        r = "250 queued\r\n";
                    } else {
                        r = m_reply(line);
                        if (line == "DATA" && r.rfind("354", 0) == 0) in_data = true;
                    }
                    try {
                        s.sendBytes(r.data(), static_cast<int>(r.size()));
                    } catch (const Poco::Exception&) {
                    }
                }
            }
        }
    }

    Poco::Net::ServerSocket m_server;
    std::string m_greeting;
    Script m_reply;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::mutex m_mutex;
    std::vector<std::string> m_lines;
};

mail::SmtpTransport transport_to(int port) {
    mail::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.timeout_seconds = 5;
    return mail::SmtpTransport(o);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_envelope)

// The tester's attack, with the registry import bypassed: the address is
// written straight into the store. No extra RCPT reaches the real relay, the
// message ends 'failed' with a clear reason, and it is never tried again; the
// good message next to it is delivered.
BOOST_AUTO_TEST_CASE(a_crlf_recipient_in_the_store_never_reaches_the_relay_and_is_not_retried) {
    TempDir home, sink_dir;
    auto db = open_test_store(home.path());
    auto clock = test_clock();
    const auto bad = enqueue(*db, clock, "m-bad@test", k_hostile);
    const auto good = enqueue(*db, clock, "m-good@test", "karin@klient.example");
    const int port = free_port();
    auto sink = start_sink(sink_dir, port);
    auto smtp = transport_to(port);

    auto s1 = mail::send_due(*db, smtp, clock, k_from);
    BOOST_TEST(s1.sent == 1);
    BOOST_TEST(s1.failed == 1);
    BOOST_TEST(s1.undeliverable == 1);
    auto got = received(sink_dir.path() / "received");
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].headers["X-Envelope-To"] == "karin@klient.example");
    for (auto& file : std::filesystem::directory_iterator(sink_dir.path() / "received"))
        BOOST_TEST(read_file(file.path()).find("attacker") == std::string::npos);

    store::MailQueue q(*db);
    auto m = q.get(bad);
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->state == "failed");
    BOOST_TEST(m->attempts == 1);
    BOOST_REQUIRE(m->last_error.has_value());
    BOOST_TEST(m->last_error->find("not a valid e-mail address") != std::string::npos);
    BOOST_TEST(m->last_error->find_first_of("\r\n") == std::string::npos);
    BOOST_TEST(m->body.find("SECRET-m-bad@test") == std::string::npos);  // the never-sent link is scrubbed
    BOOST_TEST(q.get(good)->state == "sent");
    BOOST_TEST(q.status().failed == 1);
    BOOST_TEST(q.status().queued == 0);

    // Hours later: nothing is due, nothing is tried.
    clock.advance(std::chrono::hours(3));
    auto s2 = mail::send_due(*db, smtp, clock, k_from);
    BOOST_TEST(s2.sent == 0);
    BOOST_TEST(s2.failed == 0);
    BOOST_TEST(q.get(bad)->attempts == 1);
}

// The transport itself (used without the sender) refuses the address before
// connecting: the relay never sees a command, let alone a second RCPT.
BOOST_AUTO_TEST_CASE(the_transport_refuses_a_bad_envelope_address_before_connecting) {
    FakeSmtp fake("220 fake ESMTP\r\n", FakeSmtp::standard);
    auto smtp = transport_to(fake.port());
    for (const std::string& to : {k_hostile, std::string("a@x.example>"), std::string("a@x.example\n"),
                                 std::string("\"a b\"@x.example"), std::string(300, 'a') + "@x.example"}) {
        BOOST_CHECK_THROW(smtp.deliver("id@test", "noreply@example.se", to, "Subject: x\r\n\r\nx\r\n"),
                          mail::PermanentTransportError);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(fake.connections() == 0);
    BOOST_TEST(fake.lines().empty());
    // A good address goes through the same fake relay.
    smtp.deliver("id@test", "noreply@example.se", "karin@klient.example", "Subject: x\r\n\r\nx\r\n");
    auto lines = fake.lines();
    BOOST_TEST(std::count_if(lines.begin(), lines.end(), [](auto& l) { return l.rfind("RCPT TO:", 0) == 0; }) == 1);
}

namespace {

// One queued message through a fake relay; its state afterwards.
store::QueuedMail send_through(FakeSmtp& fake) {
    TempDir home;
    auto db = open_test_store(home.path());
    auto clock = test_clock();
    const auto id = enqueue(*db, clock, "m@test", "karin@klient.example");
    auto smtp = transport_to(fake.port());
    mail::send_due(*db, smtp, clock, k_from);
    return *store::MailQueue(*db).get(id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_unexpected_reply_code_is_a_permanent_failure) {
    FakeSmtp fake("220 fake ESMTP\r\n", [](const std::string& line) {
        if (line.rfind("RCPT", 0) == 0) return std::string("354 go ahead\r\n");  // DATA's reply to RCPT
        return FakeSmtp::standard(line);
    });
    auto m = send_through(fake);
    BOOST_TEST(m.state == "failed");
    BOOST_TEST(m.last_error.value_or("").find("out of step") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(extra_unsolicited_reply_lines_are_a_permanent_failure) {
    FakeSmtp fake("220 fake ESMTP\r\n", [](const std::string& line) {
        if (line.rfind("MAIL", 0) == 0) return std::string("250 OK\r\n250 and another one\r\n");
        return FakeSmtp::standard(line);
    });
    auto m = send_through(fake);
    BOOST_TEST(m.state == "failed");
    BOOST_TEST(m.last_error.value_or("").find("nobody asked for") != std::string::npos);
    auto lines = fake.lines();
    BOOST_TEST(std::none_of(lines.begin(), lines.end(), [](auto& l) { return l == "DATA"; }));
}

BOOST_AUTO_TEST_CASE(a_reply_before_the_command_is_a_permanent_failure) {
    // The greeting comes with a reply to a command not sent yet.
    FakeSmtp fake("220 fake ESMTP\r\n250 early\r\n", FakeSmtp::standard);
    auto m = send_through(fake);
    BOOST_TEST(m.state == "failed");
    BOOST_TEST(m.last_error.value_or("").find("out of step") != std::string::npos);
}

// The distinction: a relay that says "try later" is retried as before.
BOOST_AUTO_TEST_CASE(a_temporary_refusal_stays_queued_for_a_retry) {
    FakeSmtp fake("220 fake ESMTP\r\n", [](const std::string& line) {
        if (line.rfind("RCPT", 0) == 0) return std::string("451 4.3.0 try again later\r\n");
        return FakeSmtp::standard(line);
    });
    auto m = send_through(fake);
    BOOST_TEST(m.state == "queued");
    BOOST_TEST(m.attempts == 1);
    BOOST_TEST(m.last_error.value_or("").find("try again later") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
