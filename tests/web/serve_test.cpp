#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "eml.hpp"
#include "test_support.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <regex>

using namespace test_support;

namespace {

std::string read_if_there(const std::filesystem::path& p) {
    return std::filesystem::exists(p) ? read_file(p) : std::string();
}

int count_eml(const std::filesystem::path& dir) {
    int n = 0;
    if (std::filesystem::exists(dir))
        for (auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".eml";
    return n;
}

std::string receive_all(Poco::Net::StreamSocket& s) {
    std::string out;
    char buf[4096];
    for (;;) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        auto head_end = out.find("\r\n\r\n");
        if (head_end != std::string::npos) {
            std::smatch m;
            std::string head = out.substr(0, head_end);
            if (std::regex_search(head, m, std::regex("Content-Length: (\\d+)")) &&
                out.size() >= head_end + 4 + std::stoul(m[1]))
                break;
        }
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serve)

BOOST_AUTO_TEST_CASE(linkage_serve_delivers_mail_and_finishes_a_request_in_flight_on_sigterm) {
    TempDir home;
    const std::string h = (home.path() / "var").string();
    BOOST_REQUIRE(run_linkage({"--home", h, "init"}).exit_code == 0);
    BOOST_REQUIRE(run_linkage({"--home", h, "registry", "import", (source_dir() / "data/sample-registry.json").string()})
                      .exit_code == 0);
    auto tok = run_linkage({"--home", h, "user", "token", "anna.norrsken"});
    BOOST_REQUIRE(tok.exit_code == 0);
    const std::string token = tok.out.substr(0, tok.out.find('\n'));
    BOOST_TEST(token.size() == 43u);
    BOOST_TEST(run_linkage({"--home", h, "user", "token", "nobody"}).exit_code == 6);
    BOOST_TEST(run_linkage({"--home", h, "user", "password", "anna.norrsken"}, "kort\n").exit_code == 6);
    BOOST_TEST(run_linkage({"--home", h, "user", "password", "anna.norrsken"}, "ett-långt-lösenord\n").exit_code == 0);

    ChildProcess server({"/usr/bin/env", "LINKAGE_SERVER_OPS_PORT=0", linkage_bin().string(), "--home", h, "serve", "--port", "0"}, home.path() / "out",
                        home.path() / "err");
    std::smatch m;
    std::string err;
    for (int i = 0; i < 500; ++i) {
        err = read_if_there(home.path() / "err");
        if (std::regex_search(err, m, std::regex("serving on http://127\\.0\\.0\\.1:(\\d+)"))) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_REQUIRE_MESSAGE(!m.empty(), "server did not start: " + err);
    const int port = std::stoi(m[1]);

    // A request whose body is still on its way when SIGTERM arrives.
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    const std::string body = R"({"client": "559456-7892"})";
    const std::string head = "POST /api/v1/linkage-requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                             token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n";
    s.sendBytes(head.data(), static_cast<int>(head.size()));
    s.sendBytes(body.data(), 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_TEST(!server.wait_for(std::chrono::milliseconds(1)));  // still finishing
    s.sendBytes(body.data() + 10, static_cast<int>(body.size() - 10));
    const std::string response = receive_all(s);
    BOOST_TEST(response.rfind("HTTP/1.1 201", 0) == 0u);
    BOOST_TEST(response.find("\"administrators_notified\":2") != std::string::npos);
    s.close();
    BOOST_REQUIRE(server.wait_for(std::chrono::seconds(15)));
    BOOST_TEST(server.wait() == 0);
    BOOST_TEST(read_file(home.path() / "err").find("linkage: stopped") != std::string::npos);
    // No new connections after the stop.
    BOOST_TEST(!port_open(port));
    // The request's mail: the server's sender thread or, if it stopped first,
    // the next `mail send` — never lost.
    auto st = run_linkage({"--home", h, "mail", "status"});
    BOOST_TEST(st.exit_code == 0);
    BOOST_TEST(st.out.find("transport: outbox") != std::string::npos);
    BOOST_TEST(run_linkage({"--home", h, "mail", "send"}).exit_code == 0);
    BOOST_TEST(count_eml(std::filesystem::path(h) / "outbox") == 2);
    auto after = run_linkage({"--home", h, "mail", "status", "--json"});
    BOOST_TEST(after.out.find("\"queued\":0") != std::string::npos);
    BOOST_TEST(after.out.find("\"sent\":2") != std::string::npos);
    // The access log went to stdout, without the token.
    const std::string log = read_file(home.path() / "out");
    BOOST_TEST(log.find("POST /api/v1/linkage-requests 201") != std::string::npos);
    BOOST_TEST(log.find(token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(linkage_serve_refuses_a_bad_port) {
    TempDir home;
    const std::string h = (home.path() / "var").string();
    BOOST_REQUIRE(run_linkage({"--home", h, "init"}).exit_code == 0);
    BOOST_TEST(run_linkage({"--home", h, "serve", "--port", "99999"}).exit_code == 2);
    BOOST_TEST(run_linkage({"serve", "--help"}).out.find("usage: linkage serve") != std::string::npos);
    BOOST_TEST(run_linkage({"mail", "--help"}).out.find("usage: linkage mail") != std::string::npos);
    BOOST_TEST(run_linkage({"user", "--help"}).out.find("usage: linkage user") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
