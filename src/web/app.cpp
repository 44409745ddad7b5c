#include "web/app.hpp"

#include "digital/secrets.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cctype>
#include <string_view>

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

std::string UserStash::put(store::Id user_id, const std::string& text, const std::string& extra) {
    const auto now = std::chrono::steady_clock::now();
    std::string key = digital::random_token();
    std::lock_guard lock(m_mutex);
    if (m_entries.size() >= k_max_entries)
        for (auto it = m_entries.begin(); it != m_entries.end();)
            it = it->second.until <= now ? m_entries.erase(it) : std::next(it);
    if (m_entries.size() >= k_max_entries) m_entries.erase(m_entries.begin());  // a random one: keys are random
    m_entries[key] = Entry{user_id, text, extra, now + k_ttl};
    return key;
}

std::optional<UserStash::Entry> UserStash::get(const std::string& key, store::Id user_id) const {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second.user_id != user_id || it->second.until <= std::chrono::steady_clock::now())
        return std::nullopt;
    return it->second;
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

Exchange::Exchange(App& a, const http::Request& rq, http::Response& rs, std::string rid)
    : app(a), req(rq), res(rs), request_id(std::move(rid)) {
    try {
        Poco::URI uri(req.head.target);
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

std::optional<std::string> Exchange::body() { return req.body; }

std::optional<std::map<std::string, std::string>> Exchange::form() { return parse_urlencoded(req.body); }

std::string Exchange::cookie(const std::string& name) const {
    // Cookie: a=1; b=2 (RFC 6265 §5.4); the first of a name wins.
    for (auto& [k, v] : req.head.fields) {
        if (k != "cookie") continue;
        std::size_t i = 0;
        while (i < v.size()) {
            auto semi = v.find(';', i);
            if (semi == std::string::npos) semi = v.size();
            std::string_view pair(v.data() + i, semi - i);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
                auto value = pair.substr(eq + 1);
                while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
                return std::string(value);
            }
            i = semi + 1;
        }
    }
    return "";
}

std::string Exchange::header(const std::string& name) const {
    std::string lname = name;
    for (char& c : lname) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string* v = req.head.get(lname);
    return v ? *v : std::string();
}

std::string Exchange::client_ip() const { return req.client_ip; }

void add_security_headers(const App& app, http::Response& res, const std::string& request_id) {
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cache-Control", "no-store");
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    if (app.secure_cookies) res.set("Strict-Transport-Security", "max-age=31536000");
}

void Exchange::send(int st, const std::string& content_type, const std::string& text) {
    if (m_sent) return;
    m_sent = true;
    status = st;
    res.status = st;
    res.set("Content-Type", content_type);
    add_security_headers(app, res, request_id);
    res.body = text;
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
