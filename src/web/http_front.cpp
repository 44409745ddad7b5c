// The POSIX side of the server (sockets, epoll, eventfd) lives in this file
// only. See http_front.hpp for the model.
#include "web/http_front.hpp"
#include "core/error.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace web::http {

namespace {

using SteadyClock = std::chrono::steady_clock;

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            m_fd = o.m_fd;
            o.m_fd = -1;
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

std::string peer_ip(const sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
    } else if (ss.ss_family == AF_INET6) {
        const auto& a6 = reinterpret_cast<const sockaddr_in6&>(ss);
        if (IN6_IS_ADDR_V4MAPPED(&a6.sin6_addr)) {
            in_addr v4;
            std::memcpy(&v4, a6.sin6_addr.s6_addr + 12, 4);
            inet_ntop(AF_INET, &v4, buf, sizeof buf);
        } else {
            inet_ntop(AF_INET6, &a6.sin6_addr, buf, sizeof buf);
        }
    }
    return buf;
}

enum class Phase { head, body, worker, writing, lingering };

struct Conn {
    Fd fd;
    std::string ip;
    int listener = 0;
    Phase phase = Phase::head;
    bool first = true;          // no request answered yet on this connection
    SteadyClock::time_point deadline;
    SteadyClock::time_point idle_deadline;  // keep-alive: no byte of the next request by then → close
    std::string in;             // bytes read, not yet consumed
    std::size_t scanned = 0;    // bytes of `in` scan_head found no end of head in
    Head head;
    std::string body;
    bool draining = false;      // body over the limit: read and dropped, then 413
    std::uint64_t body_left = 0;
    ChunkedDecoder chunked;
    std::string out;            // answer bytes not yet written
    std::size_t out_off = 0;
    bool close_after = false;
    bool registered = false;    // in the epoll set
    std::uint32_t events = 0;   // what it is registered for
};

// What a worker hands back to the reactor.
struct Returned {
    Conn* conn;
    bool failed;  // the socket broke while writing
};

}  // namespace

struct Front::Impl {
    FrontOptions o;
    Handler handler;
    ErrorResponder on_error;
    Fd epoll;
    Fd wake;
    struct Listener {
        Fd fd;
        int tag;
    };
    std::vector<Listener> listeners;
    std::unordered_map<int, std::unique_ptr<Conn>> conns;  // reactor only
    std::map<std::string, int> per_ip;                      // reactor only
    std::atomic<int> open{0};
    SteadyClock::time_point accept_paused_until{};

    std::mutex jobs_mutex;
    std::condition_variable jobs_cv;
    std::deque<Conn*> jobs;
    bool workers_stop = false;
    std::mutex returned_mutex;
    std::vector<Returned> returned;

    std::atomic<bool> stopping{false};
    std::chrono::milliseconds grace{0};
    std::thread reactor;
    std::vector<std::thread> workers;
    bool started = false, stopped = false;

