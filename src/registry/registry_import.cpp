#include "registry/registry_import.hpp"

#include "core/email_address.hpp"
#include "core/org_number.hpp"
#include "registry/text_hygiene.hpp"

#include <Poco/JSON/Parser.h>

#include <map>
#include <set>

namespace registry {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

class Checker {
public:
    std::vector<ImportProblem> problems;

    void add(const std::string& path, const std::string& msg) { problems.push_back({path, msg}); }

    // A required non-empty string member of at most `max_chars` characters,
    // free of control and bidi characters (text_hygiene.hpp). Empty when it
    // is missing or refused (the problem is recorded).
    std::string text(const Object::Ptr& o, const std::string& path, const std::string& key,
                     std::size_t max_chars = k_max_other_chars) {
        std::string p = path + "." + key;
        if (!o->has(key)) {
            add(p, "missing");
            return {};
        }
        auto v = o->get(key);
        if (!v.isString()) {
            add(p, "must be a string");
            return {};
        }
        auto s = v.extract<std::string>();
        if (auto problem = text_problem(s, max_chars)) {
            add(p, *problem);
            return {};
        }
        if (s.find_first_not_of(" \t") == std::string::npos) add(p, "must not be empty");
        return s;
    }

    bool flag(const Object::Ptr& o, const std::string& path, const std::string& key, bool required) {
        if (!o->has(key)) {
            if (required) add(path + "." + key, "missing");
            return false;
        }
        auto v = o->get(key);
        if (!v.isBoolean()) {
            add(path + "." + key, "must be true or false");
            return false;
        }
        return v.extract<bool>();
    }

    std::string orgnr(const Object::Ptr& o, const std::string& path, const std::string& key) {
        std::string raw = text(o, path, key);
        if (raw.empty()) return {};
        auto on = core::OrgNumber::parse(raw);
        if (!on) {
            add(path + "." + key, "invalid organisation number '" + raw + "': " + on.error().message);
            return {};
        }
        return on->canonical();
    }

    Array::Ptr array(const Object::Ptr& o, const std::string& path, const std::string& key, bool required) {
        if (!o->has(key)) {
            if (required) add(path + "." + key, "missing");
            return nullptr;
        }
        auto a = o->getArray(key);
        if (!a) add(path + "." + key, "must be an array");
        return a;
    }

    Object::Ptr object_at(const Array::Ptr& a, size_t i, const std::string& path) {
        auto o = a->getObject(static_cast<unsigned>(i));
        if (!o) add(path, "must be an object");
        return o;
    }

    // The e-mail member `key`: RFC 5321/5322 syntax by the rule the SMTP
    // envelope applies too (core/email_address.hpp). Empty when refused.
    std::string email(const Object::Ptr& o, const std::string& path, const std::string& key) {
        const std::string p = path + "." + key;
        const std::size_t before = problems.size();
        std::string e = text(o, path, key, core::k_email_max_length);
        if (e.empty() || problems.size() != before) return {};
        if (auto problem = core::email_address_problem(e)) {
            add(p, "'" + e + "' is not a usable e-mail address: it " + *problem);
            return {};
        }
        return e;
    }
};

}  // namespace

