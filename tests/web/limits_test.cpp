// Limits of the web endpoint (issue 8): a body over limits.max_body_kb gets
// its 413 reliably (read before the answer, never a reset), an unread body
// is not taken for the next request, and the request rate per API token and
// per approval link (429 with Retry-After, other tokens unaffected), and
// headers beyond Poco's bounds refused.
#include <boost/test/unit_test.hpp>

#include "web/rate_limiter.hpp"
#include "web_fixture.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>

using namespace test_support;

namespace {

Poco::JSON::Object::Ptr json(const HttpResult& r) {
    return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

// Everything the server sends until it closes the connection.
std::string read_until_closed(Poco::Net::StreamSocket& s) {
    std::string out;
    char buf[4096];
    for (;;) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_gets_413_not_a_reset) {
    WebFixture f;  // max_body_kb = 4
    auto anna = f.api_client("anna.norrsken");
    // 1 MiB: far more than the socket buffers hold, so a server answering
    // before reading would reset the connection under the client's feet.
    const std::string big = R"({"client": ")" + std::string(1 << 20, '1') + "\"}";
    for (int i = 0; i < 3; ++i) {
        auto r = anna.post_json("/api/v1/linkage-requests", big);
        BOOST_TEST(r.status == 413);
        BOOST_TEST(json(r)->getValue<std::string>("error") == "body_too_large");
        BOOST_TEST(Poco::icompare(r.headers["Connection"], "close") == 0);
    }
    // The same without a length (chunked): found too large while reading.
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(f.port)));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    std::string request = "POST /api/v1/linkage-requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          anna.bearer + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(65536, '1');
    for (int i = 0; i < 16; ++i) request += "10000\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    s.sendBytes(request.data(), static_cast<int>(request.size()));
    const std::string response = read_until_closed(s);
    BOOST_TEST(response.rfind("HTTP/1.1 413", 0) == 0u);
    BOOST_TEST(response.find("body_too_large") != std::string::npos);
    // Within the limit all is well.
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
}

BOOST_AUTO_TEST_CASE(oversized_headers_are_refused_and_the_server_goes_on) {
    // Poco's request reader bounds the header: at most 100 fields, names of
    // 256 and values of 8,192 bytes. Beyond that the request is refused with
    // 400 (or the connection closed) before any handler runs.
    WebFixture f;
    auto send_raw = [&](const std::string& head) {
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(f.port)));
        s.setReceiveTimeout(Poco::Timespan(10, 0));
        const std::string request = "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n" + head + "Connection: close\r\n\r\n";
        s.sendBytes(request.data(), static_cast<int>(request.size()));
        try {
            return read_until_closed(s);
        } catch (const Poco::Exception&) {
            return std::string();  // reset: refused as well
        }
    };
    auto refused = [](const std::string& response) {
        return response.empty() || response.rfind("HTTP/1.1 400", 0) == 0u || response.rfind("HTTP/1.1 431", 0) == 0u;
    };
    BOOST_TEST(send_raw("X-Long: " + std::string(9000, 'a') + "\r\n").rfind("HTTP/1.1 200", 0) != 0u);
    BOOST_TEST(refused(send_raw("X-Long: " + std::string(9000, 'a') + "\r\n")));
    std::string many;
    for (int i = 0; i < 150; ++i) many += "X-F" + std::to_string(i) + ": v\r\n";
    BOOST_TEST(refused(send_raw(many)));
    BOOST_TEST(refused(send_raw("X-" + std::string(400, 'n') + ": v\r\n")));
    // A normal request right after: answered.
    BOOST_TEST(send_raw("X-Short: ok\r\n").rfind("HTTP/1.1 200", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(an_unread_body_is_not_taken_for_the_next_request) {
    WebFixture f;
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(f.port)));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    // No token: 401 before the body is looked at. The body looks like a
    // request line; it must not be answered as one.
    const std::string body = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string two = "POST /api/v1/linkage-requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body +
                            "GET /api/v1/linkages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    s.sendBytes(two.data(), static_cast<int>(two.size()));
    const std::string out = read_until_closed(s);
    auto first = out.find("HTTP/1.1 ");
    BOOST_REQUIRE(first != std::string::npos);
    BOOST_TEST(out.compare(first, 12, "HTTP/1.1 401") == 0);
    auto second = out.find("HTTP/1.1 ", first + 1);
    BOOST_REQUIRE(second != std::string::npos);
    BOOST_TEST(out.compare(second, 12, "HTTP/1.1 401") == 0);  // the GET, also without a token
    BOOST_TEST(out.find("HTTP/1.1 ", second + 1) == std::string::npos);
    BOOST_TEST(out.find("\"status\"") == std::string::npos);  // /healthz was never answered
}

