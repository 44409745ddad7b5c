#include "core/log.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/linkage_repo.hpp"
#include "web/handlers.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace web {

namespace {

using Poco::JSON::Object;

std::string to_json(const Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// Only for a client the caller identified by both numbers (issue 16).
Object client_json(const store::Client& c) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", c.name);
    o.set("orgnr", digital::shown_orgnr(c.orgnr));
    o.set("subscription", c.subscription);
    o.set("multi_company", c.multi_company);
    return o;
}

Object linkage_json(const store::Linkage& l) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", l.id);
    o.set("state", std::string(core::to_string(l.state)));
    o.set("source", std::string(core::to_string(l.source)));
    Object c(Poco::JSON_PRESERVE_KEY_ORDER);
    c.set("name", l.client_name);
    c.set("orgnr", core::mask_personal_numbers(l.client_orgnr));
    c.set("subscription", l.client_subscription);
    o.set("client", c);
    o.set("requested_by", l.requested_by);
    o.set("created_at", l.created_at);
    o.set("decided_at", l.decided_at ? Poco::Dynamic::Var(*l.decided_at) : Poco::Dynamic::Var());
    o.set("approved_via", l.approved_via ? Poco::Dynamic::Var(*l.approved_via) : Poco::Dynamic::Var());
    return o;
}

std::string query_value(const Exchange& x, const std::string& key) {
    auto it = x.query.find(key);
    return it == x.query.end() ? std::string() : it->second;
}

// Whole seconds until the next UTC midnight (the search quota's new day).
int seconds_to_midnight(const core::Clock& clock) {
    const auto now = clock.now();
    const auto next = std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1);
    return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(next - now).count()) + 1;
}

// 403 for a bureau that may not link digitally (no directory, no requests).
void send_paper_only(Exchange& x, const digital::SearchResult& r) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("error", r.reason);
    o.set("message", r.message);
    o.set("paper_form_required", true);
    o.set("paper_form", "KOPPLING v1");
    o.set("request_id", x.request_id);
    x.send_json(403, to_json(o));
}

}  // namespace

std::optional<store::Principal> require_bearer(Exchange& x) {
    std::string token_hash;
    auto p = bearer_principal(x, &token_hash);
    if (!p) {
        x.res.set("WWW-Authenticate", "Bearer");
        send_api_error(x, 401, "unauthorized",
                       "Ange en giltig API-nyckel: Authorization: Bearer <nyckel> (skapas med 'linkage user token').");
        return std::nullopt;
    }
    // Counted only for a known token: unknown ones cannot fill the limiter.
    if (!within_rate_limit(x, "api:" + token_hash)) return std::nullopt;
    return p;
}

void send_api_error(Exchange& x, int status, const std::string& code, const std::string& message) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("error", code);
    o.set("message", message);
    o.set("request_id", x.request_id);
    x.send_json(status, to_json(o));
}

void handle_api_search(Exchange& x) {
    auto who = require_bearer(x);
    if (!who) return;
    // ?q=ORGNR&subscription=NNN identifies the client (name shown); ?q= alone
    // (either number) answers found / may request only.
    auto r = desk_for(x).search(*who, query_value(x, "q"), query_value(x, "subscription"));
    using S = digital::SearchResult::Status;
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    if (r.status == S::invalid) {
        o.set("error", "invalid_number");
        o.set("reason", r.reason);
        o.set("message", r.message);
        o.set("request_id", x.request_id);
        return x.send_json(400, to_json(o));
    }
    if (r.status == S::not_found) return send_api_error(x, 404, "unknown_client", r.message);
    if (r.status == S::refused) return send_paper_only(x, r);
    if (r.status == S::quota_exceeded) {
        x.res.set("Retry-After", std::to_string(seconds_to_midnight(x.app.clock)));
        return send_api_error(x, 429, "search_quota", r.message);
    }
    o.set("found", true);
    o.set("identified", r.identified);
    o.set("client", r.identified ? Poco::Dynamic::Var(client_json(*r.client)) : Poco::Dynamic::Var());
    o.set("may_request", r.may_request);
    o.set("reason", r.may_request ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.reason));
    o.set("message", r.message);
    o.set("paper_form_required", digital::needs_paper_form(r.refusal));
    o.set("administrators", r.administrators);
    if (r.live) {
        Object l(Poco::JSON_PRESERVE_KEY_ORDER);
        l.set("id", r.live->id);
        l.set("state", std::string(core::to_string(r.live->state)));
        o.set("linkage", l);
    } else {
        o.set("linkage", Poco::Dynamic::Var());
    }
    x.send_json(200, to_json(o));
}

