#include "store/registry_repo.hpp"

#include "store/approval_token_repo.hpp"
#include "store/event_log.hpp"
#include "store/json_text.hpp"
#include "store/linkage_repo.hpp"

#include <algorithm>

namespace store {

namespace {

constexpr const char* k_bureau_cols = "id, orgnr, name, product, multi_company";
constexpr const char* k_client_cols = "id, orgnr, subscription, name, multi_company";
constexpr const char* k_buser_cols = "id, bureau_id, username, name, email, role, active";
constexpr const char* k_cuser_cols = "id, client_id, name, email, role, active";

Bureau read_bureau(Statement& s) {
    return {s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4) != 0};
}
Client read_client(Statement& s) {
    return {s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4) != 0};
}
BureauUser read_buser(Statement& s) {
    return {s.get_int(0), s.get_int(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_text(5), s.get_int(6) != 0};
}
ClientUser read_cuser(Statement& s) {
    return {s.get_int(0), s.get_int(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_int(5) != 0};
}

template <class T, class F>
std::optional<T> one(Connection& c, const std::string& sql, F bind, T (*read)(Statement&)) {
    auto s = c.prepare(sql);
    bind(*s);
    if (!s->step()) return std::nullopt;
    return read(*s);
}

template <class T, class F>
std::vector<T> many(Connection& c, const std::string& sql, F bind, T (*read)(Statement&)) {
    auto s = c.prepare(sql);
    bind(*s);
    std::vector<T> out;
    while (s->step()) out.push_back(read(*s));
    return out;
}

std::string bureau_json(const std::string& orgnr, const std::string& name, const std::string& product, bool mc) {
    return json_object({{"orgnr", orgnr}, {"name", name}, {"product", product}, {"multi_company", mc}});
}
std::string client_json(const std::string& orgnr, const std::string& sub, const std::string& name, bool mc) {
    return json_object({{"orgnr", orgnr}, {"subscription", sub}, {"name", name}, {"multi_company", mc}});
}
std::string user_json(const std::string& name, const std::string& email, const std::string& role, bool active) {
    return json_object({{"name", name}, {"email", email}, {"role", role}, {"active", active}});
}

}  // namespace

std::optional<Bureau> RegistryRepo::bureau_by_orgnr(const std::string& orgnr) const {
    return one<Bureau>(m_c, std::string("SELECT ") + k_bureau_cols + " FROM bureaus WHERE orgnr = ?",
                       [&](Statement& s) { s.bind(1, orgnr); }, read_bureau);
}
std::optional<Bureau> RegistryRepo::bureau_by_id(Id id) const {
    return one<Bureau>(m_c, std::string("SELECT ") + k_bureau_cols + " FROM bureaus WHERE id = ?",
                       [&](Statement& s) { s.bind(1, id); }, read_bureau);
}
std::optional<Client> RegistryRepo::client_by_orgnr(const std::string& orgnr) const {
    return one<Client>(m_c, std::string("SELECT ") + k_client_cols + " FROM clients WHERE orgnr = ?",
                       [&](Statement& s) { s.bind(1, orgnr); }, read_client);
}
std::optional<Client> RegistryRepo::client_by_subscription(const std::string& digits) const {
    return one<Client>(m_c, std::string("SELECT ") + k_client_cols + " FROM clients WHERE subscription = ?",
                       [&](Statement& s) { s.bind(1, digits); }, read_client);
}
std::optional<Client> RegistryRepo::client_by_id(Id id) const {
    return one<Client>(m_c, std::string("SELECT ") + k_client_cols + " FROM clients WHERE id = ?",
                       [&](Statement& s) { s.bind(1, id); }, read_client);
}
std::vector<Bureau> RegistryRepo::bureaus() const {
    return many<Bureau>(m_c, std::string("SELECT ") + k_bureau_cols + " FROM bureaus ORDER BY name",
                        [](Statement&) {}, read_bureau);
}
std::vector<Client> RegistryRepo::clients() const {
    return many<Client>(m_c, std::string("SELECT ") + k_client_cols + " FROM clients ORDER BY name",
                        [](Statement&) {}, read_client);
}
std::vector<BureauUser> RegistryRepo::bureau_users(Id bureau_id) const {
    return many<BureauUser>(m_c,
                            std::string("SELECT ") + k_buser_cols +
                                " FROM bureau_users WHERE bureau_id = ? ORDER BY username",
                            [&](Statement& s) { s.bind(1, bureau_id); }, read_buser);
}
std::optional<BureauUser> RegistryRepo::bureau_user(const std::string& username) const {
    return one<BureauUser>(m_c, std::string("SELECT ") + k_buser_cols + " FROM bureau_users WHERE username = ?",
                           [&](Statement& s) { s.bind(1, username); }, read_buser);
}
std::vector<ClientUser> RegistryRepo::client_users(Id client_id) const {
    return many<ClientUser>(m_c,
                            std::string("SELECT ") + k_cuser_cols +
                                " FROM client_users WHERE client_id = ? AND active = 1 ORDER BY id",
                            [&](Statement& s) { s.bind(1, client_id); }, read_cuser);
}
std::vector<ClientUser> RegistryRepo::client_administrators(Id client_id) const {
    return many<ClientUser>(m_c,
                            std::string("SELECT ") + k_cuser_cols +
                                " FROM client_users WHERE client_id = ? AND active = 1 "
                                "AND role = 'system_administrator' ORDER BY id",
                            [&](Statement& s) { s.bind(1, client_id); }, read_cuser);
}

void RegistryRepo::invalidate_stale_links(const std::string& actor, const std::string& now, ImportSummary& sum) {
    ApprovalTokenRepo tokens(m_c);
    LinkageRepo linkages(m_c, m_clock);
    EventLog log(m_c);
    std::vector<Id> touched;
    for (auto& st : tokens.stale_pending()) {
        if (!tokens.invalidate(st.token_id, st.reason, now)) continue;
        ++sum.links_invalidated;
        log.append(now, actor, "linkage", st.linkage_id, "approval_link_invalidated", std::nullopt,
                   json_object({{"approval_token_id", static_cast<long long>(st.token_id)},
                                {"client_user_id", static_cast<long long>(st.client_user_id)},
                                {"reason", st.reason}}));
        if (std::find(touched.begin(), touched.end(), st.linkage_id) == touched.end())
            touched.push_back(st.linkage_id);
    }
    // A request nobody can answer any more ends now instead of hanging until
    // its links expire. `expired`, not `revoked`: nobody withdrew it, and the
    // bureau may ask the client's current administrators again at once.
    for (Id id : touched) {
        if (tokens.open_count(id) > 0) continue;
        auto l = linkages.get(id);
        if (!l || l->state != core::LinkageState::requested) continue;
        linkages.change_state(id, core::LinkageState::expired, actor);
        ++sum.requests_ended;
        log.append(now, actor, "linkage", id, "request_ended", std::nullopt,
                   json_object({{"reason", std::string("no_valid_approval_link")}}));
    }
}

ImportSummary RegistryRepo::apply(const core::RegistryData& data, const std::string& actor) {
    ImportSummary sum;
    EventLog log(m_c);
    const std::string now = core::format_utc(m_clock.now());
    Transaction tx(m_c);
    std::string where;  // names the record being written, for a clear error
    try {
        for (auto& b : data.bureaus) {
            where = "bureau " + b.orgnr;
            Id bid;
            auto existing = bureau_by_orgnr(b.orgnr);
            std::string after = bureau_json(b.orgnr, b.name, b.product, b.multi_company);
            if (!existing) {
                auto s = m_c.prepare(
                    "INSERT INTO bureaus (orgnr, name, product, multi_company, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
                s->bind(1, b.orgnr).bind(2, b.name).bind(3, b.product).bind(4, b.multi_company).bind(5, now).bind(6, now);
                s->step();
                bid = s->get_int(0);
                s->reset();
                log.append(now, actor, "bureau", bid, "created", std::nullopt, after);
                ++sum.created;
            } else {
                bid = existing->id;
                std::string before = bureau_json(existing->orgnr, existing->name, existing->product, existing->multi_company);
                if (before != after) {
                    auto s = m_c.prepare(
                        "UPDATE bureaus SET name = ?, product = ?, multi_company = ?, updated_at = ? WHERE id = ?");
                    s->bind(1, b.name).bind(2, b.product).bind(3, b.multi_company).bind(4, now).bind(5, bid);
                    s->run();
                    log.append(now, actor, "bureau", bid, "updated", before, after);
                    ++sum.updated;
                } else {
                    ++sum.unchanged;
                }
            }
            std::vector<std::string> listed;
            for (auto& u : b.users) {
                where = "bureau " + b.orgnr + " user " + u.username;
                listed.push_back(u.username);
                auto eu = bureau_user(u.username);
                std::string uafter = user_json(u.name, u.email, u.role, true);
                if (eu && eu->bureau_id != bid)
                    throw ConstraintError("username is already used by another bureau's user");
                if (!eu) {
                    auto s = m_c.prepare(
                        "INSERT INTO bureau_users (bureau_id, username, name, email, role, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
                    s->bind(1, bid).bind(2, u.username).bind(3, u.name).bind(4, u.email).bind(5, u.role).bind(6, now).bind(7, now);
                    s->step();
                    Id uid = s->get_int(0);
                    s->reset();
                    log.append(now, actor, "bureau_user", uid, "created", std::nullopt, uafter);
                    ++sum.created;
                } else {
                    std::string ubefore = user_json(eu->name, eu->email, eu->role, eu->active);
                    if (ubefore != uafter) {
                        auto s = m_c.prepare(
                            "UPDATE bureau_users SET name = ?, email = ?, role = ?, active = 1, updated_at = ? WHERE id = ?");
                        s->bind(1, u.name).bind(2, u.email).bind(3, u.role).bind(4, now).bind(5, eu->id);
                        s->run();
                        log.append(now, actor, "bureau_user", eu->id, "updated", ubefore, uafter);
                        ++sum.updated;
                    } else {
                        ++sum.unchanged;
                    }
                }
            }
            for (auto& eu : bureau_users(bid)) {
                if (!eu.active || std::find(listed.begin(), listed.end(), eu.username) != listed.end()) continue;
                auto s = m_c.prepare("UPDATE bureau_users SET active = 0, updated_at = ? WHERE id = ?");
                s->bind(1, now).bind(2, eu.id);
                s->run();
                log.append(now, actor, "bureau_user", eu.id, "deactivated",
                           user_json(eu.name, eu.email, eu.role, true), user_json(eu.name, eu.email, eu.role, false));
                ++sum.deactivated;
            }
        }
        for (auto& c : data.clients) {
            where = "client " + c.orgnr;
            Id cid;
            auto existing = client_by_orgnr(c.orgnr);
            std::string after = client_json(c.orgnr, c.subscription, c.name, c.multi_company);
            if (!existing) {
                auto s = m_c.prepare(
                    "INSERT INTO clients (orgnr, subscription, name, multi_company, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
                s->bind(1, c.orgnr).bind(2, c.subscription).bind(3, c.name).bind(4, c.multi_company).bind(5, now).bind(6, now);
                s->step();
                cid = s->get_int(0);
                s->reset();
                log.append(now, actor, "client", cid, "created", std::nullopt, after);
                ++sum.created;
            } else {
                cid = existing->id;
                std::string before = client_json(existing->orgnr, existing->subscription, existing->name, existing->multi_company);
                if (before != after) {
                    auto s = m_c.prepare(
                        "UPDATE clients SET subscription = ?, name = ?, multi_company = ?, updated_at = ? WHERE id = ?");
                    s->bind(1, c.subscription).bind(2, c.name).bind(3, c.multi_company).bind(4, now).bind(5, cid);
                    s->run();
                    log.append(now, actor, "client", cid, "updated", before, after);
                    ++sum.updated;
                } else {
                    ++sum.unchanged;
                }
            }
            std::vector<std::string> listed;
            auto all_users = many<ClientUser>(
                m_c, std::string("SELECT ") + k_cuser_cols + " FROM client_users WHERE client_id = ?",
                [&](Statement& s) { s.bind(1, cid); }, read_cuser);
            for (auto& u : c.users) {
                where = "client " + c.orgnr + " user " + u.email;
                listed.push_back(u.email);
                const ClientUser* eu = nullptr;
                for (auto& x : all_users)
                    if (x.email == u.email) eu = &x;
                std::string uafter = user_json(u.name, u.email, u.role, true);
                if (!eu) {
                    auto s = m_c.prepare(
                        "INSERT INTO client_users (client_id, name, email, role, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
                    s->bind(1, cid).bind(2, u.name).bind(3, u.email).bind(4, u.role).bind(5, now).bind(6, now);
                    s->step();
                    Id uid = s->get_int(0);
                    s->reset();
                    log.append(now, actor, "client_user", uid, "created", std::nullopt, uafter);
                    ++sum.created;
                } else {
                    std::string ubefore = user_json(eu->name, eu->email, eu->role, eu->active);
                    if (ubefore != uafter) {
                        auto s = m_c.prepare(
                            "UPDATE client_users SET name = ?, role = ?, active = 1, updated_at = ? WHERE id = ?");
                        s->bind(1, u.name).bind(2, u.role).bind(3, now).bind(4, eu->id);
                        s->run();
                        log.append(now, actor, "client_user", eu->id, "updated", ubefore, uafter);
                        ++sum.updated;
                    } else {
                        ++sum.unchanged;
                    }
                }
            }
            for (auto& eu : all_users) {
                if (!eu.active || std::find(listed.begin(), listed.end(), eu.email) != listed.end()) continue;
                auto s = m_c.prepare("UPDATE client_users SET active = 0, updated_at = ? WHERE id = ?");
                s->bind(1, now).bind(2, eu.id);
                s->run();
                log.append(now, actor, "client_user", eu.id, "deactivated",
                           user_json(eu.name, eu.email, eu.role, true), user_json(eu.name, eu.email, eu.role, false));
                ++sum.deactivated;
            }
        }
    } catch (const ConstraintError& e) {
        throw ConstraintError(where + ": " + e.what() + "; nothing was imported");
    }
    invalidate_stale_links(actor, now, sum);
    tx.commit();
    return sum;
}

}  // namespace store