std::expected<core::RegistryData, std::vector<ImportProblem>> parse_registry(std::string_view json,
                                                                             const core::SubscriptionFormat& format) {
    Checker ck;
    Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        auto v = parser.parse(std::string(json));
        root = v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr;
    } catch (const Poco::Exception& e) {
        return std::unexpected(std::vector<ImportProblem>{{"$", "not valid JSON: " + e.displayText()}});
    }
    if (!root) return std::unexpected(std::vector<ImportProblem>{{"$", "must be a JSON object"}});

    core::RegistryData data;
    std::map<std::string, std::string> seen_orgnr, seen_username, seen_sub;

    if (auto bureaus = ck.array(root, "$", "bureaus", true)) {
        for (size_t i = 0; i < bureaus->size(); ++i) {
            std::string p = "$.bureaus[" + std::to_string(i) + "]";
            auto o = ck.object_at(bureaus, i, p);
            if (!o) continue;
            core::BureauRecord b;
            b.orgnr = ck.orgnr(o, p, "orgnr");
            b.name = ck.text(o, p, "name", k_max_name_chars);
            b.product = ck.text(o, p, "product");
            if (!b.product.empty() && b.product != "digital_byra" && b.product != "klienthanterare")
                ck.add(p + ".product", "'" + b.product + "' is not a product: use digital_byra or klienthanterare");
            b.multi_company = ck.flag(o, p, "multi_company", false);
            if (!b.orgnr.empty()) {
                auto [it, fresh] = seen_orgnr.emplace("b" + b.orgnr, p);
                if (!fresh) ck.add(p + ".orgnr", "bureau " + b.orgnr + " is listed twice (first at " + it->second + ")");
            }
            if (auto users = ck.array(o, p, "users", false)) {
                for (size_t j = 0; j < users->size(); ++j) {
                    std::string up = p + ".users[" + std::to_string(j) + "]";
                    auto uo = ck.object_at(users, j, up);
                    if (!uo) continue;
                    core::BureauUserRecord u;
                    u.username = ck.text(uo, up, "username", k_max_username_chars);
                    u.name = ck.text(uo, up, "name", k_max_name_chars);
                    u.email = ck.email(uo, up, "email");
                    u.role = ck.text(uo, up, "role");
                    if (!u.role.empty() && u.role != "consultant" && u.role != "admin")
                        ck.add(up + ".role", "'" + u.role + "' is not a bureau role: use consultant or admin");
                    if (!u.username.empty()) {
                        auto [it, fresh] = seen_username.emplace(u.username, up);
                        if (!fresh)
                            ck.add(up + ".username", "username '" + u.username + "' is used twice (first at " + it->second + ")");
                    }
                    b.users.push_back(std::move(u));
                }
            }
            data.bureaus.push_back(std::move(b));
        }
    }

    if (auto clients = ck.array(root, "$", "clients", true)) {
        for (size_t i = 0; i < clients->size(); ++i) {
            std::string p = "$.clients[" + std::to_string(i) + "]";
            auto o = ck.object_at(clients, i, p);
            if (!o) continue;
            core::ClientRecord c;
            c.orgnr = ck.orgnr(o, p, "orgnr");
            std::string raw_sub = ck.text(o, p, "subscription");
            if (!raw_sub.empty()) {
                auto sub = core::normalise_subscription(raw_sub, format);
                if (!sub) ck.add(p + ".subscription", "invalid subscription number '" + raw_sub + "': " + sub.error());
                else c.subscription = *sub;
            }
            c.name = ck.text(o, p, "name", k_max_name_chars);
            c.multi_company = ck.flag(o, p, "multi_company", false);
            if (!c.orgnr.empty()) {
                auto [it, fresh] = seen_orgnr.emplace("c" + c.orgnr, p);
                if (!fresh) ck.add(p + ".orgnr", "client " + c.orgnr + " is listed twice (first at " + it->second + ")");
            }
            if (!c.subscription.empty()) {
                auto [it, fresh] = seen_sub.emplace(c.subscription, p);
                if (!fresh)
                    ck.add(p + ".subscription", "subscription number " + c.subscription + " is used twice (first at " + it->second + ")");
            }
            std::set<std::string> emails;
            if (auto users = ck.array(o, p, "users", false)) {
                for (size_t j = 0; j < users->size(); ++j) {
                    std::string up = p + ".users[" + std::to_string(j) + "]";
                    auto uo = ck.object_at(users, j, up);
                    if (!uo) continue;
                    core::ClientUserRecord u;
                    u.name = ck.text(uo, up, "name", k_max_name_chars);
                    u.email = ck.email(uo, up, "email");
                    u.role = ck.text(uo, up, "role");
                    if (!u.role.empty() && u.role != "system_administrator" && u.role != "user")
                        ck.add(up + ".role", "'" + u.role + "' is not a client role: use system_administrator or user");
                    if (!u.email.empty() && !emails.insert(u.email).second)
                        ck.add(up + ".email", "e-mail " + u.email + " is listed twice for this client");
                    c.users.push_back(std::move(u));
                }
            }
            data.clients.push_back(std::move(c));
        }
    }

    if (!ck.problems.empty()) return std::unexpected(std::move(ck.problems));
    return data;
}

std::vector<ImportProblem> registry_warnings(const core::RegistryData& data) {
    std::vector<ImportProblem> out;
    std::map<std::string, std::size_t> first_by_skeleton;
    for (std::size_t i = 0; i < data.bureaus.size(); ++i) {
        const auto& name = data.bureaus[i].name;
        const std::string p = "$.bureaus[" + std::to_string(i) + "].name";
        if (mixes_scripts(name))
            out.push_back({p, "bureau name '" + name + "' mixes Latin letters with Cyrillic or Greek ones that look alike; "
                              "check that it is typed as intended"});
        auto [it, fresh] = first_by_skeleton.emplace(skeleton(name), i);
        if (!fresh && data.bureaus[it->second].name != name)
            out.push_back({p, "bureau name '" + name + "' looks confusingly like '" + data.bureaus[it->second].name +
                              "' ($.bureaus[" + std::to_string(it->second) + "].name); check that they are really "
                              "two different bureaus and that the names are typed as intended"});
    }
    return out;
}

}  // namespace registry
