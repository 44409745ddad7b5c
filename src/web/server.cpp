#include "web/server.hpp"

#include "web/app.hpp"
#include "web/router.hpp"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace web {

struct Server::Impl {
    Impl(ServerOptions o, const core::Clock& c, const core::Rules& r, std::ostream* log, std::function<void()> mq)
        : app(std::move(o), c, r, log, std::move(mq)) {}
    App app;
    std::unique_ptr<Poco::ThreadPool> pool;
    std::unique_ptr<Poco::Net::HTTPServer> http;
    int port = 0;
};

Server::Server(ServerOptions options, const core::Clock& clock, const core::Rules& rules, std::ostream* access_log,
               std::function<void()> mail_queued)
    : m_impl(std::make_unique<Impl>(std::move(options), clock, rules, access_log, std::move(mail_queued))) {}

Server::~Server() { stop(std::chrono::seconds(2)); }

void Server::start() {
    const auto& o = m_impl->app.options;
    // Poco serves a keep-alive connection on one pool thread until it
    // closes, so a pool of exactly one thread per core would let a few idle
    // browser connections starve everyone else (measured: 16 keep-alive
    // clients on 8 threads gave a p99 of 1.8 s). The CPU work per request is
    // small and threads mostly wait on sockets, so the pool is sized to the
    // machine as 16 per core (at least 32), and a connection is recycled
    // after 200 requests so queued connections get their turn.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = o.threads > 0 ? o.threads : std::max(32, 16 * cores);
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(o.address, static_cast<Poco::UInt16>(o.port)), 128);
        m_impl->port = socket.address().port();
        auto params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(256);
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(5, 0));
        params->setMaxKeepAliveRequests(200);
        params->setTimeout(Poco::Timespan(30, 0));
        params->setServerName("kopplingsdesken");
        m_impl->pool = std::make_unique<Poco::ThreadPool>(2, threads + 1, 60);
        m_impl->http = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(m_impl->app), *m_impl->pool, socket,
                                                               params);
        m_impl->http->start();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot serve on " + o.address + ":" + std::to_string(o.port) + ": " +
                                 e.displayText());
    }
}

int Server::port() const { return m_impl->port; }

void Server::stop(std::chrono::milliseconds grace) {
    if (!m_impl->http) return;
    // Stop accepting; requests in flight run to completion (stopAll(false)),
    // then wait for their connections to close, at most `grace`.
    m_impl->http->stopAll(false);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (m_impl->http->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (m_impl->http->currentConnections() > 0) m_impl->http->stopAll(true);
    m_impl->pool->joinAll();
    m_impl->http.reset();
}

}  // namespace web
