#include "activation/activation.hpp"

#include "store/event_log.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace activation {

namespace {

using S = core::LinkageState;

Problem problem(Refusal r, std::string message) { return Problem{r, std::string(to_code(r)), std::move(message)}; }

std::string state_sv(S s) {
    switch (s) {
        case S::requested: return "väntar på godkännande";
        case S::approved: return "godkänd men inte aktiverad";
        case S::activated: return "redan aktiverad";
        case S::declined: return "avböjd";
        case S::expired: return "har gått ut";
        case S::revoked: return "återkallad";
    }
    return "okänd";
}

}  // namespace

std::string_view to_code(Refusal r) {
    switch (r) {
        case Refusal::not_found: return "not_found";
        case Refusal::wrong_state: return "wrong_state";
        case Refusal::no_consultants: return "no_consultants";
        case Refusal::unknown_user: return "unknown_user";
        case Refusal::inactive_user: return "inactive_user";
        case Refusal::role_not_allowed: return "role_not_allowed";
        case Refusal::duplicate_user: return "duplicate_user";
        case Refusal::no_permissions: return "no_permissions";
        case Refusal::unknown_permission: return "unknown_permission";
        case Refusal::not_administrator: return "not_administrator";
        case Refusal::paper_only: return "paper_only";
    }
    return "unknown";
}

std::vector<store::Linkage> Activation::activation_list(store::Id bureau_id) const {
    store::LinkageFilter f;
    f.bureau_id = bureau_id;
    f.state = S::approved;
    auto out = store::LinkageRepo(m_c, m_clock).list(f);
    // Oldest approval first: the one that has waited longest is on top.
    std::stable_sort(out.begin(), out.end(), [](const store::Linkage& a, const store::Linkage& b) {
        return a.decided_at.value_or("") < b.decided_at.value_or("");
    });
    return out;
}

std::vector<ClientEntry> Activation::client_list(store::Id bureau_id) const {
    store::LinkageFilter f;
    f.bureau_id = bureau_id;
    f.state = S::activated;
    std::vector<ClientEntry> out;
    store::AssignmentRepo assignments(m_c, m_clock);
    for (auto& l : store::LinkageRepo(m_c, m_clock).list(f)) out.push_back({l, assignments.live(l.id)});
    std::sort(out.begin(), out.end(),
              [](const ClientEntry& a, const ClientEntry& b) { return a.linkage.client_name < b.linkage.client_name; });
    return out;
}

std::expected<ClientEntry, Problem> Activation::get(store::Id bureau_id, store::Id linkage_id) const {
    auto l = store::LinkageRepo(m_c, m_clock).get(linkage_id);
    if (!l || l->bureau_id != bureau_id)
        return std::unexpected(problem(Refusal::not_found, "Kopplingen finns inte hos er byrå."));
    return ClientEntry{*l, store::AssignmentRepo(m_c, m_clock).live(l->id)};
}

std::expected<std::vector<std::pair<store::Id, std::vector<std::string>>>, Problem> Activation::check(
    store::Id bureau_id, const std::vector<Grant>& consultants) const {
    if (consultants.empty())
        return std::unexpected(problem(Refusal::no_consultants, "Välj minst en konsult som ska arbeta med klienten."));
    store::RegistryRepo registry(m_c, m_clock);
    std::set<std::string> seen;
    std::vector<std::pair<store::Id, std::vector<std::string>>> out;
    for (auto& g : consultants) {
        auto u = registry.bureau_user(g.username);
        // A user of another bureau is reported like an unknown one: no probing of other bureaus.
        if (!u || u->bureau_id != bureau_id)
            return std::unexpected(
                problem(Refusal::unknown_user, "Användaren '" + g.username + "' finns inte hos er byrå."));
        if (!u->active)
            return std::unexpected(
                problem(Refusal::inactive_user, "Användaren '" + g.username + "' är inte längre aktiv."));
        if (u->role != "consultant" && u->role != "admin")
            return std::unexpected(problem(Refusal::role_not_allowed,
                                           "Användaren '" + g.username + "' kan inte tilldelas klienter."));
        if (!seen.insert(g.username).second)
            return std::unexpected(
                problem(Refusal::duplicate_user, "Användaren '" + g.username + "' finns med två gånger."));
        if (g.permissions.empty())
            return std::unexpected(problem(Refusal::no_permissions,
                                           "Välj minst en behörighet för '" + g.username + "'."));
        for (auto& p : g.permissions)
            if (!m_rules.permissions.contains(p))
                return std::unexpected(problem(Refusal::unknown_permission,
                                               "Behörigheten '" + p + "' finns inte i behörighetskatalogen."));
        out.emplace_back(u->id, g.permissions);
    }
    return out;
}

