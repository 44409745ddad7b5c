#include "web/server.hpp"

#include "config/settings.hpp"
#include "web/app.hpp"
#include "web/http_front.hpp"
#include "web/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace web {

struct Server::Impl {
    Impl(ServerOptions o, const core::Clock& c, const core::Rules& r, std::ostream* log, std::function<void()> mq)
        : app(std::move(o), c, r, log, std::move(mq)) {}
    App app;
    std::unique_ptr<http::Front> front;
    int port = 0;
    int ops_port = -1;
};

Server::Server(ServerOptions options, const core::Clock& clock, const core::Rules& rules, std::ostream* access_log,
               std::function<void()> mail_queued)
    : m_impl(std::make_unique<Impl>(std::move(options), clock, rules, access_log, std::move(mail_queued))) {}

Server::~Server() { stop(std::chrono::seconds(2)); }

void Server::start() {
    const auto& o = m_impl->app.options;
    // Workers run handlers only (reading and writing is the reactor's), so
    // they wait on the store and on PBKDF2, not on clients: a few per core.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    http::FrontOptions f;
    f.workers = o.threads > 0 ? o.threads : std::max(8, 4 * cores);
    f.header_timeout = std::chrono::seconds(o.header_timeout_seconds);
    f.body_timeout = std::chrono::seconds(o.body_timeout_seconds);
    f.max_connections = o.max_connections;
    f.max_connections_per_client = o.max_connections_per_client;
    f.max_body_bytes = static_cast<std::size_t>(o.max_body_kb) * 1024;
    App& app = m_impl->app;
    m_impl->front = std::make_unique<http::Front>(
        f, [&app](const http::Request& rq, http::Response& rs) { handle_request(app, rq, rs); },
        [&app](int status, const std::string& reason, const std::string& ip, const http::Head* head, int listener) {
            return front_refusal(app, status, reason, ip, head, listener);
        });
    m_impl->port = m_impl->front->listen(o.address, o.port, 0);
    // No base URL given: links follow the listener as bound (issue 17), set
    // before any request can read the options.
    if (o.base_url.empty()) app.options.base_url = config::Settings::listener_url(o.address, m_impl->port);
    if (o.ops_port >= 0) m_impl->ops_port = m_impl->front->listen(o.ops_address, o.ops_port, 1);
    m_impl->front->start();
}

int Server::port() const { return m_impl->port; }

const std::string& Server::base_url() const { return m_impl->app.options.base_url; }

int Server::ops_port() const { return m_impl->ops_port; }

void Server::stop(std::chrono::milliseconds grace) {
    if (!m_impl->front) return;
    m_impl->front->stop(grace);
    m_impl->front.reset();
}

}  // namespace web
