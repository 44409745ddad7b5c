#include "digital/desk.hpp"

#include "core/org_number.hpp"
#include "digital/secrets.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/linkage_repo.hpp"
#include "store/mail_queue.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace digital {

namespace {

using S = SearchResult::Status;

std::string json_text(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

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

std::string_view to_code(Refusal r) {
    switch (r) {
        case Refusal::none: return "none";
        case Refusal::bureau_excluded: return "bureau_excluded";
        case Refusal::bureau_multi_company: return "bureau_multi_company";
        case Refusal::client_multi_company: return "client_multi_company";
        case Refusal::no_administrator: return "no_administrator";
        case Refusal::live_linkage: return "live_linkage";
    }
    return "none";
}

bool needs_paper_form(Refusal r) {
    return r == Refusal::bureau_excluded || r == Refusal::bureau_multi_company || r == Refusal::client_multi_company ||
           r == Refusal::no_administrator;
}

Refusal bureau_refusal(const store::Bureau& b, const core::Rules& rules) {
    if (rules.exclusions.match(b.orgnr, b.name)) return Refusal::bureau_excluded;
    if (b.multi_company) return Refusal::bureau_multi_company;
    return Refusal::none;
}

std::string_view to_code(LinkStatus s) {
    switch (s) {
        case LinkStatus::unknown: return "unknown";
        case LinkStatus::pending: return "pending";
        case LinkStatus::approved: return "approved";
        case LinkStatus::approved_by_paper: return "approved_by_paper";
        case LinkStatus::declined: return "declined";
        case LinkStatus::expired: return "expired";
        case LinkStatus::revoked: return "revoked";
    }
    return "unknown";
}

SearchResult Desk::search(const store::Principal& who, std::string_view query) const {
    store::RegistryRepo registry(m_c, m_clock);
    const std::string q = trim(query);
    if (q.empty()) return invalid("empty", invalid_number_message("empty"));
    std::string digits;
    bool has_separator = false;
    for (char c : q) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        else if (c == '-' || c == '+') has_separator = true;
        else if (c != ' ') return invalid("characters", invalid_number_message("characters"));
    }
    std::optional<store::Client> client;
    auto subscription = core::normalise_subscription(digits, m_rules.subscription);
    const bool may_be_subscription = !has_separator && subscription.has_value();
    if (has_separator || digits.size() == 10 || digits.size() == 12) {
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
        r.message = not_found_message(q);
        return r;
    }
    r.status = S::found;
    r.client = client;
    r.administrators = static_cast<int>(registry.client_administrators(client->id).size());
    auto bureau = registry.bureau_by_id(who.bureau_id);
    if (!bureau) throw store::StoreError("the signed-in user's bureau " + std::to_string(who.bureau_id) + " is missing");
    r.live = store::LinkageRepo(m_c, m_clock).live_for(bureau->id, client->id);
    r.refusal = bureau_refusal(*bureau, m_rules);
    if (r.refusal == Refusal::none && r.live) r.refusal = Refusal::live_linkage;
    if (r.refusal == Refusal::none && client->multi_company) r.refusal = Refusal::client_multi_company;
    if (r.refusal == Refusal::none && r.administrators == 0) r.refusal = Refusal::no_administrator;
    r.may_request = r.refusal == Refusal::none;
    r.reason = r.may_request ? "" : std::string(to_code(r.refusal));
    r.message = r.may_request ? may_request_message(*client, r.administrators)
                              : refusal_message(r.refusal, *bureau, *client, r.live);
    return r;
}

RequestResult Desk::request(const store::Principal& who, std::string_view query) {
    RequestResult out;
    out.search = search(who, query);
    switch (out.search.status) {
        case S::invalid: out.status = RequestResult::Status::invalid; return out;
        case S::not_found: out.status = RequestResult::Status::not_found; return out;
        case S::found: break;
    }
    if (!out.search.may_request) {
        out.status = out.search.refusal == Refusal::live_linkage ? RequestResult::Status::conflict
                                                                 : RequestResult::Status::refused;
        if (out.search.live) {
            out.linkage_id = out.search.live->id;
            out.state = out.search.live->state;
        }
        return out;
    }
    const store::Client& client = *out.search.client;
    store::RegistryRepo registry(m_c, m_clock);
    store::LinkageRepo linkages(m_c, m_clock);
    store::ApprovalTokenRepo tokens(m_c);
    store::MailQueue queue(m_c);
    const std::string actor = "bureau_user:" + who.username;
    try {
        store::Transaction tx(m_c);
        const auto now = m_clock.now();
        const std::string now_text = core::format_utc(now);
        const auto until = now + std::chrono::days(m_o.valid_days);
        const std::string until_text = core::format_utc(until);
        auto bureau = registry.bureau_by_id(who.bureau_id);
        auto admins = registry.client_administrators(client.id);
        const store::Id id = linkages.create(who.bureau_id, client.id, core::LinkageSource::digital, actor);
        Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
        detail.set("requested_by", who.username);
        detail.set("requester_name", who.name);
        detail.set("administrators", static_cast<int>(admins.size()));
        detail.set("valid_until", until_text);
        linkages.add_evidence(id, "digital_request", actor, json_text(detail));
        for (auto& admin : admins) {
            const std::string token = random_token();
            const store::Id token_id = tokens.insert(id, admin.id, sha256_hex(token), now_text, until_text);
            mail::ApprovalMail m;
            m.recipient_name = admin.name;
            m.bureau_name = bureau->name;
            m.bureau_orgnr = bureau->orgnr;
            m.client_name = client.name;
            m.client_orgnr = client.orgnr;
            m.requester_name = who.name;
            m.requested_at = mail::swedish_datetime(now);
            m.valid_until = mail::swedish_datetime(until);
            m.link = m_o.base_url + "/approve/" + token;
            auto composed = m_templates.approval_request(m);
            store::NewMail nm;
            nm.message_id = "koppling-" + std::to_string(id) + "-" + std::to_string(token_id) + "-" + random_id() +
                            "@kopplingsdesken";
            nm.linkage_id = id;
            nm.recipient_name = admin.name;
            nm.recipient = admin.email;
            nm.subject = composed.subject;
            nm.body = composed.body;
            nm.secret = token;
            queue.enqueue(nm, now_text);
        }
        tx.commit();
        out.status = RequestResult::Status::created;
        out.linkage_id = id;
        out.state = core::LinkageState::requested;
        out.administrators_notified = static_cast<int>(admins.size());
        return out;
    } catch (const store::ConstraintError&) {
        // Another request for the pair won the race: report the live linkage.
        auto live = linkages.live_for(who.bureau_id, client.id);
        if (!live) throw;
        out.status = RequestResult::Status::conflict;
        out.search.refusal = Refusal::live_linkage;
        out.search.may_request = false;
        out.search.live = live;
        out.search.reason = std::string(to_code(Refusal::live_linkage));
        auto bureau = registry.bureau_by_id(who.bureau_id);
        out.search.message = refusal_message(Refusal::live_linkage, *bureau, client, live);
        out.linkage_id = live->id;
        out.state = live->state;
        return out;
    }
}

std::optional<store::ApprovalToken> Desk::find_token(std::string_view token) const {
    if (!is_well_formed_token(token)) return std::nullopt;
    const std::string hash = sha256_hex(token);
    // The lookup is by hash, so its timing says nothing useful about the
    // token; the final comparison is constant-time all the same.
    auto t = store::ApprovalTokenRepo(m_c).by_hash(hash);
    if (!t || !constant_time_equal(t->token_hash, hash)) return std::nullopt;
    return t;
}

bool Desk::expire_if_due(store::Id linkage_id) {
    store::Transaction tx(m_c);
    store::LinkageRepo linkages(m_c, m_clock);
    auto l = linkages.get(linkage_id);
    if (!l || l->state != core::LinkageState::requested) return false;
    const std::string now = core::format_utc(m_clock.now());
    auto all = store::ApprovalTokenRepo(m_c).for_linkage(linkage_id);
    if (all.empty()) return false;
    for (auto& t : all)
        if (t.valid_until > now) return false;
    linkages.change_state(linkage_id, core::LinkageState::expired, "system:expiry");
    tx.commit();
    return true;
}

int Desk::expire_due() {
    int n = 0;
    for (store::Id id : store::ApprovalTokenRepo(m_c).expired_requests(core::format_utc(m_clock.now())))
        if (expire_if_due(id)) ++n;
    return n;
}

ApprovalView Desk::view_of(const store::ApprovalToken& t) const {
    ApprovalView v;
    auto l = store::LinkageRepo(m_c, m_clock).get(t.linkage_id);
    if (!l) return v;
    v.linkage = *l;
    v.recipient_name = t.user_name;
    v.requested_at = l->created_at;
    v.valid_until = t.valid_until;
    v.requester_name = l->requested_by;
    const std::string prefix = "bureau_user:";
    if (l->requested_by.rfind(prefix, 0) == 0)
        if (auto u = store::RegistryRepo(m_c, m_clock).bureau_user(l->requested_by.substr(prefix.size())))
            v.requester_name = u->name;
    v.decided_at = l->decided_at;
    for (auto& other : store::ApprovalTokenRepo(m_c).for_linkage(t.linkage_id))
        if (other.decision) {
            v.decided_by_name = other.user_name;
            v.decided_by_email = other.user_email;
            v.decided_at = other.decided_at;
            v.decided_by_recipient = other.id == t.id;
        }
    using L = core::LinkageState;
    switch (l->state) {
        case L::requested:
            v.status = core::format_utc(m_clock.now()) >= t.valid_until ? LinkStatus::expired : LinkStatus::pending;
            break;
        case L::approved:
        case L::activated:
            v.status = l->approved_via && *l->approved_via != "digital" ? LinkStatus::approved_by_paper
                                                                         : LinkStatus::approved;
            if (v.status == LinkStatus::approved_by_paper) {
                v.decided_at = l->decided_at;
                v.decided_by_name.reset();
                v.decided_by_email.reset();
                v.decided_by_recipient = false;
            }
            break;
        case L::declined: v.status = LinkStatus::declined; break;
        case L::expired: v.status = LinkStatus::expired; break;
        case L::revoked: v.status = LinkStatus::revoked; break;
    }
    return v;
}

ApprovalView Desk::open(std::string_view token) {
    auto t = find_token(token);
    if (!t) return {};
    // Only a link past its time can expire the request: the common case
    // (a valid link) stays read-only and takes no write lock.
    if (core::format_utc(m_clock.now()) >= t->valid_until) expire_if_due(t->linkage_id);
    return view_of(*t);
}

DecideResult Desk::decide(std::string_view token, Decision d) {
    auto t = find_token(token);
    if (!t) return {};
    if (core::format_utc(m_clock.now()) >= t->valid_until) expire_if_due(t->linkage_id);
    DecideResult r;
    {
        store::Transaction tx(m_c);
        store::LinkageRepo linkages(m_c, m_clock);
        auto l = linkages.get(t->linkage_id);
        const std::string now = core::format_utc(m_clock.now());
        if (!l) return {};
        if (l->state != core::LinkageState::requested) {
            r.status = l->state == core::LinkageState::expired ? DecideResult::Status::expired
                                                               : DecideResult::Status::already_decided;
        } else if (now >= t->valid_until) {
            r.status = DecideResult::Status::expired;
        } else {
            const std::string actor = "client_user:" + std::to_string(t->client_user_id);
            const bool approve = d == Decision::approve;
            linkages.change_state(l->id, approve ? core::LinkageState::approved : core::LinkageState::declined, actor,
                                  approve ? std::optional<std::string>("digital") : std::nullopt);
            store::ApprovalTokenRepo(m_c).record_decision(t->id, approve ? "approve" : "decline", now);
            Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
            detail.set("client_user_id", t->client_user_id);
            detail.set("name", t->user_name);
            detail.set("email", t->user_email);
            detail.set("approval_token_id", t->id);
            linkages.add_evidence(l->id, approve ? "digital_approval" : "digital_decline", actor, json_text(detail));
            tx.commit();
            r.status = DecideResult::Status::done;
        }
    }
    r.view = view_of(*store::ApprovalTokenRepo(m_c).by_hash(t->token_hash));
    return r;
}

}  // namespace digital
