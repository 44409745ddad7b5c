// `linkage serve`: the bundled web endpoint (web::Server) plus its mail
// sender thread (mail::SenderThread, which also runs the expiry sweep).
// SIGTERM/SIGINT stop it gracefully: no new connections, requests in flight
// finish, the sender finishes its pass.
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "digital/desk.hpp"
#include "mail/sender.hpp"
#include "obs/health.hpp"
#include "store/store.hpp"
#include "web/server.hpp"

#include <chrono>
#include <mutex>
#include <csignal>
#include <optional>
#include <iostream>
#include <pthread.h>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cli {

namespace {

// True when binding address:port fails because it is in use (the front binds
// the same way: SO_REUSEADDR only, which never shares a listening port).
bool port_in_use(const std::string& address, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (getaddrinfo(address.empty() ? nullptr : address.c_str(), std::to_string(port).c_str(), &hints, &res) != 0)
        return false;  // the front reports the bad address itself
    const int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool in_use = false;
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        in_use = ::bind(fd, res->ai_addr, res->ai_addrlen) != 0 && errno == EADDRINUSE;
        ::close(fd);
    }
    freeaddrinfo(res);
    return in_use;
}

}  // namespace

int cmd_serve(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"port", "address"}, {});
    const auto& s = ctx.settings();
    web::ServerOptions o;
    o.address = args.value("address").value_or(s.get("server.address"));
    o.port = s.get_int("server.port");
    if (auto p = args.value("port")) {
        try {
            std::size_t used = 0;
            o.port = std::stoi(*p, &used);
            if (used != p->size() || o.port < 0 || o.port > 65535) throw std::out_of_range("");
        } catch (const std::exception&) {
            throw UsageError("--port " + *p + ": give a port number from 0 to 65535");
        }
    }
    o.threads = s.get_int("server.threads");
    o.ops_address = s.get("server.ops_address");
    o.ops_port = s.get_int("server.ops_port");
    o.header_timeout_seconds = s.get_int("server.header_timeout_seconds");
    o.body_timeout_seconds = s.get_int("server.body_timeout_seconds");
    o.max_connections_per_client = s.get_int("server.max_connections_per_client");
    o.max_connections = s.get_int("server.max_connections");
    o.base_url = s.get("server.base_url");
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    o.share_dir = ctx.share_dir();
    o.valid_days = s.get_int("tokens.valid_days");
    o.max_body_kb = s.get_int("limits.max_body_kb");
    o.requests_per_token_per_minute = s.get_int("limits.requests_per_token_per_minute");
    o.searches_per_user_per_day = s.get_int("limits.searches_per_user_per_day");
    o.request_cooldown_days = s.get_int("limits.request_cooldown_days");
    o.approval_mails_per_recipient_per_week = s.get_int("limits.approval_mails_per_recipient_per_week");
    const store::StoreConfig cfg = ctx.store_config();  // never creates; checks this home's store identity
    o.open_store = [cfg] { return store::open_store(cfg); };
    o.home = ctx.home();
    o.reports = s.get_path("paths.reports");
    o.review_thresholds.min_confidence = s.get_double("thresholds.min_confidence");
    o.review_thresholds.min_confidence_checked = s.get_double("thresholds.min_confidence_checked");
    o.review_thresholds.min_confidence_confirmed = s.get_double("thresholds.min_confidence_confirmed");
    o.review_thresholds.max_form_age_days = s.get_int("thresholds.max_form_age_days");
    o.health = obs::health_targets(s);
    o.signin_failures = s.get_int("limits.signin_failures");
    o.signin_window_seconds = s.get_int("limits.signin_window_seconds");
    o.signin_max_delay_seconds = s.get_int("limits.signin_max_delay_seconds");
    o.session_idle_minutes = s.get_int("server.session_idle_minutes");
    ctx.store();  // opens and migrates once, before any thread starts
    const core::Rules& rules = ctx.rules();
    mail::MailTemplates templates(o.share_dir / "templates" / "mail");

    // Block the stop signals in every thread; this one waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    // The links of the sweep's mails (the bureaus' notices) follow the
    // listener once it is bound, like the server's own (issue 17).
    std::mutex base_mutex;
    std::string link_base = o.base_url;
    digital::DeskOptions desk_options{o.valid_days, o.base_url};
    // The expiry sweep reads every requested linkage (tens of ms in a large
    // store): once a minute, not before every sender pass, which each new
    // request wakes. A link's own page expires its request on the spot.
    std::optional<std::chrono::steady_clock::time_point> last_sweep;
    auto sweep = [&](store::Connection& c) {
        const auto now = std::chrono::steady_clock::now();
        if (last_sweep && now - *last_sweep < std::chrono::minutes(1)) return;
        last_sweep = now;
        digital::DeskOptions d = desk_options;
        {
            std::lock_guard lock(base_mutex);
            d.base_url = link_base;
        }
        digital::Desk(c, ctx.clock(), rules, templates, d).expire_due();
    };
    // A port another process listens on is refused (no SO_REUSEPORT sharing:
    // two servers, perhaps of two homes, would split the requests).
    for (auto [address, port] : {std::pair{o.address, o.port}, std::pair{o.ops_address, o.ops_port}})
        if (port > 0 && port_in_use(address, port)) {
            ctx.err << "linkage: port " << port << " on " << address
                    << " is already in use (another serve?): stop that process or choose another port (--port, "
                       "server.port, server.ops_port)\n";
            return k_exit_store;
        }
    mail::SenderThread sender(
        o.open_store, mail::transport_from_settings(s), ctx.clock(), mail::parse_mailbox(s.get("smtp.from")),
        std::chrono::seconds(2), sweep,
        [&](const std::string& line) { ctx.err << "linkage: " << line << std::endl; });
    web::Server server(o, ctx.clock(), rules, &ctx.out, [&sender] { sender.wake(); });
    server.start();  // a port in use throws core::Error of kind store: exit 5
    {
        std::lock_guard lock(base_mutex);
        link_base = server.base_url();
    }
    ctx.err << "linkage: serving on http://" << o.address << ":" << server.port() << " (mail: "
            << mail::transport_from_settings(s)->describe() << "); SIGTERM or Ctrl-C stops" << std::endl;
    ctx.err << "linkage: links in mails start with " << server.base_url()
            << (o.base_url.empty() ? " (the listener's address; server.base_url is not set)" : " (server.base_url)")
            << std::endl;
    for (auto& w : s.base_url_warnings(server.port(), o.address)) ctx.err << "linkage: warning: " << w << std::endl;
    if (server.ops_port() >= 0)
        ctx.err << "linkage: /healthz and /metrics on http://" << o.ops_address << ":" << server.ops_port() << std::endl;
    else
        ctx.err << "linkage: no ops listener (server.ops_port = -1): /healthz and /metrics are not served" << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    ctx.err << "linkage: stopping (finishing requests in flight)" << std::endl;
    server.stop(std::chrono::seconds(10));
    sender.stop();
    ctx.err << "linkage: stopped" << std::endl;
    return k_exit_ok;
}

}  // namespace cli