    Impl(FrontOptions opts, Handler h, ErrorResponder e)
        : o(std::move(opts)), handler(std::move(h)), on_error(std::move(e)) {
        epoll = Fd(epoll_create1(EPOLL_CLOEXEC));
        wake = Fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        if (epoll.get() < 0 || wake.get() < 0) throw core::InternalError(std::string("epoll/eventfd: ") + std::strerror(errno));
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = wake.get();
        epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev);
    }

    // --- epoll bookkeeping -------------------------------------------------
    void watch(Conn& c, std::uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = c.fd.get();
        if (!c.registered) {
            epoll_ctl(epoll.get(), EPOLL_CTL_ADD, c.fd.get(), &ev);
            c.registered = true;
        } else if (c.events != events) {
            epoll_ctl(epoll.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
        }
        c.events = events;
    }
    void unwatch(Conn& c) {
        if (c.registered) epoll_ctl(epoll.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
        c.registered = false;
        c.events = 0;
    }
    void close_conn(Conn& c) {
        unwatch(c);
        auto it = per_ip.find(c.ip);
        if (it != per_ip.end() && --it->second <= 0) per_ip.erase(it);
        --open;
        conns.erase(c.fd.get());  // destroys c (and closes its fd)
    }

    // --- accepting ---------------------------------------------------------
    void accept_all(const Listener& l) {
        for (;;) {
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            int fd = accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    // Out of descriptors: stop accepting for a moment instead
                    // of spinning on a listener that stays readable.
                    accept_paused_until = SteadyClock::now() + std::chrono::milliseconds(100);
                    for (auto& x : listeners) epoll_ctl(epoll.get(), EPOLL_CTL_DEL, x.fd.get(), nullptr);
                }
                return;
            }
            Fd owned(fd);
            std::string ip = peer_ip(ss);
            if (stopping || open >= o.max_connections || per_ip[ip] >= o.max_connections_per_client) {
                if (per_ip[ip] == 0) per_ip.erase(ip);
                continue;  // closed at once: over a bound
            }
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto c = std::make_unique<Conn>();
            c->fd = std::move(owned);
            c->ip = ip;
            c->listener = l.tag;
            c->deadline = SteadyClock::now() + o.header_timeout;
            c->idle_deadline = c->deadline;
            ++per_ip[ip];
            ++open;
            Conn& ref = *c;
            conns.emplace(fd, std::move(c));
            watch(ref, EPOLLIN | EPOLLRDHUP);
        }
    }

    void resume_accepting() {
        for (auto& l : listeners) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = l.fd.get();
            epoll_ctl(epoll.get(), EPOLL_CTL_ADD, l.fd.get(), &ev);
        }
        accept_paused_until = {};
    }

    // --- answering from the reactor ---------------------------------------
    // The front's own refusal: written, then the connection is closed.
    void refuse(Conn& c, int status, const std::string& reason) {
        Response r = on_error(status, reason, c.ip, c.phase == Phase::head ? nullptr : &c.head, c.listener);
        r.close = true;
        const bool head_only = c.phase != Phase::head && c.head.method == "HEAD";
        c.out = serialize(r, head_only, http_date_now());
        c.out_off = 0;
        c.close_after = true;
        start_writing(c);
    }

    void start_writing(Conn& c) {
        c.phase = Phase::writing;
        c.deadline = SteadyClock::now() + o.write_timeout;
        flush(c);
    }

    // Writes what the socket takes; on completion either closes (lingering)
    // or goes on with the next request.
    void flush(Conn& c) {
        while (c.out_off < c.out.size()) {
            ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
            if (n > 0) {
                c.out_off += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                watch(c, EPOLLOUT | EPOLLRDHUP);
                return;
            }
            return close_conn(c);
        }
        answered(c);
    }

    // The answer is out: linger and close, or read the next request.
    void answered(Conn& c) {
        c.out.clear();
        c.out_off = 0;
        if (c.close_after || stopping) {
            // Close our side only, then read and drop what the client still
            // sends for a moment: closing with unread bytes would reset the
            // connection and could destroy the answer before it is read.
            ::shutdown(c.fd.get(), SHUT_WR);
            c.phase = Phase::lingering;
            c.deadline = SteadyClock::now() + std::chrono::seconds(2);
            watch(c, EPOLLIN | EPOLLRDHUP);
            return;
        }
        c.phase = Phase::head;
        c.first = false;
        c.head = Head{};
        c.body.clear();
        c.draining = false;
        c.chunked = ChunkedDecoder{};
        const auto now = SteadyClock::now();
        c.deadline = now + o.header_timeout;
        c.idle_deadline = now + o.idle_timeout;
        watch(c, EPOLLIN | EPOLLRDHUP);
        advance(c);  // a pipelined request may be buffered already
    }

    // --- reading ------------------------------------------------------------
    void readable(Conn& c) {
        char buf[16384];
        for (;;) {
            ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
            if (n > 0) {
                if (c.phase == Phase::lingering) continue;
                c.in.append(buf, static_cast<std::size_t>(n));
                advance(c);
                if (!conns.count(c.fd.get()) || c.phase == Phase::worker || c.phase == Phase::writing) return;
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            // End of stream or error.
            return close_conn(c);
        }
    }

    // Consumes buffered bytes: head → body → hand to a worker.
    void advance(Conn& c) {
        if (c.phase == Phase::head) {
            if (c.in.empty()) return;
            const HeadScan scan = scan_head(c.in, o.head_limits, c.scanned);
            if (scan.state == HeadScan::State::incomplete) {
                c.scanned = c.in.size();
                return;
            }
            c.scanned = 0;
            if (scan.state == HeadScan::State::error) return refuse(c, scan.error.status, scan.error.reason);
            HeadResult parsed = parse_head(std::string_view(c.in).substr(scan.skip, scan.end - scan.skip), o.head_limits);
            c.in.erase(0, scan.end);
            if (!parsed.head) return refuse(c, parsed.error.status, parsed.error.reason);
            c.head = std::move(*parsed.head);
            c.body.clear();
            c.draining = false;
            c.phase = Phase::body;
            c.deadline = SteadyClock::now() + o.body_timeout;
            if (c.head.body == Head::Body::length) {
                c.body_left = c.head.content_length;
                if (c.head.content_length > o.max_body_bytes) {
                    // Too large: read and dropped (within the drain cap), so
                    // the 413 reaches the client; beyond the cap, at once.
                    if (c.head.expect_continue || c.head.content_length > o.max_body_bytes + o.drain_cap)
                        return refuse(c, 413, "body over the limit");
                    c.draining = true;
                } else {
                    c.body.reserve(static_cast<std::size_t>(c.head.content_length));
                }
            }
            if (c.head.expect_continue) {
                static const char k_continue[] = "HTTP/1.1 100 Continue\r\n\r\n";
                (void)::send(c.fd.get(), k_continue, sizeof k_continue - 1, MSG_NOSIGNAL);
            }
        }
        if (c.phase == Phase::body) {
            bool complete = false;
            if (c.head.body == Head::Body::none) {
                complete = true;
            } else if (c.head.body == Head::Body::length) {
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_left, c.in.size()));
                if (!c.draining) c.body.append(c.in, 0, n);
                c.in.erase(0, n);
                c.body_left -= n;
                complete = c.body_left == 0;
            } else {
                std::size_t used = 0;
                auto st = c.chunked.feed(c.in, used, c.draining ? nullptr : &c.body);
                c.in.erase(0, used);
                if (st == ChunkedDecoder::State::error) return refuse(c, 400, "malformed chunked body");
                if (!c.draining && c.body.size() > o.max_body_bytes) {
                    c.draining = true;
                    c.body.clear();
                    c.body.shrink_to_fit();
                }
                if (c.chunked.data_bytes() > o.max_body_bytes + o.drain_cap) return refuse(c, 413, "body over the limit");
                complete = st == ChunkedDecoder::State::done;
            }
            if (!complete) return;
            if (c.draining) return refuse(c, 413, "body over the limit");
            dispatch(c);
        }
    }

    void dispatch(Conn& c) {
        {
            std::lock_guard lock(jobs_mutex);
            if (static_cast<int>(jobs.size()) >= o.max_queued) {
                // Every worker is busy and the queue is full: say so now.
                return refuse_busy(c);
            }
            unwatch(c);
            c.phase = Phase::worker;
            jobs.push_back(&c);
        }
        jobs_cv.notify_one();
    }

    void refuse_busy(Conn& c) {
        Response r = on_error(503, "all workers busy", c.ip, &c.head, c.listener);
        r.set("Retry-After", "1");
        r.close = true;
        c.out = serialize(r, c.head.method == "HEAD", http_date_now());
        c.out_off = 0;
        c.close_after = true;
        start_writing(c);
    }

    // --- deadlines -------------------------------------------------------------
    void check_deadlines(SteadyClock::time_point now) {
        std::vector<Conn*> due;
        for (auto& [fd, c] : conns) {
            if (c->phase == Phase::worker) continue;
            if (now >= c->deadline) due.push_back(c.get());
            else if (c->phase == Phase::head && !c->first && c->in.empty() && now >= c->idle_deadline)
                due.push_back(c.get());
        }
        for (Conn* c : due) {
            if (c->phase == Phase::head && (c->in.empty() && !c->first)) {
                close_conn(*c);  // an idle keep-alive connection: closed quietly
            } else if (c->phase == Phase::head || c->phase == Phase::body) {
                refuse(*c, 408, c->phase == Phase::head ? "request head not complete in time" : "request body not complete in time");
            } else {
                close_conn(*c);  // writing or lingering past its deadline
            }
        }
    }

    // --- workers ---------------------------------------------------------------
    void work() {
        for (;;) {
            Conn* c = nullptr;
            {
                std::unique_lock lock(jobs_mutex);
                jobs_cv.wait(lock, [&] { return workers_stop || !jobs.empty(); });
                if (jobs.empty()) return;
                c = jobs.front();
                jobs.pop_front();
            }
            Request req{std::move(c->head), std::move(c->body), c->ip, c->listener};
            Response res;
            try {
                handler(req, res);
            } catch (...) {
                res = Response{};
                res.status = 500;
                res.close = true;
            }
            c->head = std::move(req.head);
            c->close_after = res.close || !c->head.keep_alive || stopping;
            res.close = c->close_after;
            c->out = serialize(res, c->head.method == "HEAD", http_date_now());
            c->out_off = 0;
            bool failed = false;
            while (c->out_off < c->out.size()) {
                ssize_t n = ::send(c->fd.get(), c->out.data() + c->out_off, c->out.size() - c->out_off, MSG_NOSIGNAL);
                if (n > 0) {
                    c->out_off += static_cast<std::size_t>(n);
                    continue;
                }
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // the reactor finishes it
                failed = true;
                break;
            }
            {
                std::lock_guard lock(returned_mutex);
                returned.push_back({c, failed});
            }
            const std::uint64_t one = 1;
            (void)::write(wake.get(), &one, sizeof one);
        }
    }

    void take_returned() {
        std::uint64_t v;
        while (::read(wake.get(), &v, sizeof v) > 0) {
        }
        std::vector<Returned> back;
        {
            std::lock_guard lock(returned_mutex);
            back.swap(returned);
        }
        for (auto& r : back) {
            Conn& c = *r.conn;
            if (r.failed) {
                close_conn(c);
                continue;
            }
            c.phase = Phase::writing;
            c.deadline = SteadyClock::now() + o.write_timeout;
            if (c.out_off < c.out.size()) watch(c, EPOLLOUT | EPOLLRDHUP);
            else answered(c);
        }
    }

    // --- the loop -----------------------------------------------------------------
    void run() {
        std::vector<epoll_event> events(256);
        SteadyClock::time_point stop_deadline{};
        bool closed_listeners = false;
        auto last_check = SteadyClock::now();
        for (;;) {
            if (stopping && !closed_listeners) {
                for (auto& l : listeners) epoll_ctl(epoll.get(), EPOLL_CTL_DEL, l.fd.get(), nullptr);
                listeners.clear();
                closed_listeners = true;
                stop_deadline = SteadyClock::now() + grace;
                // Connections waiting for a request are not in flight; one
                // whose request has begun to arrive is, and may finish.
                std::vector<Conn*> idle;
                for (auto& [fd, c] : conns)
                    if ((c->phase == Phase::head && c->in.empty()) || c->phase == Phase::lingering) idle.push_back(c.get());
                for (Conn* c : idle) close_conn(*c);
            }
            if (closed_listeners) {
                bool busy = false;
                {
                    std::lock_guard lock(jobs_mutex);
                    busy = !jobs.empty();
                }
                if (conns.empty() && !busy) return;
                if (SteadyClock::now() >= stop_deadline) {
                    // Past the grace period: close what is not with a worker.
                    std::vector<Conn*> rest;
                    for (auto& [fd, c] : conns)
                        if (c->phase != Phase::worker) rest.push_back(c.get());
                    for (Conn* c : rest) close_conn(*c);
                    bool any_worker = false;
                    for (auto& [fd, c] : conns) any_worker = any_worker || c->phase == Phase::worker;
                    if (!any_worker) return;
                }
            }
            int n = epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), 100);
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                const std::uint32_t ev = events[static_cast<std::size_t>(i)].events;
                if (fd == wake.get()) {
                    take_returned();
                    continue;
                }
                bool is_listener = false;
                for (auto& l : listeners)
                    if (l.fd.get() == fd) {
                        is_listener = true;
                        accept_all(l);
                        break;
                    }
                if (is_listener) continue;
                auto it = conns.find(fd);
                if (it == conns.end()) continue;
                Conn& c = *it->second;
                if (c.phase == Phase::worker) continue;
                if (c.phase == Phase::writing) {
                    if (ev & (EPOLLERR | EPOLLHUP)) {
                        close_conn(c);
                        continue;
                    }
                    if (ev & EPOLLOUT) flush(c);
                    continue;
                }
                if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable(c);
            }
            const auto now = SteadyClock::now();
            if (accept_paused_until != SteadyClock::time_point{} && now >= accept_paused_until && !stopping)
                resume_accepting();
            if (now - last_check >= std::chrono::milliseconds(100)) {
                check_deadlines(now);
                last_check = now;
            }
        }
    }
};

