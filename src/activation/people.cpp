#include "activation/people.hpp"

#include "store/bureau_notice_repo.hpp"
#include "store/registry_repo.hpp"

#include "core/clock.hpp"

namespace activation {

namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

std::string People::name(const std::string& actor) {
    auto it = m_cache.find(actor);
    if (it != m_cache.end()) return it->second;
    return m_cache[actor] = look_up(actor);
}

std::string People::look_up(const std::string& actor) {
    store::BureauNoticeRepo names(m_c);
    // decided_by of a paper approval: "signed paper form (Signer)" and
    // "reviewer (review of signed paper form)" (batch and review).
    constexpr std::string_view k_form = "signed paper form (", k_review = " (review of signed paper form)";
    if (starts_with(actor, std::string(k_form)) && actor.back() == ')')
        return "undertecknad blankett (" + actor.substr(k_form.size());
    if (actor.size() > k_review.size() && actor.ends_with(k_review))
        return name(actor.substr(0, actor.size() - k_review.size())) + ", efter granskning av undertecknad blankett";
    if (starts_with(actor, "bureau_user:")) {
        core::SystemClock clock;
        if (auto u = store::RegistryRepo(m_c, clock).bureau_user(actor.substr(12))) return u->name;
        return actor.substr(12);
    }
    if (starts_with(actor, "client_user:")) {
        try {
            if (auto u = names.client_user(std::stoll(actor.substr(12)))) return u->name;
        } catch (const std::exception&) {
        }
        return "en användare hos klienten";
    }
    if (starts_with(actor, "cli:")) return k_back_office;
    if (starts_with(actor, "staff:")) {
        if (auto n = names.staff_name(actor.substr(6))) return std::string(k_back_office) + " (" + *n + ")";
        return k_back_office;
    }
    if (starts_with(actor, "system:") || actor == "mail" || actor == "batch") return "Kopplingsdesken (automatiskt)";
    if (starts_with(actor, "paper-form:")) return "undertecknad blankett";
    if (auto n = names.staff_name(actor)) return std::string(k_back_office) + " (" + *n + ")";
    return actor;
}

}  // namespace activation
