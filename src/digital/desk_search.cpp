// Desk::search: the client directory as a bureau user sees it (issue 6;
// issue 16 "less to harvest": names only for both numbers, no directory for
// paper-only bureaus, a daily quota). See desk.hpp.
#include "core/log.hpp"
#include "core/org_number.hpp"
#include "digital/desk.hpp"
#include "digital/wording.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

namespace digital {

namespace {

using S = SearchResult::Status;

std::chrono::year_month_day today(const core::Clock& clock) {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock.now())};
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

SearchResult invalid(std::string code, std::string message) {
    SearchResult r;
    r.status = S::invalid;
    r.reason = std::move(code);
    r.message = std::move(message);
    return r;
}

}  // namespace

SearchResult Desk::search(const store::Principal& who, std::string_view query,
                          std::string_view subscription) const {
    if (m_o.search_quota) {
        const auto day = std::chrono::floor<std::chrono::days>(m_clock.now()).time_since_epoch().count();
        auto got = m_o.search_quota->take(who.user_id, day, m_o.searches_per_user_per_day);
        if (got != SearchQuota::Outcome::allowed) {
            if (got == SearchQuota::Outcome::refused_first)
                core::process_logger()
                    .warning("search.quota_exceeded")
                    .kv("user", who.username)
                    .kv("bureau", static_cast<std::int64_t>(who.bureau_id))
                    .kv("per_day", m_o.searches_per_user_per_day);
            SearchResult r;
            r.status = S::quota_exceeded;
            r.reason = "search_quota";
            r.message = search_quota_message(m_o.searches_per_user_per_day);
            return r;
        }
    }
    return lookup(who, query, subscription);
}

SearchResult Desk::lookup(const store::Principal& who, std::string_view query, std::string_view sub_query) const {
    store::RegistryRepo registry(m_c, m_clock);
    auto bureau = registry.bureau_by_id(who.bureau_id);
    if (!bureau) throw store::StoreError("the signed-in user's bureau " + std::to_string(who.bureau_id) + " is missing");
    // A bureau that may not link digitally gets no directory at all.
    if (auto br = bureau_refusal(*bureau, m_rules); br != Refusal::none) {
        SearchResult r;
        r.status = S::refused;
        r.refusal = br;
        r.reason = std::string(to_code(br));
        r.message = directory_refused_message(br, *bureau);
        return r;
    }
    const std::string q = trim(query);
    const std::string sq = trim(sub_query);
    if (q.empty()) return invalid("empty", invalid_number_message("empty"));
    // The pages post a personal identity number back masked ("19811218-****",
    // never the whole number in a response): with the subscription number it
    // still identifies the client when the unmasked part matches.
    if (!sq.empty() && q.size() == 13 && q.compare(8, 5, "-****") == 0) {
        auto sub = core::normalise_subscription(sq, m_rules.subscription);
        auto c = sub ? registry.client_by_subscription(*sub) : std::nullopt;
        if (!sub || !c || shown_orgnr(c->orgnr) != q) {
            SearchResult r;
            r.status = S::not_found;
            r.reason = "unknown_client";
            r.message = not_found_pair_message(q, sub ? *sub : sq);
            return r;
        }
        return lookup(who, c->orgnr, *sub);
    }
    std::string digits;
    bool has_separator = false;
    for (char c : q) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        else if (c == '-' || c == '+') has_separator = true;
        else if (c != ' ') return invalid("characters", invalid_number_message("characters"));
    }
    std::optional<store::Client> client;
    bool identified = false;
    auto subscription = core::normalise_subscription(digits, m_rules.subscription);
    const bool may_be_subscription = !has_separator && subscription.has_value();
    if (!sq.empty()) {
        // Both numbers: q must be the organisation number, sq the subscription number.
        auto sub = core::normalise_subscription(sq, m_rules.subscription);
        if (!sub) return invalid("subscription", invalid_number_message("subscription"));
        std::string compact;
        for (char c : q)
            if (c != ' ') compact.push_back(c);
        auto on = core::OrgNumber::parse(compact, today(m_clock));
        if (!on)
            return invalid(std::string(core::to_code(on.error().error)),
                           invalid_number_message(core::to_code(on.error().error)));
        client = registry.client_by_orgnr(on->canonical());
        if (!client || client->subscription != *sub) {
            // A mismatch is told exactly like an unknown client.
            SearchResult r;
            r.status = S::not_found;
            r.reason = "unknown_client";
            r.message = not_found_pair_message(shown_orgnr(on->canonical()), *sub);
            return r;
        }
        identified = true;
    } else if (has_separator || digits.size() == 10 || digits.size() == 12) {
        std::string compact;
        for (char c : q)
            if (c != ' ') compact.push_back(c);
        auto on = core::OrgNumber::parse(compact, today(m_clock));
        if (on) client = registry.client_by_orgnr(on->canonical());
        if (!client && may_be_subscription) client = registry.client_by_subscription(*subscription);
        if (!client && !on && !may_be_subscription)
            return invalid(std::string(core::to_code(on.error().error)),
                           invalid_number_message(core::to_code(on.error().error)));
    } else if (may_be_subscription) {
        client = registry.client_by_subscription(*subscription);
    } else {
        return invalid("length", invalid_number_message("length"));
    }

    SearchResult r;
    if (!client) {
        r.status = S::not_found;
        r.reason = "unknown_client";
        r.message = not_found_message(core::mask_personal_numbers(q));
        return r;
    }
    r.status = S::found;
    r.client = client;
    r.identified = identified;
    r.administrators = static_cast<int>(registry.client_administrators(client->id).size());
    r.live = store::LinkageRepo(m_c, m_clock).live_for(bureau->id, client->id);
    r.refusal = Refusal::none;
    if (r.live) r.refusal = Refusal::live_linkage;
    if (r.refusal == Refusal::none && client->multi_company) r.refusal = Refusal::client_multi_company;
    if (r.refusal == Refusal::none && r.administrators == 0) r.refusal = Refusal::no_administrator;
    r.may_request = r.refusal == Refusal::none;
    r.reason = r.may_request ? "" : std::string(to_code(r.refusal));
    r.message = r.may_request ? may_request_message(*client, r.administrators, identified)
                              : refusal_message(r.refusal, *bureau, *client, r.live, identified);
    return r;
}

}  // namespace digital
