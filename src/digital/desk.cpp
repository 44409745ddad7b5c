#include "digital/desk.hpp"

#include "core/log.hpp"
#include "digital/notify.hpp"
#include "digital/secrets.hpp"
#include "digital/wording.hpp"
#include "mail/swedish_time.hpp"
#include "store/event_log.hpp"
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

Refusal refusal_from_code(const std::optional<std::string>& code) {
    for (Refusal r : {Refusal::bureau_excluded, Refusal::bureau_multi_company, Refusal::client_multi_company,
                      Refusal::not_administrator})
        if (code && *code == to_code(r)) return r;
    return Refusal::not_administrator;
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
        case Refusal::not_administrator: return "not_administrator";
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

Refusal pair_refusal(const store::Bureau& b, const store::Client& c, const core::Rules& rules) {
    if (auto r = bureau_refusal(b, rules); r != Refusal::none) return r;
    if (c.multi_company) return Refusal::client_multi_company;
    return Refusal::none;
}

std::string shown_orgnr(const std::string& canonical) {
    // Canonical personal numbers are "YYYYMMDD-NNNN"; legal persons "NNNNNN-NNNN".
    if (canonical.size() == 13 && canonical[8] == '-') return canonical.substr(0, 9) + "****";
    return canonical;
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
        case LinkStatus::invalidated: return "invalidated";
    }
    return "unknown";
}

