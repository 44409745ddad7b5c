// The route table and the per-request boundary: request id, dispatch,
// catching everything a handler throws (→ 500 with the request id, never a
// stack trace), and one access-log line without secrets.
#include "web/router.hpp"

#include "digital/secrets.hpp"
#include "web/handlers.hpp"

#include <chrono>
#include <cstdio>

namespace web {

namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

void dispatch(Exchange& x) {
    const std::string& m = x.req.getMethod();
    const std::string& p = x.path;
    const bool get = m == "GET" || m == "HEAD", post = m == "POST";
    auto method_not_allowed = [&] {
        x.res.set("Allow", get ? "POST" : "GET");
        if (starts_with(p, "/api/")) return send_api_error(x, 405, "method_not_allowed", "Metoden stöds inte här.");
        send_message_page(x, 405, "Metoden stöds inte", "Sidan kan inte användas på det här sättet.");
    };
    if (starts_with(p, "/approve/")) {
        const std::string token = p.substr(9);
        if (get) return handle_approve_get(x, token);
        if (post) return handle_approve_post(x, token);
        return method_not_allowed();
    }
    if (p == "/api/v1/clients/search") return get ? handle_api_search(x) : method_not_allowed();
    if (p == "/api/v1/linkage-requests") return post ? handle_api_request(x) : method_not_allowed();
    if (p == "/api/v1/linkages") return get ? handle_api_linkages(x) : method_not_allowed();
    if (starts_with(p, "/api/v1/linkages/")) return get ? handle_api_linkage(x, p.substr(17)) : method_not_allowed();
    if (starts_with(p, "/api/")) return send_api_error(x, 404, "not_found", "Okänd adress i API:t.");
    if (p == "/") return get ? handle_home(x) : method_not_allowed();
    if (p == "/login") return get ? handle_login_page(x) : post ? handle_login(x) : method_not_allowed();
    if (p == "/logout") return post ? handle_logout(x) : method_not_allowed();
    if (p == "/clients") return get ? handle_clients(x) : method_not_allowed();
    if (p == "/clients/link") return get ? handle_link_page(x) : post ? handle_link_post(x) : method_not_allowed();
    if (p == "/healthz") return x.send(200, "text/plain; charset=utf-8", "ok\n");
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
        std::string line = core::format_utc(m_app.clock.now()) + " " + rid + " " + req.clientAddress().host().toString() +
                           " " + req.getMethod() + " " + loggable_target(req.getURI()) + " " +
                           std::to_string(x.status) + " " + dur + " user=" + x.log_user;
        if (!failure.empty()) line += " error=\"" + failure.substr(0, 200) + "\"";
        m_app.log_line(line);
    }
}

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&) {
    return new RequestHandler(m_app);
}

digital::Desk desk_for(Exchange& x) {
    digital::DeskOptions o;
    o.valid_days = x.app.options.valid_days;
    o.base_url = x.app.options.base_url;
    return digital::Desk(x.db(), x.app.clock, x.app.rules, x.app.mail_templates, o);
}

}  // namespace web