std::expected<ClientEntry, Problem> Activation::activate(store::Id bureau_id, store::Id linkage_id,
                                                         const std::vector<Grant>& consultants,
                                                         const std::string& actor) {
    store::Transaction tx(m_c);
    store::LinkageRepo links(m_c, m_clock);
    auto l = links.get(linkage_id);
    if (!l || l->bureau_id != bureau_id)
        return std::unexpected(problem(Refusal::not_found, "Kopplingen finns inte hos er byrå."));
    if (l->state != S::approved)
        return std::unexpected(problem(Refusal::wrong_state, "Kopplingen kan inte aktiveras: den är " +
                                                                 state_sv(l->state) + "."));
    if (l->approved_via && *l->approved_via == "digital") {
        // Today's registry and exclusion list, as at request and decision
        // (digital::pair_refusal; activation does not depend on digital).
        store::RegistryRepo registry(m_c, m_clock);
        auto b = registry.bureau_by_id(l->bureau_id);
        auto c = registry.client_by_id(l->client_id);
        if (!b || !c) throw store::StoreError("linkage " + std::to_string(l->id) + " names a missing bureau or client");
        std::string why;
        if (m_rules.exclusions.match(b->orgnr, b->name) || b->multi_company)
            why = b->name + " får inte längre koppla klienter digitalt";
        else if (c->multi_company)
            why = c->name + " är nu registrerad som ett flerbolagsupplägg";
        if (!why.empty())
            return std::unexpected(problem(
                Refusal::paper_only,
                "Kopplingen godkändes digitalt, men " + why +
                    ", så den kan inte aktiveras. Återkalla kopplingen och koppla klienten med undertecknad "
                    "blankett (KOPPLING v1)."));
    }
    auto checked = check(bureau_id, consultants);
    if (!checked) return std::unexpected(checked.error());
    store::AssignmentRepo assignments(m_c, m_clock);
    links.change_state(linkage_id, S::activated, actor);
    for (auto& [user_id, permissions] : *checked) assignments.grant(linkage_id, user_id, permissions, actor);
    tx.commit();
    return ClientEntry{*links.get(linkage_id), assignments.live(linkage_id)};
}

std::expected<ClientEntry, Problem> Activation::change_permissions(store::Id bureau_id, store::Id linkage_id,
                                                                   const std::vector<Grant>& consultants,
                                                                   const std::string& actor) {
    store::Transaction tx(m_c);
    store::LinkageRepo links(m_c, m_clock);
    auto l = links.get(linkage_id);
    if (!l || l->bureau_id != bureau_id)
        return std::unexpected(problem(Refusal::not_found, "Kopplingen finns inte hos er byrå."));
    if (l->state != S::activated)
        return std::unexpected(problem(Refusal::wrong_state, "Behörigheter kan bara ändras för en aktiverad "
                                                             "klient; kopplingen är " + state_sv(l->state) + "."));
    auto checked = check(bureau_id, consultants);
    if (!checked) return std::unexpected(checked.error());
    store::AssignmentRepo assignments(m_c, m_clock);
    std::map<store::Id, std::vector<std::string>> wanted;
    for (auto& [user_id, permissions] : *checked) {
        auto p = permissions;
        std::sort(p.begin(), p.end());
        p.erase(std::unique(p.begin(), p.end()), p.end());
        wanted[user_id] = p;
    }
    for (auto& a : assignments.live(linkage_id)) {
        auto w = wanted.find(a.bureau_user_id);
        if (w != wanted.end() && w->second == a.permissions) {
            wanted.erase(w);  // unchanged: keeps its row
            continue;
        }
        assignments.revoke(a.id, actor);
    }
    for (auto& [user_id, permissions] : wanted) assignments.grant(linkage_id, user_id, permissions, actor);
    tx.commit();
    return ClientEntry{*l, assignments.live(linkage_id)};
}

std::expected<store::Linkage, Problem> Activation::revoke_as(const store::Linkage& l, const std::string& actor,
                                                             const std::string& reason) {
    if (!core::is_live(l.state))
        return std::unexpected(
            problem(Refusal::wrong_state, "Kopplingen kan inte återkallas: den är " + state_sv(l.state) + "."));
    store::LinkageRepo links(m_c, m_clock);
    store::AssignmentRepo assignments(m_c, m_clock);
    for (auto& a : assignments.live(l.id)) assignments.revoke(a.id, actor);
    auto after = links.change_state(l.id, S::revoked, actor);
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("reason", reason);
    std::ostringstream text;
    o.stringify(text);
    store::EventLog(m_c).append(core::format_utc(m_clock.now()), actor, "linkage", l.id, "revocation_reason",
                                std::nullopt, text.str());
    return after;
}

std::expected<store::Linkage, Problem> Activation::revoke(store::Id bureau_id, store::Id linkage_id,
                                                          const std::string& actor, const std::string& reason) {
    store::Transaction tx(m_c);
    auto l = store::LinkageRepo(m_c, m_clock).get(linkage_id);
    if (!l || l->bureau_id != bureau_id)
        return std::unexpected(problem(Refusal::not_found, "Kopplingen finns inte hos er byrå."));
    auto r = revoke_as(*l, actor, reason);
    if (r) tx.commit();
    return r;
}

std::expected<store::Linkage, Problem> Activation::revoke_by_client_admin(store::Id linkage_id,
                                                                          const std::string& admin_email,
                                                                          const std::string& reason) {
    store::Transaction tx(m_c);
    auto l = store::LinkageRepo(m_c, m_clock).get(linkage_id);
    if (!l) return std::unexpected(problem(Refusal::not_found, "Kopplingen finns inte."));
    std::optional<store::ClientUser> admin;
    for (auto& u : store::RegistryRepo(m_c, m_clock).client_administrators(l->client_id))
        if (u.email == admin_email) admin = u;
    if (!admin)
        return std::unexpected(problem(Refusal::not_administrator,
                                       admin_email + " är inte systemadministratör hos " + l->client_name + "."));
    auto r = revoke_as(*l, "client_user:" + std::to_string(admin->id) + " (" + admin->name + ")", reason);
    if (r) tx.commit();
    return r;
}

}  // namespace activation