RequestResult Desk::request(const store::Principal& who, std::string_view query, std::string_view subscription) {
    RequestResult out;
    out.search = lookup(who, query, subscription);  // a request is not a search: no quota
    switch (out.search.status) {
        case S::invalid: out.status = RequestResult::Status::invalid; return out;
        case S::not_found: out.status = RequestResult::Status::not_found; return out;
        case S::refused:
        case S::quota_exceeded: out.status = RequestResult::Status::refused; return out;
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
        // Mail limits, inside the transaction so concurrent requests count each other.
        if (m_o.request_cooldown_days > 0)
            if (auto closed = linkages.last_closed_at(who.bureau_id, client.id)) {
                auto closed_at = core::parse_utc(*closed);
                if (closed_at > now + core::k_clock_tolerance) {
                    // Closed "in the future" by a clock that ran ahead: the
                    // cool-down counts from when a sane clock first saw it.
                    const std::string key =
                        "cooldown:" + std::to_string(who.bureau_id) + ":" + std::to_string(client.id);
                    closed_at = core::parse_utc(tokens.clock_anchor(key, *closed, now_text));
                    core::process_logger()
                        .warning("request.cooldown_in_future")
                        .kv("client", static_cast<std::int64_t>(client.id))
                        .kv("closed_at", *closed)
                        .kv("counted_from", core::format_utc(closed_at));
                }
                const auto again = closed_at + std::chrono::days(m_o.request_cooldown_days);
                if (again > now) {
                    out.status = RequestResult::Status::cooling_down;
                    out.may_ask_again = core::format_utc(again);
                    out.search.may_request = false;
                    out.search.reason = "cooling_down";
                    out.search.message = cooldown_message(mail::swedish_datetime(again));
                    tx.commit();  // keeps a clock anchor written above (nothing else is written yet)
                    return out;
                }
            }
        if (m_o.approval_mails_per_recipient_per_week > 0) {
            const int cap = m_o.approval_mails_per_recipient_per_week;
            const std::string since = core::format_utc(now - std::chrono::days(7));
            std::optional<core::TimePoint> earliest;  // when the first capped administrator may be mailed again
            std::vector<store::ClientUser> within;
            for (auto& admin : admins) {
                auto sent = queue.approval_mails_since(admin.email, since, core::format_utc(now + core::k_clock_tolerance));
                if (static_cast<int>(sent.size()) < cap) {
                    within.push_back(admin);
                    continue;
                }
                const auto again = core::parse_utc(sent[sent.size() - static_cast<std::size_t>(cap)]) +
                                   std::chrono::days(7);
                if (!earliest || again < *earliest) earliest = again;
            }
            if (within.empty() && earliest) {
                out.status = RequestResult::Status::mail_limit;
                out.may_ask_again = core::format_utc(*earliest);
                out.search.may_request = false;
                out.search.reason = "mail_limit";
                out.search.message = mail_limit_message(cap, mail::swedish_datetime(*earliest));
                core::process_logger()
                    .warning("request.mail_limit")
                    .kv("user", who.username)
                    .kv("client", static_cast<std::int64_t>(client.id))
                    .kv("per_week", cap);
                return out;
            }
            admins = std::move(within);
        }
        // The store's own history before this request (rule R2 of approval_token_repo.hpp).
        const auto store_time = tokens.newest_event_at();
        if (store_time && *store_time > core::format_utc(now + core::k_clock_tolerance))
            core::process_logger()
                .warning("clock.behind_store")
                .kv("now", now_text)
                .kv("store_newest_event", *store_time)
                .kv("note", "the clock is behind the store's history; the links count their validity from the store's time once the clock is right");
        const store::Id id = linkages.create(who.bureau_id, client.id, core::LinkageSource::digital, actor);
        Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
        detail.set("requested_by", who.username);
        detail.set("requester_name", who.name);
        detail.set("administrators", static_cast<int>(admins.size()));
        detail.set("valid_until", until_text);
        linkages.add_evidence(id, "digital_request", actor, json_text(detail));
        for (auto& admin : admins) {
            const std::string token = random_token();
            const store::Id token_id = tokens.insert(id, admin.id, sha256_hex(token), now_text, until_text, store_time);
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
    const auto now = m_clock.now();
    auto all = store::ApprovalTokenRepo(m_c).for_linkage(linkage_id);
    if (all.empty()) return false;
    for (auto& t : all)
        if (store::effective_valid_until(t, now) > now) return false;
    linkages.change_state(linkage_id, core::LinkageState::expired, "system:expiry");
    tx.commit();
    return true;
}

int Desk::expire_due() {
    {
        // Rule R1: links issued by a clock that ran ahead count from now.
        store::Transaction tx(m_c);
        const auto now = m_clock.now();
        const std::string now_text = core::format_utc(now);
        auto anchored = store::ApprovalTokenRepo(m_c).anchor_future(now_text, core::format_utc(now + core::k_clock_tolerance));
        store::EventLog log(m_c);
        for (auto& a : anchored) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("approval_token_id", a.token_id);
            o.set("created_at", a.created_at);
            o.set("counted_from", now_text);
            log.append(now_text, "system:clock", "linkage", a.linkage_id, "approval_link_reanchored", std::nullopt,
                       json_text(o));
            core::process_logger()
                .warning("clock.link_issued_in_future")
                .kv("linkage", static_cast<std::int64_t>(a.linkage_id))
                .kv("created_at", a.created_at)
                .kv("counted_from", now_text);
        }
        tx.commit();
    }
    int n = 0;
    for (store::Id id : store::ApprovalTokenRepo(m_c).expired_requests(core::format_utc(m_clock.now())))
        if (expire_if_due(id)) ++n;
    tell_bureaus();  // also what other processes (batch, mail send) changed since the last pass
    return n;
}

ApprovalView Desk::view_of(const store::ApprovalToken& t) const {
    ApprovalView v;
    auto l = store::LinkageRepo(m_c, m_clock).get(t.linkage_id);
    if (!l) return v;
    v.linkage = *l;
    v.recipient_name = t.user_name;
    v.recipient_email = t.user_email;
    v.requested_at = l->created_at;
    const auto now = m_clock.now();
    const auto until = store::effective_valid_until(t, now);
    v.valid_until = core::format_utc(until);
    v.within_validity = now < until;
    // A name for people, never the recorded actor id (issue 17).
    v.requester_name = l->requested_by.rfind("bureau_user:", 0) == 0 ? l->requested_by.substr(12) : "Back office";
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
    if (t.invalidated_at && (l->state == L::requested || l->state == L::expired)) {
        v.status = LinkStatus::invalidated;
        v.invalid_reason = refusal_from_code(t.invalid_reason);
        return v;
    }
    switch (l->state) {
        case L::requested:
            v.status = now >= until ? LinkStatus::expired : LinkStatus::pending;
            if (v.status == LinkStatus::pending)
                if (auto why = decide_refusal(t, *l); why != Refusal::none) {
                    // Rights lost since the request (not yet recorded): shown now, recorded on a decision.
                    v.status = LinkStatus::invalidated;
                    v.invalid_reason = why;
                }
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
    if (m_clock.now() >= store::effective_valid_until(*t, m_clock.now()) && expire_if_due(t->linkage_id))
        tell_bureaus();
    return view_of(*t);
}

Refusal Desk::decide_refusal(const store::ApprovalToken& t, const store::Linkage& l) const {
    if (t.invalidated_at) return refusal_from_code(t.invalid_reason);
    store::RegistryRepo registry(m_c, m_clock);
    auto bureau = registry.bureau_by_id(l.bureau_id);
    auto client = registry.client_by_id(l.client_id);
    if (!bureau || !client) throw store::StoreError("linkage " + std::to_string(l.id) + " names a missing bureau or client");
    if (auto r = pair_refusal(*bureau, *client, m_rules); r != Refusal::none) return r;
    for (auto& a : registry.client_administrators(l.client_id))
        if (a.id == t.client_user_id) return Refusal::none;
    return Refusal::not_administrator;
}

DecideResult Desk::decide(std::string_view token, Decision d) {
    auto t = find_token(token);
    if (!t) return {};
    if (m_clock.now() >= store::effective_valid_until(*t, m_clock.now())) expire_if_due(t->linkage_id);
    DecideResult r;
    {
        store::Transaction tx(m_c);
        store::LinkageRepo linkages(m_c, m_clock);
        auto l = linkages.get(t->linkage_id);
        const std::string now = core::format_utc(m_clock.now());
        if (!l) return {};
        const Refusal why = l->state == core::LinkageState::requested ? decide_refusal(*t, *l) : Refusal::none;
        if (l->state != core::LinkageState::requested) {
            r.status = l->state == core::LinkageState::expired ? DecideResult::Status::expired
                                                               : DecideResult::Status::already_decided;
            if (t->invalidated_at) r.status = DecideResult::Status::invalidated;
        } else if (m_clock.now() >= store::effective_valid_until(*t, m_clock.now())) {
            r.status = DecideResult::Status::expired;
        } else if (why != Refusal::none) {
            // Today's rights decide, not those of the request's day: the link
            // stops working (and for a pair that may no longer link digitally,
            // every link of the request does).
            store::ApprovalTokenRepo tokens(m_c);
            store::EventLog log(m_c);
            const std::string actor = "system:rights";
            auto invalidate = [&](const store::ApprovalToken& x) {
                if (!tokens.invalidate(x.id, std::string(to_code(why)), now)) return;
                Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("approval_token_id", x.id);
                o.set("client_user_id", x.client_user_id);
                o.set("reason", std::string(to_code(why)));
                o.set("attempted", d == Decision::approve ? "approve" : "decline");
                log.append(now, actor, "linkage", l->id, "approval_link_invalidated", std::nullopt, json_text(o));
            };
            if (why == Refusal::not_administrator) invalidate(*t);
            else
                for (auto& x : tokens.for_linkage(l->id))
                    if (!x.decision && !x.invalidated_at) invalidate(x);
            if (tokens.open_count(l->id) == 0) {
                linkages.change_state(l->id, core::LinkageState::expired, actor);
                Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
                o.set("reason", "no_valid_approval_link");
                log.append(now, actor, "linkage", l->id, "request_ended", std::nullopt, json_text(o));
            }
            tx.commit();
            core::process_logger()
                .warning("approval.refused_stale_rights")
                .kv("linkage", static_cast<std::int64_t>(l->id))
                .kv("reason", to_code(why));
            r.status = DecideResult::Status::invalidated;
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
    if (r.status == DecideResult::Status::done || r.status == DecideResult::Status::invalidated) tell_bureaus();
    r.view = view_of(*store::ApprovalTokenRepo(m_c).by_hash(t->token_hash));
    return r;
}

void Desk::tell_bureaus() {
    // The decision is committed; a failure to tell must not undo it (the
    // sender's sweep tells later: the cursor has not moved).
    try {
        notify_bureaus(m_c, m_clock, m_templates, m_o.base_url);
    } catch (const std::exception& e) {
        core::process_logger().warning("bureau.notify_failed").kv("error", std::string(e.what()));
    }
}

}  // namespace digital
