// The route table and the per-request boundary: request id, dispatch,
// catching everything a handler throws (→ 500 with the request id, never a
// stack trace), and one access-log line without secrets.
#include "web/router.hpp"

#include "digital/secrets.hpp"
#include "obs/product_metrics.hpp"
#include "store/connection.hpp"
#include "web/handlers.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

namespace web {

namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

// Splits "/a/b/c" after `prefix` into its segments.
std::vector<std::string> segments_after(const std::string& p, std::string_view prefix) {
    std::vector<std::string> out;
    std::size_t i = prefix.size();
    while (i <= p.size()) {
        auto slash = p.find('/', i);
        if (slash == std::string::npos) slash = p.size();
        out.push_back(p.substr(i, slash - i));
        i = slash + 1;
    }
    return out;
}

// Every branch names its route PATTERN in x.route first: that is the label
// of the request metrics and never holds a token, a number or an id.
void dispatch(Exchange& x) {
    const std::string& m = x.method();
    const std::string& p = x.path;
    const bool get = m == "GET" || m == "HEAD", post = m == "POST";
    auto method_not_allowed = [&] {
        x.res.set("Allow", get ? "POST" : "GET");
        if (starts_with(p, "/api/")) return send_api_error(x, 405, "method_not_allowed", "Metoden stöds inte här.");
        send_message_page(x, 405, "Metoden stöds inte", "Sidan kan inte användas på det här sättet.");
    };
    auto route = [&](const char* pattern) { x.route = pattern; };
    // The ops listener answers /healthz and /metrics and nothing else; the
    // public listener does not answer them at all (they are for operations).
    if (x.ops()) {
        if (p == "/healthz") return route("/healthz"), get ? handle_healthz(x) : method_not_allowed();
        if (p == "/metrics") return route("/metrics"), get ? handle_metrics(x) : method_not_allowed();
        route("unmatched");
        return x.send(404, "text/plain; charset=utf-8", "Not found: the ops listener serves /healthz and /metrics.\n");
    }
    if (starts_with(p, "/approve/")) {
        route("/approve/{token}");
        const std::string token = p.substr(9);
        if (get) return handle_approve_get(x, token);
        if (post) return handle_approve_post(x, token);
        return method_not_allowed();
    }
    if (p == "/api/v1/clients/search")
        return route("/api/v1/clients/search"), get ? handle_api_search(x) : method_not_allowed();
    if (p == "/api/v1/linkage-requests")
        return route("/api/v1/linkage-requests"), post ? handle_api_request(x) : method_not_allowed();
    if (p == "/api/v1/linkages") return route("/api/v1/linkages"), get ? handle_api_linkages(x) : method_not_allowed();
    if (p == "/api/v1/activation-list")
        return route("/api/v1/activation-list"), get ? handle_api_activation_list(x) : method_not_allowed();
    if (p == "/api/v1/client-list")
        return route("/api/v1/client-list"), get ? handle_api_client_list(x) : method_not_allowed();
    if (starts_with(p, "/api/v1/linkages/")) {
        auto seg = segments_after(p, "/api/v1/linkages/");
        auto id = parse_id(seg[0]);
        if (seg.size() == 1) return route("/api/v1/linkages/{id}"), get ? handle_api_linkage(x, seg[0]) : method_not_allowed();
        if (seg.size() == 2 && (seg[1] == "activation" || seg[1] == "permissions" || seg[1] == "revocation")) {
            x.route = "/api/v1/linkages/{id}/" + seg[1];
            if (!post) return method_not_allowed();
            if (!id) return send_api_error(x, 404, "not_found", "Kopplingen finns inte hos er byrå.");
            return handle_api_linkage_action(x, *id, seg[1]);
        }
        if (seg.size() == 2 && seg[1] == "history") {
            route("/api/v1/linkages/{id}/history");
            if (!get) return method_not_allowed();
            if (!id) return send_api_error(x, 404, "not_found", "Kopplingen finns inte hos er byrå.");
            return handle_api_linkage_action(x, *id, seg[1]);
        }
    }
    if (starts_with(p, "/api/")) return route("/api/unknown"), send_api_error(x, 404, "not_found", "Okänd adress i API:t.");
    if (p == "/") return route("/"), get ? handle_home(x) : method_not_allowed();
    if (p == "/login") return route("/login"), get ? handle_login_page(x) : post ? handle_login(x) : method_not_allowed();
    if (p == "/logout") return route("/logout"), post ? handle_logout(x) : method_not_allowed();
    if (p == "/clients") return route("/clients"), get ? handle_clients(x) : method_not_allowed();
    if (p == "/clients/link")
        return route("/clients/link"), get ? handle_link_page(x) : post ? handle_link_post(x) : method_not_allowed();
    if (p == "/clients/link/search")
        return route("/clients/link/search"), post ? handle_link_search_post(x) : method_not_allowed();
    if (p == "/clients/link/result")
        return route("/clients/link/result"), get ? handle_link_result(x) : method_not_allowed();
    if (starts_with(p, "/clients/link/sent/")) {
        route("/clients/link/sent/{id}");
        if (!get) return method_not_allowed();
        if (auto id = parse_id(p.substr(19))) return handle_link_sent(x, *id);
    }
    if (p == "/clients/form")
        return route("/clients/form"), get ? handle_form_page(x) : post ? handle_form_post(x) : method_not_allowed();
    if (p == "/notices/seen") return route("/notices/seen"), post ? handle_notices_seen(x) : method_not_allowed();
    if (p == "/activation") return route("/activation"), get ? handle_activation_page(x) : method_not_allowed();
    if (starts_with(p, "/activation/")) {
        route("/activation/{id}");
        if (!post) return method_not_allowed();
        if (auto id = parse_id(p.substr(12))) return handle_activation_post(x, *id);
    }
    if (starts_with(p, "/linkages/")) {
        auto seg = segments_after(p, "/linkages/");
        auto id = parse_id(seg[0]);
        if (id && seg.size() == 1) {
            route("/linkages/{id}");
            return get ? handle_history_page(x, *id) : method_not_allowed();
        }
        if (id && seg.size() == 2 && seg[1] == "blankett.pdf") {
            route("/linkages/{id}/blankett.pdf");
            return get ? handle_form_pdf(x, *id) : method_not_allowed();
        }
        if (id && seg.size() == 2 && (seg[1] == "permissions" || seg[1] == "revocation")) {
            x.route = "/linkages/{id}/" + seg[1];
            if (!post) return method_not_allowed();
            return seg[1] == "permissions" ? handle_permissions_post(x, *id) : handle_revocation_post(x, *id);
        }
        route("/linkages/{id}");
    }
    if (p == "/review") return route("/review"), get ? handle_review_queue(x) : method_not_allowed();
    if (p == "/review/login")
        return route("/review/login"),
               get ? handle_review_login_page(x) : post ? handle_review_login(x) : method_not_allowed();
    if (p == "/review/logout") return route("/review/logout"), post ? handle_review_logout(x) : method_not_allowed();
    if (p == "/review/tasks") return route("/review/tasks"), get ? handle_tasks_page(x) : method_not_allowed();
    if (p == "/review/tasks/report")
        return route("/review/tasks/report"), get ? handle_tasks_report(x) : method_not_allowed();
    if (starts_with(p, "/review/tasks/original/"))
        return route("/review/tasks/original/{sha256}"), get ? handle_tasks_original(x, p.substr(23)) : method_not_allowed();
    if (starts_with(p, "/review/")) {
        auto seg = segments_after(p, "/review/");
        auto id = parse_id(seg[0]);
        if (id && seg.size() == 1) {
            route("/review/{id}");
            return get ? handle_review_document(x, *id) : post ? handle_review_post(x, *id) : method_not_allowed();
        }
        if (id && seg.size() == 3 && seg[1] == "image") {
            route("/review/{id}/image/{which}");
            return get ? handle_review_image(x, *id, seg[2]) : method_not_allowed();
        }
    }
    route("unmatched");
    send_message_page(x, 404, "Sidan finns inte", "Adressen finns inte. Gå till startsidan och försök igen.");
}

}  // namespace

