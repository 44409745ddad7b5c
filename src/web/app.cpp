#include "web/app.hpp"

#include <Poco/URI.h>

#include <istream>
#include <sstream>

namespace web {

std::unique_ptr<store::Connection> ConnectionPool::take() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            auto c = std::move(m_idle.back());
            m_idle.pop_back();
            return c;
        }
    }
    return m_open();
}

void ConnectionPool::give_back(std::unique_ptr<store::Connection> c) {
    if (!c || c->in_transaction()) return;  // a connection left mid-transaction is dropped
    std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(c));
}

App::App(ServerOptions o, const core::Clock& c, const core::Rules& r, std::ostream* log, std::function<void()> mq)
    : options(std::move(o)), clock(c), rules(r), mail_templates(options.share_dir / "templates" / "mail"),
      pages(options.share_dir / "templates" / "web"), pool(options.open_store),
      token_limiter(options.requests_per_token_per_minute), access_log(log),
      mail_queued(std::move(mq)) {
    secure_cookies = options.base_url.rfind("https:", 0) == 0;
    if (access_log) m_log_flusher = std::jthread([this](std::stop_token stop) { flush_log_periodically(stop); });
}

App::~App() {
    if (m_log_flusher.joinable()) {
        m_log_flusher.request_stop();
        m_log_flusher.join();
    }
}

void App::log_line(const std::string& line) {
    if (!access_log) return;
    std::lock_guard lock(m_log_mutex);
    *access_log << line << '\n';
    m_log_dirty = true;
}

void App::flush_log_periodically(std::stop_token stop) {
    std::unique_lock lock(m_log_mutex);
    for (;;) {
        // Nothing notifies m_log_cv: it wakes on the interval or on the stop request.
        m_log_cv.wait_for(lock, stop, k_log_flush_interval, [] { return false; });
        const bool stopping = stop.stop_requested();
        if (m_log_dirty) {
            access_log->flush();
            m_log_dirty = false;
        }
        if (stopping) return;
    }
}

Exchange::Exchange(App& a, Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& rs, std::string rid)
    : app(a), req(rq), res(rs), request_id(std::move(rid)) {
    try {
        Poco::URI uri(req.getURI());
        path = uri.getPath();
        for (auto& [k, v] : uri.getQueryParameters()) query[k] = v;
    } catch (const Poco::Exception&) {
        path = "/\x01invalid";  // unparsable URI: no route matches, 404
        query.clear();
    }
}

Exchange::~Exchange() {
    if (m_db) app.pool.give_back(std::move(m_db));
}

store::Connection& Exchange::db() {
    if (!m_db) m_db = app.pool.take();
    return *m_db;
}

namespace {

// A body larger than the limit is still read, up to this much, before 413 is
// sent: a server that answers and closes while the client is still sending
// makes the client's TCP stack see a reset, and it often loses the answer.
// Beyond this the connection is closed unread (a client sending that much
// against the limit gets no courtesy).
constexpr std::streamsize k_drain_cap = 8 << 20;

// Reads and drops up to `cap` bytes of the rest of `in`; true when the
// stream ended within it.
bool drain(std::istream& in, std::streamsize cap) {
    char buf[16384];
    std::streamsize seen = 0;
    while (seen <= cap && (in.read(buf, sizeof buf) || in.gcount() > 0)) seen += in.gcount();
    return seen <= cap;
}

}  // namespace

void Exchange::finish_body() {
    if (m_body_done) return;
    m_body_done = true;
    const bool has_body = req.hasContentLength() ? req.getContentLength64() > 0 : req.getChunkedTransferEncoding();
    if (!has_body) return;
    const std::streamsize limit = static_cast<std::streamsize>(app.options.max_body_kb) * 1024;
    const std::streamsize cap = limit + k_drain_cap;
    if ((req.hasContentLength() && req.getContentLength64() > cap) || !drain(req.stream(), cap))
        res.setKeepAlive(false);
}

std::optional<std::string> Exchange::body() {
    if (m_body) return m_body;
    if (m_body_done) return std::nullopt;  // a response was sent already
    m_body_done = true;
    const std::streamsize limit = static_cast<std::streamsize>(app.options.max_body_kb) * 1024;
    auto too_large = [&] {
        // The client is told the connection ends here; the rest of the body
        // is not parsed as a next request.
        res.setKeepAlive(false);
        send_json(413, "{\"error\":\"body_too_large\",\"message\":\"Förfrågan är för stor.\",\"request_id\":\"" +
                           request_id + "\"}");
        return std::nullopt;
    };
    std::istream& in = req.stream();
    if (req.hasContentLength() && req.getContentLength64() > limit) {
        if (req.getContentLength64() <= limit + k_drain_cap) drain(in, limit + k_drain_cap);
        return too_large();
    }
    std::string text;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (static_cast<std::streamsize>(text.size()) > limit) {
            drain(in, k_drain_cap);
            return too_large();
        }
    }
    m_body = std::move(text);
    return m_body;
}

std::optional<std::map<std::string, std::string>> Exchange::form() {
    auto b = body();
    if (!b) return std::nullopt;
    return parse_urlencoded(*b);
}

std::string Exchange::cookie(const std::string& name) const {
    Poco::Net::NameValueCollection cookies;
    req.getCookies(cookies);
    return cookies.get(name, "");
}

std::string Exchange::header(const std::string& name) const { return req.get(name, ""); }

std::string Exchange::client_ip() const { return req.clientAddress().host().toString(); }

void Exchange::send(int st, const std::string& content_type, const std::string& text) {
    if (m_sent) return;
    // A body the handler did not read (an early 401, 405, 429) must not be
    // parsed as the next request on this keep-alive connection.
    finish_body();
    m_sent = true;
    status = st;
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(st));
    res.setContentType(content_type);
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cache-Control", "no-store");
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    res.setContentLength64(static_cast<Poco::Int64>(text.size()));
    std::ostream& out = res.send();
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void Exchange::send_html(int st, const std::string& html) { send(st, "text/html; charset=utf-8", html); }

void Exchange::send_json(int st, const std::string& json) { send(st, "application/json; charset=utf-8", json); }

void Exchange::redirect(const std::string& location) {
    res.set("Location", location);
    send(303, "text/plain; charset=utf-8", "Se " + location + "\n");
}

void Exchange::set_cookie(const std::string& name, const std::string& value, const std::string& cookie_path,
                          int max_age_seconds) {
    std::string c = name + "=" + value + "; Path=" + cookie_path + "; HttpOnly; SameSite=Strict";
    if (max_age_seconds >= 0) c += "; Max-Age=" + std::to_string(max_age_seconds);
    if (app.secure_cookies) c += "; Secure";
    res.add("Set-Cookie", c);
}

std::map<std::string, std::string> parse_urlencoded(const std::string& text) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t amp = text.find('&', i);
        if (amp == std::string::npos) amp = text.size();
        std::string pair = text.substr(i, amp - i);
        if (!pair.empty()) {
            auto eq = pair.find('=');
            std::string k = pair.substr(0, eq), v = eq == std::string::npos ? "" : pair.substr(eq + 1);
            for (auto* s : {&k, &v})
                for (char& ch : *s)
                    if (ch == '+') ch = ' ';
            std::string dk, dv;
            try {
                Poco::URI::decode(k, dk);
                Poco::URI::decode(v, dv);
            } catch (const Poco::Exception&) {
                dk = k;
                dv = v;
            }
            if (!out.count(dk)) out[dk] = dv;
        }
        i = amp + 1;
    }
    return out;
}

}  // namespace web
