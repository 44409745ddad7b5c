// The activation API (issue 7): JSON over activation::Activation, scoped to
// the Bearer principal's bureau. Problems map to statuses: not_found 404
// (also another bureau's linkage), wrong_state 409, every input mistake 400
// with its stable code and a Swedish message.
#include "activation/activation.hpp"
#include "activation/activation_json.hpp"
#include "activation/history.hpp"
#include "web/handlers.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace web {

namespace {

activation::Activation activation_for(Exchange& x) { return activation::Activation(x.db(), x.app.clock, x.app.rules); }

int status_of(const activation::Problem& p) {
    using R = activation::Refusal;
    if (p.refusal == R::not_found) return 404;
    if (p.refusal == R::wrong_state) return 409;
    if (p.refusal == R::paper_only) return 403;
    return 400;
}

void send_problem(Exchange& x, const activation::Problem& p) { send_api_error(x, status_of(p), p.code, p.message); }

// {"consultants":[{"username":"…","permissions":["…"]}]} → grants; nullopt: 400 sent.
std::optional<std::vector<activation::Grant>> parse_grants(Exchange& x, const std::string& body) {
    const std::string usage =
        "Skicka JSON {\"consultants\": [{\"username\": \"…\", \"permissions\": [\"bookkeeping\", …]}]}.";
    try {
        auto obj = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        auto arr = obj ? obj->getArray("consultants") : nullptr;
        if (!arr) {
            send_api_error(x, 400, "bad_request", usage);
            return std::nullopt;
        }
        std::vector<activation::Grant> out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto c = arr->getObject(static_cast<unsigned>(i));
            if (!c || !c->has("username") || !c->get("username").isString() || !c->getArray("permissions")) {
                send_api_error(x, 400, "bad_request", usage);
                return std::nullopt;
            }
            activation::Grant g{c->getValue<std::string>("username"), {}};
            auto perms = c->getArray("permissions");
            for (std::size_t k = 0; k < perms->size(); ++k) {
                if (!perms->get(static_cast<unsigned>(k)).isString()) {
                    send_api_error(x, 400, "bad_request", usage);
                    return std::nullopt;
                }
                g.permissions.push_back(perms->getElement<std::string>(static_cast<unsigned>(k)));
            }
            out.push_back(std::move(g));
        }
        return out;
    } catch (const std::exception&) {
        send_api_error(x, 400, "bad_request", "Ogiltig JSON. " + usage);
        return std::nullopt;
    }
}

}  // namespace

std::optional<store::Id> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 15) return std::nullopt;
    store::Id id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id > 0 ? std::optional<store::Id>(id) : std::nullopt;
}

void handle_api_activation_list(Exchange& x) {
    auto who = require_bearer(x);
    if (!who) return;
    x.send_json(200, activation::activation_list_json(activation_for(x).activation_list(who->bureau_id)));
}

void handle_api_client_list(Exchange& x) {
    auto who = require_bearer(x);
    if (!who) return;
    x.send_json(200, activation::client_list_json(activation_for(x).client_list(who->bureau_id)));
}

void handle_api_linkage_action(Exchange& x, store::Id id, const std::string& action) {
    auto who = require_bearer(x);
    if (!who) return;
    const std::string actor = "bureau_user:" + who->username;
    if (action == "history") {
        auto h = activation::linkage_history(x.db(), x.app.clock, x.app.rules, id, /*for_bureau=*/true);
        if (!h || h->linkage.bureau_id != who->bureau_id)
            return send_api_error(x, 404, "not_found", "Kopplingen finns inte hos er byrå.");
        return x.send_json(200, activation::history_json(*h));
    }
    auto body = x.body();
    if (!body) return;
    auto act = activation_for(x);
    if (action == "revocation") {
        std::string reason;
        try {
            if (!body->empty()) {
                auto obj = Poco::JSON::Parser().parse(*body).extract<Poco::JSON::Object::Ptr>();
                if (obj && obj->has("reason")) reason = obj->getValue<std::string>("reason");
            }
        } catch (const std::exception&) {
            return send_api_error(x, 400, "bad_request", "Ogiltig JSON. Skicka {\"reason\": \"…\"} eller ingenting.");
        }
        auto r = act.revoke(who->bureau_id, id, actor, reason);
        if (!r) return send_problem(x, r.error());
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("linkage_id", r->id);
        o.set("state", std::string(core::to_string(r->state)));
        std::ostringstream out;
        o.stringify(out);
        return x.send_json(200, out.str());
    }
    auto grants = parse_grants(x, *body);
    if (!grants) return;
    auto r = action == "activation" ? act.activate(who->bureau_id, id, *grants, actor)
                                    : act.change_permissions(who->bureau_id, id, *grants, actor);
    if (!r) return send_problem(x, r.error());
    x.send_json(200, activation::client_entry_json(*r));
}

}  // namespace web
