// Front: the server's HTTP/1.1 connection handling (issue 16, "slow clients
// cannot starve the server"). One reactor thread (epoll) accepts and reads
// every connection non-blocking into its own buffer, with ABSOLUTE deadlines
// for the request head and the body, so a client that trickles a byte every
// few seconds or says nothing holds a few KiB of memory, never a thread.
// Only a COMPLETE request (head parsed strictly by http_wire, body read and
// bounded) is handed to a fixed pool of worker threads that run the handler.
// The worker writes the response non-blocking; what the socket does not take
// at once goes back to the reactor, which finishes it under a write deadline
// (a client that does not read cannot hold a worker either).
//
// Bounds: connections per client address and in total (beyond them a new
// connection is closed at once), requests waiting for a worker (beyond it
// 503 + Retry-After), head size and fields (http_wire), body size (413, read
// and dropped up to a drain cap first so the client sees the answer, not a
// reset). Keep-alive and pipelined requests are answered in order, one at a
// time per connection.
//
// Owns: the listening sockets, the epoll set, every connection and the
// worker threads. Thread-safety: listen() before start(); start() and stop()
// from one thread; the handler and the error responder are called from the
// worker threads and the reactor concurrently and must be thread-safe.
#pragma once

#include "web/http_wire.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace web::http {

struct FrontOptions {
    std::chrono::milliseconds header_timeout{10000};  // accept (or previous answer) → whole head
    std::chrono::milliseconds body_timeout{30000};    // head → whole body
    std::chrono::milliseconds idle_timeout{5000};     // keep-alive: answer → first byte of the next request
    std::chrono::milliseconds write_timeout{30000};   // an answer the client does not read
    int max_connections = 4096;
    int max_connections_per_client = 64;
    int workers = 8;
    int max_queued = 1024;                 // complete requests waiting for a worker
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t drain_cap = 8 << 20;       // a too-large body read and dropped up to this much
    HeadLimits head_limits;
};

// One complete request as the handler sees it.
struct Request {
    Head head;
    std::string body;
    std::string client_ip;
    int listener = 0;  // the tag given to listen()
};

// Produces the response to a complete request (runs on a worker thread).
using Handler = std::function<void(const Request&, Response&)>;
// Produces the front's own refusal (400, 408, 413, 431, 501, 503, 505): the
// status, a short English reason for the log, and what is known of the
// request (may be empty or partial). Runs on the reactor thread.
using ErrorResponder = std::function<Response(int status, const std::string& reason, const std::string& client_ip,
                                              const Head* head, int listener)>;

class Front {
public:
    Front(FrontOptions options, Handler handler, ErrorResponder on_error);
    ~Front();
    Front(const Front&) = delete;
    Front& operator=(const Front&) = delete;

    // Binds and listens (SO_REUSEADDR only: a port in use is refused).
    // Returns the bound port. Throws std::runtime_error when it cannot bind.
    int listen(const std::string& address, int port, int tag);
    // Starts the reactor and the workers.
    void start();
    // Stops accepting, lets requests in flight finish and their answers be
    // written (up to `grace`), then closes everything. Idempotent.
    void stop(std::chrono::milliseconds grace);
    // Open connections (for tests and metrics).
    int connections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace web::http