BOOST_AUTO_TEST_CASE(the_rate_limiter_refills_and_stays_bounded) {
    using namespace std::chrono_literals;
    web::RateLimiter limiter(60, 4);  // one a second, up to 60 at once; at most 4 keys
    const auto t0 = web::RateLimiter::Clock::time_point{} + 1h;
    for (int i = 0; i < 60; ++i) BOOST_TEST(limiter.acquire("a", t0) == 0);
    BOOST_TEST(limiter.acquire("a", t0) == 1);
    BOOST_TEST(limiter.acquire("a", t0 + 500ms) == 1);
    BOOST_TEST(limiter.acquire("a", t0 + 1s) == 0);
    BOOST_TEST(limiter.acquire("a", t0 + 1s) == 1);
    BOOST_TEST(limiter.acquire("b", t0 + 1s) == 0);  // keys are independent
    // More keys than the bound: new keys are still served.
    for (int i = 0; i < 10; ++i)
        BOOST_TEST(limiter.acquire("k" + std::to_string(i), t0 + 1s + std::chrono::seconds(60 * i)) == 0);
    BOOST_TEST(web::RateLimiter(0).acquire("x") == 0);  // 0: no limit
}

BOOST_AUTO_TEST_CASE(an_api_token_over_its_rate_gets_429_and_others_do_not) {
    WebFixture f([](web::ServerOptions& o) { o.requests_per_token_per_minute = 3; });
    auto anna = f.api_client("anna.norrsken");
    for (int i = 0; i < 3; ++i) BOOST_TEST(anna.get("/api/v1/clients/search?q=559456-7892").status == 200);
    auto refused = anna.get("/api/v1/clients/search?q=559456-7892");
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(json(refused)->getValue<std::string>("error") == "rate_limited");
    BOOST_TEST(refused.has("För många förfrågningar"));
    const int retry_after = std::stoi(refused.headers["Retry-After"]);
    BOOST_TEST(retry_after >= 1);
    BOOST_TEST(retry_after <= 20);  // one request per 20 s at 3 a minute
    BOOST_TEST(refused.headers["X-Request-Id"] == json(refused)->getValue<std::string>("request_id"));
    // A refused POST changes nothing.
    BOOST_TEST(anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 429);
    // Another token (even of the same user) is counted on its own.
    auto second = f.api_client("anna.norrsken");
    BOOST_TEST(second.get("/api/v1/clients/search?q=559456-7892").status == 200);
    auto other = f.api_client("jonas.vast");
    BOOST_TEST(other.get("/api/v1/clients/search?q=559456-7892").status == 200);
    BOOST_TEST(second.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    // A bad token is 401 as before, never 429.
    HttpClient bad(f.port);
    bad.bearer = std::string(43, 'A');
    for (int i = 0; i < 5; ++i) BOOST_TEST(bad.get("/api/v1/linkages").status == 401);
}

BOOST_AUTO_TEST_CASE(an_approval_link_over_its_rate_gets_429_and_the_other_link_does_not) {
    WebFixture f([](web::ServerOptions& o) { o.requests_per_token_per_minute = 3; });
    auto anna = f.api_client("anna.norrsken");
    BOOST_REQUIRE(anna.post_json("/api/v1/linkage-requests", R"({"client": "559456-7892"})").status == 201);
    auto mails = f.deliver();
    BOOST_REQUIRE(mails.size() == 2u);
    const std::string first = path_of(approval_link_in(mails[0].body));
    const std::string second = path_of(approval_link_in(mails[1].body));
    auto browser = f.client();
    const std::string csrf = hidden_field(browser.get(first).body, "csrf");
    BOOST_REQUIRE(!csrf.empty());
    // Forged posts (wrong CSRF token) count against the link.
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(browser.post_form(first, {{"decision", "approve"}, {"csrf", "fel"}}).status == 403);
    auto refused = browser.post_form(first, {{"decision", "approve"}, {"csrf", csrf}});
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(refused.has("För många försök"));
    BOOST_TEST(!refused.headers["Retry-After"].empty());
    // The page itself is still shown, undecided.
    auto page = browser.get(first);
    BOOST_TEST(page.status == 200);
    BOOST_TEST(page.has("Godkänn kopplingen"));
    // The other administrator's link is not affected.
    BOOST_TEST(browser.post_form(second, {{"decision", "approve"}, {"csrf", csrf}}).status == 303);
    BOOST_TEST(browser.get(second).has("Kopplingen är godkänd"));
}

BOOST_AUTO_TEST_SUITE_END()