void handle_api_request(Exchange& x) {
    auto who = require_bearer(x);
    if (!who) return;
    auto body = x.body();
    if (!body) return;
    std::string query, subscription;
    const char* usage = "Skicka JSON {\"client\": \"ORGANISATIONSNUMMER eller ABONNEMANGSNUMMER\"} eller "
                        "{\"client\": \"ORGANISATIONSNUMMER\", \"subscription\": \"ABONNEMANGSNUMMER\"}.";
    try {
        Poco::JSON::Parser parser;
        auto v = parser.parse(*body);
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        if (!obj || !obj->has("client") || !obj->get("client").isString())
            return send_api_error(x, 400, "bad_request", usage);
        query = obj->getValue<std::string>("client");
        if (obj->has("subscription")) {
            if (!obj->get("subscription").isString()) return send_api_error(x, 400, "bad_request", usage);
            subscription = obj->getValue<std::string>("subscription");
        }
    } catch (const Poco::Exception&) {
        return send_api_error(x, 400, "bad_request", "Ogiltig JSON. Skicka {\"client\": \"...\"}.");
    } catch (const std::exception&) {
        return send_api_error(x, 400, "bad_request", "Ogiltig JSON. Skicka {\"client\": \"...\"}.");
    }
    auto r = desk_for(x).request(*who, query, subscription);
    using S = digital::RequestResult::Status;
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    switch (r.status) {
        case S::created:
            if (x.app.mail_queued) x.app.mail_queued();
            o.set("linkage_id", r.linkage_id);
            o.set("state", std::string(core::to_string(r.state)));
            o.set("administrators_notified", r.administrators_notified);
            o.set("client", r.search.identified ? Poco::Dynamic::Var(client_json(*r.search.client))
                                                : Poco::Dynamic::Var());
            x.res.set("Location", "/api/v1/linkages/" + std::to_string(r.linkage_id));
            return x.send_json(201, to_json(o));
        case S::invalid:
            o.set("error", "invalid_number");
            o.set("reason", r.search.reason);
            o.set("message", r.search.message);
            o.set("request_id", x.request_id);
            return x.send_json(400, to_json(o));
        case S::not_found: return send_api_error(x, 404, "unknown_client", r.search.message);
        case S::refused:
            o.set("error", r.search.reason);
            o.set("message", r.search.message);
            o.set("paper_form_required", digital::needs_paper_form(r.search.refusal));
            o.set("paper_form", "KOPPLING v1");
            o.set("request_id", x.request_id);
            return x.send_json(403, to_json(o));
        case S::conflict:
            o.set("error", "live_linkage");
            o.set("linkage_id", r.linkage_id);
            o.set("state", std::string(core::to_string(r.state)));
            o.set("message", r.search.message);
            o.set("request_id", x.request_id);
            return x.send_json(409, to_json(o));
        case S::cooling_down:
        case S::mail_limit: {
            const auto again = core::parse_utc(*r.may_ask_again);
            const auto wait = std::chrono::duration_cast<std::chrono::seconds>(again - x.app.clock.now()).count();
            x.res.set("Retry-After", std::to_string(std::max<long long>(1, wait)));
            o.set("error", r.search.reason);
            o.set("message", r.search.message);
            o.set("may_ask_again", *r.may_ask_again);
            o.set("may_ask_again_sv", mail::swedish_datetime(again));
            o.set("request_id", x.request_id);
            return x.send_json(429, to_json(o));
        }
    }
}

void handle_api_linkages(Exchange& x) {
    auto who = require_bearer(x);
    if (!who) return;
    store::LinkageFilter f;
    f.bureau_id = who->bureau_id;
    Poco::JSON::Array arr;
    for (auto& l : store::LinkageRepo(x.db(), x.app.clock).list(f)) arr.add(linkage_json(l));
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("linkages", arr);
    x.send_json(200, to_json(o));
}

void handle_api_linkage(Exchange& x, const std::string& id_text) {
    auto who = require_bearer(x);
    if (!who) return;
    store::Id id = 0;
    for (char c : id_text) {
        if (c < '0' || c > '9' || id > 1'000'000'000'000) return send_api_error(x, 404, "not_found", "Ingen sådan koppling.");
        id = id * 10 + (c - '0');
    }
    auto l = store::LinkageRepo(x.db(), x.app.clock).get(id);
    // Another bureau's linkage is reported exactly like a missing one.
    if (!l || l->bureau_id != who->bureau_id) return send_api_error(x, 404, "not_found", "Ingen sådan koppling.");
    x.send_json(200, to_json(linkage_json(*l)));
}

}  // namespace web
