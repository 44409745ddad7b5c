// Server: the bundled web endpoint of the digital path (SPEC §5, issue 6) —
// a JSON API for scripts and Swedish HTML pages for people, plus /healthz and
// /metrics on a separate ops listener. Handlers are thin: parse, call
// digital::Desk, map the outcome to a status and a page. Routes: see
// router.cpp (and README.md).
//
// Threads (issue 16): our own HTTP/1.1 front (http_front.hpp) reads every
// connection on one reactor thread with absolute deadlines and hands only
// complete requests to a fixed pool of worker threads, so slow or silent
// clients cannot hold a thread. Every request leases its own
// store::Connection from a pool, so no SQLite connection is ever used by two
// threads at once. stop() stops accepting, lets requests in flight finish (up
// to a grace period) and returns.
//
// Errors: every request is caught at its boundary (router.cpp): a bug or a
// broken store becomes 500 with a request id, never a stack trace.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "digital/search_quota.hpp"
#include "obs/health.hpp"
#include "validate/validate.hpp"
#include "store/connection.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace web {

struct ServerOptions {
    std::string address = "127.0.0.1";
    int port = 8080;  // 0: any free port (see Server::port())
    int threads = 0;  // worker threads; 0: 4 per core, at least 8 (see server.cpp)
    // The ops listener (/healthz, /metrics): address and port; port 0 any
    // free port (see Server::ops_port()), -1 none (those paths are then not served).
    std::string ops_address = "127.0.0.1";
    int ops_port = -1;
    // The front's bounds (issue 16): whole request head within
    // header_timeout_seconds of the connection (or of the previous answer),
    // whole body within body_timeout_seconds of the head; connections per
    // client address and in total.
    int header_timeout_seconds = 10;
    int body_timeout_seconds = 30;
    int max_connections_per_client = 64;
    int max_connections = 4096;
    // Links in mails; https → cookies get Secure. Empty: the listener's
    // address as bound (config::Settings::listener_url), see base_url().
    std::string base_url;
    std::filesystem::path share_dir;                 // holds templates/web, templates/mail
    int valid_days = 7;                              // approval links
    int max_body_kb = 64;                            // request bodies beyond this get 413
    // Requests per minute per API token, and per approval link for its
    // POSTs (web::RateLimiter); beyond it 429 with Retry-After. 0: no limit.
    int requests_per_token_per_minute = 1200;
    // The state directory: the review pages read crops and page images
    // only through review::DocumentView, which names files under it.
    std::filesystem::path home;
    std::filesystem::path reports;  // paths.reports, for the task page; empty: home/reports
    validate::Thresholds review_thresholds;  // the pipeline's, for re-validating corrections
    // GET /healthz: these targets (obs::check_health); unset: only the
    // store, through the request's own connection.
    std::optional<obs::HealthTargets> health;
    // Opens a new connection to the store (called once per pooled connection).
    std::function<std::unique_ptr<store::Connection>()> open_store;
    // Issue 16 (digital::DeskOptions): client searches per user per day (0:
    // none), days before a pair may be asked again after a decline or
    // revocation, approval mails per recipient per week (0: no cap).
    int searches_per_user_per_day = 200;
    int request_cooldown_days = 7;
    int approval_mails_per_recipient_per_week = 3;
    // The search counters, shared by every request of the server (copies of
    // these options share them).
    std::shared_ptr<digital::SearchQuota> search_quota = std::make_shared<digital::SearchQuota>();
    // Sign-in limits of /login and /review/login (issue 16, store::SigninThrottle):
    // per account as typed and per client address, this many failures within
    // the window are free; then 1, 2, 4 … s of delay (429 + Retry-After), at most the cap.
    int signin_failures = 5;
    int signin_window_seconds = 60;
    int signin_max_delay_seconds = 900;
    // A bureau or staff session unused this long ends (besides its absolute lifetime).
    int session_idle_minutes = 30;
};

class Server {
public:
    // `access_log`: one line per request (no secrets; personal numbers
    // masked), flushed within 200 ms and when the server ends; may be null. `mail_queued`: called after a request queued
    // mail (wakes the sender); may be empty. Throws std::runtime_error when
    // templates are missing (broken installation).
    Server(ServerOptions options, const core::Clock& clock, const core::Rules& rules, std::ostream* access_log,
           std::function<void()> mail_queued);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts serving. Throws std::runtime_error when an address
    // cannot be bound (port in use: no SO_REUSEPORT sharing).
    void start();
    // The bound port (after start()).
    int port() const;
    // The base of the links in mails (after start(): the listener's when
    // ServerOptions::base_url was empty).
    const std::string& base_url() const;
    // The ops listener's bound port (after start()), -1 when there is none.
    int ops_port() const;
    // Stops accepting, waits up to `grace` for requests in flight, returns.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace web