Front::Front(FrontOptions options, Handler handler, ErrorResponder on_error)
    : m_impl(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(on_error))) {}

Front::~Front() { stop(std::chrono::seconds(2)); }

int Front::listen(const std::string& address, int port, int tag) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string where = address + ":" + std::to_string(port);
    const std::string service = std::to_string(port);
    if (int rc = getaddrinfo(address.empty() ? nullptr : address.c_str(), service.c_str(), &hints, &res); rc != 0)
        throw core::Error(core::ErrorKind::store, "cannot serve on " + where + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(res, &freeaddrinfo);
    Fd fd(::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw core::Error(core::ErrorKind::store, "cannot serve on " + where + ": " + std::strerror(errno));
    int one = 1;
    // SO_REUSEADDR lets a restart bind past TIME_WAIT; it does not let two
    // servers share a port (that would be SO_REUSEPORT, never set).
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), res->ai_addr, res->ai_addrlen) != 0)
        throw core::Error(core::ErrorKind::store, "cannot serve on " + where + ": " + std::strerror(errno) +
                                 (errno == EADDRINUSE ? " (another program holds the port: stop it or choose another)" : ""));
    if (::listen(fd.get(), 128) != 0) throw core::Error(core::ErrorKind::store, "cannot serve on " + where + ": " + std::strerror(errno));
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len);
    const int bound = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port)
                                               : ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd.get();
    epoll_ctl(m_impl->epoll.get(), EPOLL_CTL_ADD, fd.get(), &ev);
    m_impl->listeners.push_back({std::move(fd), tag});
    return bound;
}

void Front::start() {
    auto& m = *m_impl;
    if (m.started) return;
    m.started = true;
    for (int i = 0; i < std::max(1, m.o.workers); ++i) m.workers.emplace_back([&m] { m.work(); });
    m.reactor = std::thread([&m] { m.run(); });
}

void Front::stop(std::chrono::milliseconds grace) {
    auto& m = *m_impl;
    if (!m.started || m.stopped) return;
    m.stopped = true;
    m.grace = grace;
    m.stopping = true;
    m.reactor.join();
    {
        std::lock_guard lock(m.jobs_mutex);
        m.workers_stop = true;
    }
    m.jobs_cv.notify_all();
    for (auto& t : m.workers) t.join();
    // Anything a worker handed back after the reactor ended.
    m.conns.clear();
}

int Front::connections() const { return m_impl->open; }

}  // namespace web::http
