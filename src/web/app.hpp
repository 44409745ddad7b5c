// App: what every request handler shares — options, clock, rules, the
// template renderers, the store connection pool and the access log — and
// Exchange: one request/response in flight. Internal to the web module.
//
// Thread-safety: App is shared by all server threads: its members are
// immutable after construction except the pool, the rate limiter and the
// log, which lock.
// An Exchange belongs to one request on one thread.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "mail/mail_templates.hpp"
#include "store/auth_repo.hpp"
#include "store/connection.hpp"
#include "web/pages.hpp"
#include "web/rate_limiter.hpp"
#include "web/http_front.hpp"
#include "web/server.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace web {

class ConnectionPool {
public:
    explicit ConnectionPool(std::function<std::unique_ptr<store::Connection>()> open) : m_open(std::move(open)) {}
    std::unique_ptr<store::Connection> take();
    void give_back(std::unique_ptr<store::Connection> c);

private:
    std::function<std::unique_ptr<store::Connection>()> m_open;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<store::Connection>> m_idle;
};

// Short-lived values of one signed-in user kept on the server between a
// POST and the GET it redirects to (Post/Redirect/Get, issue 17), under a
// random key in the GET's address: the numbers of a client search (the
// address never holds them: a personal identity number must not reach a
// URL, a proxy log or the browser history), or an error message to show
// after a refused activation or permission change. A key belongs to the
// user who made it and lasts k_ttl.
class UserStash {
public:
    struct Entry {
        store::Id user_id = 0;
        std::string text, extra;  // search: the query and the subscription; flash: the message and the linkage id
        std::chrono::steady_clock::time_point until;
    };
    static constexpr std::chrono::minutes k_ttl{30};
    static constexpr std::size_t k_max_entries = 20000;
    // A new key (old entries are dropped when full).
    std::string put(store::Id user_id, const std::string& text, const std::string& extra);
    // The entry under `key` when it is the user's and not too old.
    std::optional<Entry> get(const std::string& key, store::Id user_id) const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;
};

struct App {
    App(ServerOptions o, const core::Clock& c, const core::Rules& r, std::ostream* log, std::function<void()> mq);
    ServerOptions options;
    const core::Clock& clock;
    const core::Rules& rules;
    mail::MailTemplates mail_templates;
    Pages pages;
    ConnectionPool pool;
    RateLimiter token_limiter;  // per API token / approval link
    UserStash searches;         // the bureau pages' client searches (PRG)
    UserStash flashes;          // error messages shown after a redirect (PRG)
    std::ostream* access_log;
    std::function<void()> mail_queued;
    bool secure_cookies = false;
    // Appends one line to the access log. Lines are flushed by a background
    // thread at most k_log_flush_interval later (and when App ends), not one
    // write(2) per request under the log's lock.
    void log_line(const std::string& line);
    ~App();

private:
    static constexpr std::chrono::milliseconds k_log_flush_interval{200};
    void flush_log_periodically(std::stop_token stop);
    std::mutex m_log_mutex;
    std::condition_variable_any m_log_cv;
    bool m_log_dirty = false;
    std::jthread m_log_flusher;  // joined in ~App, before the members it uses go
};

// The security headers every response carries (Exchange::send and the
// front's own refusals alike): request id, nosniff, no referrer, no store,
// the content security policy, and HSTS when the server is reached by https.
void add_security_headers(const App& app, http::Response& res, const std::string& request_id);

// One request in flight. The front (http_front.hpp) has read the whole
// request, its body bounded by limits.max_body_kb, before a handler runs.
class Exchange {
public:
    Exchange(App& app, const http::Request& req, http::Response& res, std::string request_id);
    ~Exchange();

    App& app;
    const http::Request& req;
    http::Response& res;
    const std::string request_id;
    std::string path;  // decoded path without query
    std::map<std::string, std::string> query;
    int status = 0;             // for the access log
    std::string log_user = "-"; // username once known
    std::string route = "unmatched";  // the route PATTERN (metrics label), never the raw path
    const std::string& method() const { return req.head.method; }
    // True on the ops listener (server.ops_address/ops_port): /healthz and /metrics only.
    bool ops() const { return req.listener == 1; }

    // The store connection leased for this request.
    store::Connection& db();
    // Request body as form fields (application/x-www-form-urlencoded).
    // Never nullopt any more (the front answers 413 before a handler runs);
    // the optional stays for the handlers' sake.
    std::optional<std::map<std::string, std::string>> form();
    // Raw body (empty when the request had none).
    std::optional<std::string> body();
    std::string cookie(const std::string& name) const;
    std::string header(const std::string& name) const;
    // The peer's IP address as text ("127.0.0.1", "::1"): the key of the
    // per-address limits (sign-in, connections).
    std::string client_ip() const;

    void send(int status, const std::string& content_type, const std::string& body);
    void send_html(int status, const std::string& html);
    void send_json(int status, const std::string& json);
    void redirect(const std::string& location);  // 303 See Other
    void set_cookie(const std::string& name, const std::string& value, const std::string& path, int max_age_seconds);
    bool sent() const { return m_sent; }

private:
    std::unique_ptr<store::Connection> m_db;
    bool m_sent = false;
};

std::map<std::string, std::string> parse_urlencoded(const std::string& text);

}  // namespace web
