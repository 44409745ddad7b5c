// WebFixture: a DigitalFixture plus a running web::Server on a free
// loopback port (its clock the fixture's ManualClock), an outbox, and a
// small HTTP client with a cookie jar. Header-only, for tests/web.
#pragma once

#include "child_process.hpp"
#include "digital_fixture.hpp"
#include "eml.hpp"
#include "mail/sender.hpp"
#include "web/server.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>

namespace test_support {

struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
    std::vector<std::string> set_cookie;  // raw Set-Cookie values
    bool has(const std::string& text) const { return body.find(text) != std::string::npos; }
};

class HttpClient {
public:
    explicit HttpClient(int port) : m_port(port) {}
    std::map<std::string, std::string> cookies;
    std::string bearer;

    HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::string& content_type = {}) {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(m_port));
        s.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!cookies.empty()) {
            Poco::Net::NameValueCollection nv;
            for (auto& [k, v] : cookies) nv.add(k, v);
            req.setCookies(nv);
        }
        if (!bearer.empty()) req.set("Authorization", "Bearer " + bearer);
        if (!content_type.empty()) req.setContentType(content_type);
        if (method == "POST" || !body.empty()) req.setContentLength(static_cast<std::streamsize>(body.size()));
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::istream& in = s.receiveResponse(res);
        HttpResult r;
        r.status = res.getStatus();
        Poco::StreamCopier::copyToString(in, r.body);
        for (auto& [k, v] : res) {
            r.headers[k] = v;
            if (Poco::icompare(k, "Set-Cookie") == 0) r.set_cookie.push_back(v);
        }
        std::vector<Poco::Net::HTTPCookie> got;
        res.getCookies(got);
        for (auto& c : got) {
            if (c.getMaxAge() == 0) cookies.erase(c.getName());
            else cookies[c.getName()] = c.getValue();
        }
        return r;
    }
    HttpResult get(const std::string& target) { return request("GET", target); }
    HttpResult post_form(const std::string& target, const std::map<std::string, std::string>& fields) {
        std::string body;
        for (auto& [k, v] : fields) {
            std::string ek, ev;
            Poco::URI::encode(k, "!#$&'()*+,/:;=?@[]", ek);
            Poco::URI::encode(v, "!#$&'()*+,/:;=?@[]", ev);
            body += (body.empty() ? "" : "&") + ek + "=" + ev;
        }
        return request("POST", target, body, "application/x-www-form-urlencoded");
    }
    HttpResult post_json(const std::string& target, const std::string& json) {
        return request("POST", target, json, "application/json");
    }

private:
    int m_port;
};

// The value of a hidden form field in a page ("" when absent).
inline std::string hidden_field(const std::string& html, const std::string& name) {
    auto at = html.find("name=\"" + name + "\" value=\"");
    if (at == std::string::npos) return {};
    at += name.size() + 15;
    return html.substr(at, html.find('"', at) - at);
}

// The path of an approval link ("/approve/TOKEN").
inline std::string path_of(const std::string& link) { return link.substr(link.find("/approve/")); }

class WebFixture : public DigitalFixture {
public:
    // `adjust` may change the server's options (limits) before it starts.
    explicit WebFixture(const std::function<void(web::ServerOptions&)>& adjust = {})
        : port(free_port()), base_url("http://127.0.0.1:" + std::to_string(port)) {
        web::ServerOptions o;
        o.port = port;
        o.base_url = base_url;
        o.share_dir = source_dir();
        o.max_body_kb = 4;
        o.ops_port = 0;  // the ops listener (/healthz, /metrics) on a free port: see ops_client()
        const auto dir = home.path();
        o.open_store = [dir] { return open_test_store(dir); };
        if (adjust) adjust(o);
        server = std::make_unique<web::Server>(o, clock, rules, &access_log, nullptr);
        server->start();
        ops_port = server->ops_port();
    }
    ~WebFixture() { stop(); }
    void stop() {
        if (server) server->stop(std::chrono::seconds(5));
        server.reset();
    }
    // One sender pass into the outbox; returns the messages written so far.
    std::vector<Received> deliver() {
        mail::OutboxTransport t(home.path() / "outbox");
        mail::send_due(*db, t, clock, {"Kopplingsdesken", "noreply@example.se"});
        return received(home.path() / "outbox");
    }
    HttpClient client() { return HttpClient(port); }
    // A client of the ops listener (/healthz, /metrics).
    HttpClient ops_client() { return HttpClient(ops_port); }
    HttpClient api_client(const std::string& username) {
        HttpClient c(port);
        c.bearer = api_token(username);
        return c;
    }
    // A signed-in browser-like client.
    HttpClient signed_in(const std::string& username) {
        set_password(username, "lösenord-för-" + username);
        HttpClient c(port);
        auto page = c.get("/login");
        auto r = c.post_form("/login", {{"username", username},
                                        {"password", "lösenord-för-" + username},
                                        {"csrf", hidden_field(page.body, "csrf")}});
        if (r.status != 303) throw std::runtime_error("sign-in failed: " + std::to_string(r.status));
        return c;
    }

    int port;
    int ops_port = -1;
    std::string base_url;
    std::ostringstream access_log;
    std::unique_ptr<web::Server> server;
};

}  // namespace test_support