namespace {

// Percent-decodes once; malformed escapes stay as they are.
std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int a = hex(s[i + 1]), b = hex(s[i + 2]);
            if (a >= 0 && b >= 0) {
                out += static_cast<char>(a * 16 + b);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

// Decoded until stable (at most three rounds: %2561 → %61 → a).
std::string fully_decoded(std::string_view s) {
    std::string cur(s);
    for (int round = 0; round < 3; ++round) {
        std::string next = percent_decode(cur);
        if (next == cur) break;
        cur = std::move(next);
    }
    return cur;
}

bool token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Runs of 32 or more token characters (approval links, API tokens, session
// ids are 43) are credentials whatever route they came in on.
std::string redact_token_runs(const std::string& s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (!token_char(s[i])) {
            out += s[i++];
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && token_char(s[j])) ++j;
        if (j - i >= 32) out += "[token]";
        else out.append(s, i, j - i);
        i = j;
    }
    return out;
}

// Personal identity numbers (any run of ten or more digits, with - or +
// between them) keep their first six digits.
std::string mask_long_numbers(const std::string& s) {
    std::string out = s;
    std::size_t i = 0;
    while (i < out.size()) {
        if (out[i] < '0' || out[i] > '9') {
            ++i;
            continue;
        }
        std::size_t j = i, digits = 0;
        while (j < out.size() && ((out[j] >= '0' && out[j] <= '9') || out[j] == '-' || out[j] == '+' || out[j] == ' ')) {
            if (out[j] >= '0' && out[j] <= '9') ++digits;
            ++j;
        }
        if (digits >= 10) {
            std::size_t kept = 0;
            for (std::size_t k = i; k < j; ++k)
                if (out[k] >= '0' && out[k] <= '9' && ++kept > 6) out[k] = '*';
        }
        i = j;
    }
    return out;
}

std::string escape_unprintable(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c > 0x20 && c < 0x7f && c != '\\' && c != '"') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace

std::string loggable_target(const std::string& target) {
    std::string t = target;
    // Absolute form (RFC 9112 §3.2.2): scheme://authority/path?query → /path?query.
    if (auto scheme = t.find("://"); scheme != std::string::npos && scheme < t.find_first_of("/?")) {
        auto path_start = t.find_first_of("/?", scheme + 3);
        t = path_start == std::string::npos ? "/" : t.substr(path_start);
    }
    std::string path = t, query;
    if (auto q = t.find('?'); q != std::string::npos) {
        path = t.substr(0, q);
        query = t.substr(q);
    }
    path = fully_decoded(path);
    query = fully_decoded(query);
    for (char& c : query)
        if (c == '+') c = ' ';
    // The approval token is a credential: never logged.
    std::string lowered = path;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto at = lowered.find("/approve/");
    if (at != std::string::npos) path = path.substr(0, at) + "/approve/[token]";
    return escape_unprintable(redact_token_runs(path) + mask_long_numbers(redact_token_runs(query)));
}

namespace {

void log_request(App& app, const std::string& rid, const std::string& ip, const std::string& method,
                 const std::string& target, int status, double ms, const std::string& user, const std::string& failure) {
    char dur[32];
    std::snprintf(dur, sizeof dur, "%.1fms", ms);
    std::string line = core::format_utc(app.clock.now()) + " " + rid + " " + escape_unprintable(ip) + " " +
                       (method.empty() ? "-" : escape_unprintable(method)) + " " +
                       (target.empty() ? "-" : loggable_target(target)) + " " + std::to_string(status) + " " + dur +
                       " user=" + user;
    if (!failure.empty()) line += " error=\"" + escape_unprintable(failure.substr(0, 200)) + "\"";
    app.log_line(line);
}

}  // namespace

void handle_request(App& app, const http::Request& req, http::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    const std::string rid = digital::random_id();
    std::string failure;
    bool store_down = false;  // the store cannot be reached (gone, replaced, full): 503, nothing was stored
    Exchange x(app, req, res, rid);
    try {
        dispatch(x);
    } catch (const store::ConstraintError& e) {
        failure = e.what();
    } catch (const store::StoreError& e) {
        failure = e.what();
        store_down = true;
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "unknown exception";
    }
    if (store_down && !x.sent()) {
        try {
            x.res.set("Retry-After", "60");
            if (starts_with(x.path, "/api/"))
                send_api_error(x, 503, "store_unavailable",
                               "Tjänsten kan inte spara eller läsa just nu och ingenting har ändrats. Försök igen "
                               "senare. Ange felkoden " + rid + " om du kontaktar supporten.");
            else
                send_message_page(x, 503, "Tjänsten är inte tillgänglig",
                                  "Tjänsten kan inte spara eller läsa just nu och ingenting har ändrats. Försök igen "
                                  "senare. Ange felkoden om du kontaktar supporten.");
        } catch (...) {
            x.send(503, "text/plain; charset=utf-8", "Tjänsten är inte tillgänglig (" + rid + ").\n");
        }
    }
    if (!failure.empty() && !x.sent()) {
        try {
            if (starts_with(x.path, "/api/"))
                send_api_error(x, 500, "internal_error",
                               "Ett internt fel inträffade. Ange felkoden " + rid + " om du kontaktar supporten.");
            else
                send_message_page(x, 500, "Något gick fel",
                                  "Ett internt fel inträffade och ingenting har ändrats. Försök igen om en stund. "
                                  "Ange felkoden om du kontaktar supporten.");
        } catch (...) {
            x.send(500, "text/plain; charset=utf-8", "Internt fel (" + rid + ").\n");
        }
    }
    if (!x.sent()) x.send(500, "text/plain; charset=utf-8", "Internt fel (" + rid + ").\n");
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    log_request(app, rid, req.client_ip, req.head.method, req.head.target, x.status, ms, x.log_user, failure);
    obs::record_http_request(x.route, x.status, ms / 1000.0);
}

http::Response front_refusal(App& app, int status, const std::string& reason, const std::string& client_ip,
                             const http::Head* head, int listener) {
    const std::string rid = digital::random_id();
    http::Response r;
    r.status = status;
    const bool api = head && head->target.rfind("/api/", 0) == 0;
    std::string message;
    switch (status) {
    case 408: message = "Förfrågan kom inte fram i tid. Försök igen."; break;
    case 413: message = "Förfrågan är för stor."; break;
    case 503: message = "Tjänsten är hårt belastad just nu. Försök igen om en stund."; break;
    case 431: message = "Förfrågans huvud är för stort."; break;
    default: message = "Förfrågan kunde inte tolkas."; break;
    }
    if (api || status == 413) {
        const std::string code = status == 413 ? "body_too_large" : status == 408 ? "request_timeout"
                                 : status == 503 ? "busy" : "bad_request";
        r.set("Content-Type", "application/json; charset=utf-8");
        r.body = "{\"error\":\"" + code + "\",\"message\":\"" + message + "\",\"request_id\":\"" + rid + "\"}";
    } else {
        r.set("Content-Type", "text/plain; charset=utf-8");
        r.body = message + " Felkod: " + rid + "\n";
    }
    add_security_headers(app, r, rid);
    log_request(app, rid, client_ip, head ? head->method : "", head ? head->target : "", status, 0.0,
                listener == 1 ? "ops" : "-", reason);
    obs::record_http_request("front", status, 0.0);
    return r;
}

digital::Desk desk_for(Exchange& x) {
    digital::DeskOptions o;
    o.valid_days = x.app.options.valid_days;
    o.base_url = x.app.options.base_url;
    o.searches_per_user_per_day = x.app.options.searches_per_user_per_day;
    o.search_quota = x.app.options.search_quota;
    o.request_cooldown_days = x.app.options.request_cooldown_days;
    o.approval_mails_per_recipient_per_week = x.app.options.approval_mails_per_recipient_per_week;
    return digital::Desk(x.db(), x.app.clock, x.app.rules, x.app.mail_templates, o);
}

}  // namespace web
