// The web endpoint's HTTP front under attack (issue 16, items 1, 8, 9, 10),
// over real loopback sockets: slow and silent clients do not starve the
// server, the per-address cap, strict framing (no request smuggling), the
// access log never shows a token or a personal number however the target is
// encoded, and every answer carries the security headers; /healthz and
// /metrics only on the ops listener.
#define BOOST_TEST_MODULE http_security
#include <boost/test/unit_test.hpp>

#include "web/router.hpp"
#include "web/http_wire.hpp"
#include "web_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace test_support;
using namespace std::chrono_literals;

namespace {

// A raw loopback connection from a chosen source address (127.0.0.x).
class RawConn {
public:
    RawConn(int port, const std::string& from = "127.0.0.1") {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0) throw std::runtime_error("socket failed");
        sockaddr_in src{};
        src.sin_family = AF_INET;
        inet_pton(AF_INET, from.c_str(), &src.sin_addr);
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) throw std::runtime_error("bind " + from);
        sockaddr_in dst{};
        dst.sin_family = AF_INET;
        dst.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) throw std::runtime_error("connect");
    }
    ~RawConn() {
        if (m_fd >= 0) ::close(m_fd);
    }
    RawConn(const RawConn&) = delete;
    RawConn& operator=(const RawConn&) = delete;
    bool send(const std::string& s) { return ::send(m_fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
    // Everything until the peer closes or `limit` passes.
    std::string read_until_closed(std::chrono::milliseconds limit = 5000ms) {
        std::string out;
        const auto end = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
            char buf[8192];
            ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0) {
                m_closed = true;
                return out;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    // True when the peer has closed (EOF or reset) within `limit`.
    bool closed_within(std::chrono::milliseconds limit) {
        read_until_closed(limit);
        return m_closed;
    }
    bool closed() const { return m_closed; }

private:
    int m_fd = -1;
    bool m_closed = false;
};

int count(const std::string& hay, const std::string& needle) {
    int n = 0;
    for (auto i = hay.find(needle); i != std::string::npos; i = hay.find(needle, i + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_front)

BOOST_AUTO_TEST_CASE(five_hundred_slow_or_silent_connections_do_not_starve_the_server) {
    // Client and server ends of 500 connections live in this one process:
    // lift the soft descriptor limit to the hard one (1,024 is a common soft default).
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < 1400 && lim.rlim_max >= 1400) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    getrlimit(RLIMIT_NOFILE, &lim);
    BOOST_REQUIRE_MESSAGE(lim.rlim_cur >= 1200, "needs 1,200 open files, the limit is " << lim.rlim_cur);
    WebFixture f([](web::ServerOptions& o) {
        o.header_timeout_seconds = 4;
        o.max_connections_per_client = 40;
    });
    // 300 trickling connections (one header byte a second) from ten
    // addresses, and 200 silent ones from ten more.
    std::vector<std::unique_ptr<RawConn>> trickling, silent;
    for (int i = 0; i < 300; ++i) trickling.push_back(std::make_unique<RawConn>(f.port, "127.0.0." + std::to_string(2 + i % 10)));
    for (int i = 0; i < 200; ++i) silent.push_back(std::make_unique<RawConn>(f.port, "127.0.0." + std::to_string(12 + i % 10)));
    std::atomic<bool> stop{false};
    std::thread trickler([&] {
        const std::string head = "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa";
        for (std::size_t k = 0; k < head.size() && !stop; ++k) {
            for (auto& c : trickling) c->send(std::string(1, head[k]));
            for (int t = 0; t < 10 && !stop; ++t) std::this_thread::sleep_for(100ms);
        }
    });
    // Meanwhile a well-behaved client is answered, each request within 1 s.
    auto good = f.client();
    double worst_ms = 0;
    for (int i = 0; i < 15; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = good.get("/login");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        worst_ms = std::max(worst_ms, ms);
        BOOST_TEST(r.status == 200);
        std::this_thread::sleep_for(200ms);
    }
    BOOST_TEST(worst_ms < 1000.0, "slowest answer " << worst_ms << " ms");
    // The head deadline (4 s, absolute: the trickle does not reset it) has
    // closed every slow connection, with a 408 first.
    std::this_thread::sleep_for(2s);
    int closed = 0, told = 0;
    for (auto& c : trickling) {
        const std::string got = c->read_until_closed(1500ms);
        closed += c->closed();
        told += got.rfind("HTTP/1.1 408", 0) == 0;
    }
    for (auto& c : silent) closed += c->closed_within(1500ms);
    stop = true;
    trickler.join();
    BOOST_TEST(closed == 500);
    BOOST_TEST(told == 300);
    BOOST_TEST(f.access_log.str().find(" 408 ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(connections_over_the_per_address_cap_are_closed_at_once) {
    WebFixture f([](web::ServerOptions& o) { o.max_connections_per_client = 5; });
    std::vector<std::unique_ptr<RawConn>> held;
    for (int i = 0; i < 5; ++i) held.push_back(std::make_unique<RawConn>(f.port, "127.0.0.30"));
    std::this_thread::sleep_for(200ms);
    RawConn over(f.port, "127.0.0.30");
    BOOST_TEST(over.closed_within(1000ms));
    // Another address is served as usual, and so is the capped one once it
    // lets a connection go.
    RawConn other(f.port, "127.0.0.31");
    other.send("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(other.read_until_closed().rfind("HTTP/1.1 200", 0) == 0u);
    held.pop_back();
    std::this_thread::sleep_for(200ms);
    RawConn again(f.port, "127.0.0.30");
    again.send("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(again.read_until_closed().rfind("HTTP/1.1 200", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(ambiguous_framing_is_refused_and_nothing_is_smuggled) {
    WebFixture f;
    // Each case: a request a lenient parser would read one way and a proxy
    // another, followed by a smuggled GET that must never be answered.
    const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    struct Case {
        const char* what;
        std::string request;
        const char* status;
    };
    const std::vector<Case> cases = {
        {"CL and TE", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
        {"two differing CL", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 0\r\n\r\nhello", "400"},
        {"two equal CL", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", "400"},
        {"CL -1", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "400"},
        {"CL +0", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n", "400"},
        {"CL list", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 0\r\n\r\n", "400"},
        {"CL overflow", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", "400"},
        {"two TE", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
        {"TE not chunked", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "400"},
        {"TE chunked then gzip", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "400"},
        {"TE identity", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", "400"},
        {"TE in HTTP/1.0", "POST /login HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
        {"bare LF head", "GET /login HTTP/1.1\nHost: x\n\n", "400"},
        {"bare LF in one field", "GET /login HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", "400"},
        {"NUL in a field", std::string("GET /login HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 40), "400"},
        {"missing Host", "GET /login HTTP/1.1\r\n\r\n", "400"},
        {"two Host", "GET /login HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "400"},
        {"obs-fold", "GET /login HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", "400"},
        {"space before colon", "GET /login HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", "400"},
        {"bare LF chunk end", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n", "400"},
        {"chunk size garbage", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "400"},
        {"chunk data longer than its size", "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "400"},
        {"malformed request line", "GET  /login HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
        {"HTTP/2.0 request line", "GET /login HTTP/2.0\r\nHost: x\r\n\r\n", "505"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            RawConn conn(f.port);
            conn.send(c.request + smuggled);
            const std::string out = conn.read_until_closed(3000ms);
            BOOST_TEST(out.rfind(std::string("HTTP/1.1 ") + c.status, 0) == 0u, out.substr(0, 80));
            BOOST_TEST(count(out, "HTTP/1.1 ") == 1);  // the smuggled GET was not answered
            BOOST_TEST(conn.closed());
            BOOST_TEST(out.find("X-Request-Id: ") != std::string::npos);
            BOOST_TEST(out.find("X-Content-Type-Options: nosniff") != std::string::npos);
            BOOST_TEST(out.find("Content-Security-Policy: ") != std::string::npos);
        }
    }
    BOOST_TEST(f.access_log.str().find("/smuggled") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_length_means_no_body_and_pipelined_requests_are_answered_in_order) {
    WebFixture f;
    RawConn conn(f.port);
    // A POST with neither Content-Length nor chunked has no body: the next
    // bytes are the next request, not read until close.
    conn.send("POST /logout HTTP/1.1\r\nHost: x\r\n\r\nGET /login HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string out = conn.read_until_closed();
    BOOST_TEST(count(out, "HTTP/1.1 ") == 3);
    const auto second = out.find("HTTP/1.1 ", 1), third = out.find("HTTP/1.1 ", second + 1);
    BOOST_TEST(out.compare(second, 12, "HTTP/1.1 200") == 0);
    BOOST_TEST(out.compare(third, 12, "HTTP/1.1 404") == 0);
    BOOST_TEST(conn.closed());
    // HEAD: the length of the page, no body.
    RawConn head(f.port);
    head.send("HEAD /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string h = head.read_until_closed();
    BOOST_TEST(h.rfind("HTTP/1.1 200", 0) == 0u);
    BOOST_TEST(h.find("Content-Length: ") != std::string::npos);
    BOOST_TEST(h.substr(h.find("\r\n\r\n") + 4).empty());
}

BOOST_AUTO_TEST_CASE(the_access_log_masks_tokens_and_numbers_however_encoded) {
    const std::string token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd";  // 42 token characters
    struct Case {
        std::string target;
        std::string secret;
    };
    const std::vector<Case> cases = {
        {"/approve/" + token, token},
        {"/%61pprove/" + token, token},
        {"/%2561pprove/" + token, token},
        {"/approve%2F" + token, token},
        {"/APPROVE/" + token, token},
        {"http://koppling.example.se/approve/" + token, token},
        {"/review/1?sid=" + token, token},
        {"/clients/link?q=19811218-9876", "9876"},
        {"/clients/link?q=19811218%2D9876", "9876"},
        {"/clients/link?q=198112189876", "9876"},
        {"/clients/link?q=%31%39%38%31%31%32%31%38%2D%39%38%37%36", "9876"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.target) {
            const std::string logged = web::loggable_target(c.target);
            BOOST_TEST(logged.find(c.secret) == std::string::npos, logged);
        }
    }
    BOOST_TEST(web::loggable_target("/%61pprove/" + token) == "/approve/[token]");
    BOOST_TEST(web::loggable_target("/clients/link?q=19811218%2D9876") == "/clients/link?q=198112**-****");
    // Control bytes and spaces are escaped, so a line cannot be forged.
    BOOST_TEST(web::loggable_target("/x%1B[31m%0D%0A2026 fake line") == "/x\\x1B[31m\\x0D\\x0A2026\\x20fake\\x20line");
    BOOST_TEST(web::loggable_target("/a%00b") == "/a\\x00b");
    // End to end: the real access log of real requests.
    WebFixture f;
    auto c = f.client();
    c.get("/%61pprove/" + token);
    c.get("/approve%2F" + token);
    RawConn absolute(f.port);
    absolute.send("GET http://127.0.0.1/approve/" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    absolute.read_until_closed();
    RawConn broken(f.port);  // refused by the front (no Host): logged by the front, masked too
    broken.send("GET /approve/" + token + " HTTP/1.1\r\n\r\n");
    broken.read_until_closed();
    c.get("/clients/link?q=19811218%2D9876");
    std::this_thread::sleep_for(400ms);  // the log is flushed every 200 ms
    const std::string log = f.access_log.str();
    BOOST_TEST(log.find(token) == std::string::npos, log);
    BOOST_TEST(log.find("9876") == std::string::npos);
    BOOST_TEST(count(log, "/approve/[token]") >= 3);
}

BOOST_AUTO_TEST_CASE(security_headers_everywhere_hsts_with_https_and_ops_only_on_the_ops_listener) {
    {
        WebFixture f;
        auto r = f.client().get("/login");
        BOOST_TEST(r.headers.count("Strict-Transport-Security") == 0u);
        BOOST_TEST(!r.headers["X-Request-Id"].empty());
        // /healthz and /metrics: 404 on the public port, 200 on the ops port.
        BOOST_TEST(f.client().get("/healthz").status == 404);
        BOOST_TEST(f.client().get("/metrics").status == 404);
        BOOST_TEST(f.ops_port > 0);
        BOOST_TEST(f.ops_client().get("/healthz").status == 200);
        BOOST_TEST(f.ops_client().get("/metrics").status == 200);
        // The ops listener serves nothing else.
        BOOST_TEST(f.ops_client().get("/login").status == 404);
        // A refusal by the front itself carries the same headers.
        RawConn conn(f.port);
        conn.send("GET /login HTTP/1.1\r\n\r\n");
        const std::string out = conn.read_until_closed();
        BOOST_TEST(out.rfind("HTTP/1.1 400", 0) == 0u);
        for (const char* h : {"X-Request-Id: ", "X-Content-Type-Options: nosniff", "Referrer-Policy: no-referrer",
                              "Cache-Control: no-store", "Content-Security-Policy: "})
            BOOST_TEST(out.find(h) != std::string::npos, h);
    }
    {
        WebFixture f([](web::ServerOptions& o) { o.base_url = "https://koppling.example.se"; });
        auto r = f.client().get("/login");
        BOOST_TEST(r.headers["Strict-Transport-Security"] == "max-age=31536000");
        RawConn conn(f.port);
        conn.send("GET /login HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        BOOST_TEST(conn.read_until_closed().find("Strict-Transport-Security: max-age=31536000") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_second_server_on_a_port_in_use_is_refused) {
    WebFixture f;
    web::ServerOptions o;
    o.port = f.port;
    o.share_dir = source_dir();
    const auto dir = f.home.path();
    o.open_store = [dir] { return open_test_store(dir); };
    web::Server second(o, f.clock, f.rules, nullptr, nullptr);
    BOOST_CHECK_THROW(second.start(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_chunked_decoder_and_head_scanner_are_strict) {
    using web::http::ChunkedDecoder;
    std::string out;
    std::size_t used = 0;
    ChunkedDecoder ok;
    BOOST_TEST((ok.feed("3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\nNEXT", used, &out) == ChunkedDecoder::State::done));
    BOOST_TEST(out == "abcde");
    BOOST_TEST(used == std::string_view("3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n").size());
    for (const char* bad : {"3\nabc\r\n0\r\n\r\n", "3\r\nabc\n", " 3\r\nabc\r\n", "1234567890123456\r\n", "\r\n"}) {
        ChunkedDecoder d;
        std::string o2;
        BOOST_TEST((d.feed(bad, used, &o2) == ChunkedDecoder::State::error), bad);
    }
    web::http::HeadLimits limits;
    BOOST_TEST((web::http::scan_head("GET / HTTP/1.1\r\nHost: x\r\n", limits).state == web::http::HeadScan::State::incomplete));
    auto s = web::http::scan_head("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nrest", limits);
    BOOST_TEST((s.state == web::http::HeadScan::State::complete));
    BOOST_TEST(s.skip == 2u);
    BOOST_TEST(s.end == std::string_view("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").size());
    // Scanning a head as it trickles in, resuming where the last call
    // stopped, finds what one scan of the whole finds — ends and errors.
    for (const std::string& whole : {std::string("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nrest"),
                                    std::string("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"),
                                    std::string("GET / HTTP/1.1\r\nHost: x\rX\r\n\r\n")}) {
        const auto once = web::http::scan_head(whole, limits);
        std::size_t resume = 0;
        web::http::HeadScan step;
        for (std::size_t n = 1; n <= whole.size(); ++n) {
            step = web::http::scan_head(std::string_view(whole).substr(0, n), limits, resume);
            if (step.state != web::http::HeadScan::State::incomplete) break;
            resume = n;
        }
        BOOST_TEST((step.state == once.state));
        BOOST_TEST(step.end == once.end);
        BOOST_TEST(step.skip == once.skip);
    }
    // Endless empty lines before a request are not skipped forever.
    BOOST_TEST((web::http::scan_head("\r\n\r\n\r\n\r\n", limits).state == web::http::HeadScan::State::complete));
    BOOST_TEST(!web::http::parse_head("\r\n\r\n", limits).head);
}

BOOST_AUTO_TEST_SUITE_END()
