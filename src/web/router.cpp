// The route table and the per-request boundary: request id, dispatch,
// catching everything a handler throws (→ 500 with the request id, never a
// stack trace), and one access-log line without secrets.
#include "web/router.hpp"

#include "digital/secrets.hpp"
#include "obs/product_metrics.hpp"
#include "web/handlers.hpp"

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
    const std::string& m = x.req.getMethod();
    const std::string& p = x.path;
    const bool get = m == "GET" || m == "HEAD", post = m == "POST";
    auto method_not_allowed = [&] {
        x.res.set("Allow", get ? "POST" : "GET");
        if (starts_with(p, "/api/")) return send_api_error(x, 405, "method_not_allowed", "Metoden stöds inte här.");
        send_message_page(x, 405, "Metoden stöds inte", "Sidan kan inte användas på det här sättet.");
    };
    auto route = [&](const char* pattern) { x.route = pattern; };
    if (starts_with(p, "/approve/")) {
        route("/approve/{token}");
        const std::string token = p.substr(9);
        if (get) return handle_approve_get(x, token);
        if (post) return handle_approve_post(x, token);
        return method_not_allowed();
    }
    if (p == "/healthz") return route("/healthz"), get ? handle_healthz(x) : method_not_allowed();
    if (p == "/metrics") return route("/metrics"), get ? handle_metrics(x) : method_not_allowed();
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

std::string loggable_target(const std::string& uri) {
    std::string out = uri;
    // The approval token is a credential: never logged.
    if (starts_with(out, "/approve/")) {
        auto end = out.find_first_of("?#", 9);
        out = "/approve/[token]" + (end == std::string::npos ? std::string() : out.substr(end));
    }
    // Personal identity numbers (and any long number) in the query are
    // masked: the first six digits stay, the rest become '*'.
    auto q = out.find('?');
    if (q == std::string::npos) return out;
    std::size_t i = q;
    while (i < out.size()) {
        if (out[i] >= '0' && out[i] <= '9') {
            std::size_t j = i, digits = 0;
            while (j < out.size() && ((out[j] >= '0' && out[j] <= '9') || out[j] == '-' || out[j] == '+' ||
                                      (out[j] == '%' && j + 2 < out.size()))) {
                if (out[j] == '%') {
                    j += 3;
                    continue;
                }
                if (out[j] >= '0' && out[j] <= '9') ++digits;
                ++j;
            }
            if (digits >= 10) {
                std::size_t kept = 0;
                for (std::size_t k = i; k < j; ++k)
                    if (out[k] >= '0' && out[k] <= '9' && ++kept > 6) out[k] = '*';
            }
            i = j;
        } else {
            ++i;
        }
    }
    return out;
}

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) {
    const auto start = std::chrono::steady_clock::now();
    const std::string rid = digital::random_id();
    std::string failure;
    {
        Exchange x(m_app, req, res, rid);
        try {
            dispatch(x);
        } catch (const std::exception& e) {
            failure = e.what();
        } catch (...) {
            failure = "unknown exception";
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
                // The connection is gone; nothing more to send.
            }
        }
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        char dur[32];
        std::snprintf(dur, sizeof dur, "%.1fms", ms);
        std::string line = core::format_utc(m_app.clock.now()) + " " + rid + " " + x.client_ip() +
                           " " + req.getMethod() + " " + loggable_target(req.getURI()) + " " +
                           std::to_string(x.status) + " " + dur + " user=" + x.log_user;
        if (!failure.empty()) line += " error=\"" + failure.substr(0, 200) + "\"";
        m_app.log_line(line);
        obs::record_http_request(x.route, x.status, ms / 1000.0);
    }
}

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&) {
    return new RequestHandler(m_app);
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
