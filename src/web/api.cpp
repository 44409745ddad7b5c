#include "digital/wording.hpp"
#include "store/linkage_repo.hpp"
#include "web/handlers.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace web {

namespace {

using Poco::JSON::Object;

std::string to_json(const Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Object client_json(const store::Client& c) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", c.name);
    o.set("orgnr", c.orgnr);
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
    c.set("orgnr", l.client_orgnr);
    c.set("subscription", l.client_subscription);
    o.set("client", c);
    o.set("requested_by", l.requested_by);
    o.set("created_at", l.created_at);
    o.set("decided_at", l.decided_at ? Poco::Dynamic::Var(*l.decided_at) : Poco::Dynamic::Var());
    o.set("approved_via", l.approved_via ? Poco::Dynamic::Var(*l.approved_via) : Poco::Dynamic::Var());
    return o;
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
    auto it = x.query.find("q");
    auto r = desk_for(x).search(*who, it == x.query.end() ? "" : it->second);
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
    o.set("client", client_json(*r.client));
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
    std::string query;
    try {
        Poco::JSON::Parser parser;
        auto v = parser.parse(*body);
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        if (!obj || !obj->has("client") || !obj->get("client").isString())
            return send_api_error(x, 400, "bad_request",
                                  "Skicka JSON {\"client\": \"ORGANISATIONSNUMMER eller KUNDNUMMER\"}.");
        query = obj->getValue<std::string>("client");
    } catch (const Poco::Exception&) {
        return send_api_error(x, 400, "bad_request", "Ogiltig JSON. Skicka {\"client\": \"...\"}.");
    } catch (const std::exception&) {
        return send_api_error(x, 400, "bad_request", "Ogiltig JSON. Skicka {\"client\": \"...\"}.");
    }
    auto r = desk_for(x).request(*who, query);
    using S = digital::RequestResult::Status;
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    switch (r.status) {
        case S::created:
            if (x.app.mail_queued) x.app.mail_queued();
            o.set("linkage_id", r.linkage_id);
            o.set("state", std::string(core::to_string(r.state)));
            o.set("administrators_notified", r.administrators_notified);
            o.set("client", client_json(*r.search.client));
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
