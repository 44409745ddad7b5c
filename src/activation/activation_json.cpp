#include "activation/activation_json.hpp"

#include "core/log.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace activation {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Dynamic::Var;

Var opt(const std::optional<std::string>& s) { return s ? Var(*s) : Var(); }

Object client(const store::Linkage& l) {
    Object c(Poco::JSON_PRESERVE_KEY_ORDER);
    c.set("name", l.client_name);
    c.set("orgnr", core::mask_personal_numbers(l.client_orgnr));
    c.set("subscription", l.client_subscription);
    return c;
}

template <typename T>
std::string text(const T& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Object entry(const ClientEntry& e) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("linkage_id", e.linkage.id);
    o.set("state", std::string(core::to_string(e.linkage.state)));
    o.set("client", client(e.linkage));
    o.set("source", std::string(core::to_string(e.linkage.source)));
    o.set("activated_at", opt(e.linkage.activated_at));
    o.set("activated_by", opt(e.linkage.activated_by));
    Array consultants;
    for (auto& a : e.consultants) {
        Object c(Poco::JSON_PRESERVE_KEY_ORDER);
        c.set("username", a.username);
        c.set("name", a.user_name);
        Array p;
        for (auto& x : a.permissions) p.add(x);
        c.set("permissions", p);
        c.set("granted_at", a.granted_at);
        c.set("granted_by", a.granted_by);
        consultants.add(c);
    }
    o.set("consultants", consultants);
    return o;
}

}  // namespace

std::string activation_list_json(const std::vector<store::Linkage>& list) {
    Array arr;
    for (auto& l : list) {
        Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("linkage_id", l.id);
        o.set("client", client(l));
        o.set("source", std::string(core::to_string(l.source)));
        o.set("approved_at", opt(l.decided_at));
        o.set("approved_via", opt(l.approved_via));
        o.set("decided_by", opt(l.decided_by));
        arr.add(o);
    }
    Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("activation_list", arr);
    return text(out);
}

std::string client_entry_json(const ClientEntry& e) { return text(entry(e)); }

std::string client_list_json(const std::vector<ClientEntry>& list) {
    Array arr;
    for (auto& e : list) arr.add(entry(e));
    Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("client_list", arr);
    return text(out);
}

std::string history_json(const History& h) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("linkage_id", h.linkage.id);
    o.set("state", std::string(core::to_string(h.linkage.state)));
    o.set("source", std::string(core::to_string(h.linkage.source)));
    o.set("bureau", h.linkage.bureau_name);
    o.set("client", client(h.linkage));
    Array lines;
    for (auto& l : h.lines) {
        Object x(Poco::JSON_PRESERVE_KEY_ORDER);
        x.set("at", l.at);
        x.set("who", l.who);
        x.set("text", l.text);
        lines.add(x);
    }
    o.set("history", lines);
    return text(o);
}

}  // namespace activation
