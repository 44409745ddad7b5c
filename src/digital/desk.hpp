// Desk: the use cases of the digital path (SPEC §5, issue 6), without HTTP.
//   search()  a bureau user looks up a client by organisation or subscription
//             number and learns whether the bureau may send a request, or why not.
//             Less to harvest (issue 16): the client's name and numbers are
//             given only when the query names the organisation number AND the
//             subscription number of the same client (`identified`); one
//             number alone answers found / may request only. A bureau that may
//             not link digitally gets no directory at all (status refused);
//             each user has a daily quota (DeskOptions, status quota_exceeded);
//   request() creates the linkage (source digital), its evidence, one approval
//             token per active system administrator and one queued mail each —
//             all in ONE store transaction (the mails are never lost, never
//             sent for a request that was not stored). Mail limits: no new
//             request for a pair within the cool-down after its decline or
//             revocation, and at most N approval mails per recipient per week;
//             a refusal says when the bureau may ask again;
//   open()    what a personal approval link shows (pending, or the outcome);
//   decide()  approve or decline through a link; the administrator is recorded;
//             idempotent; a decided or expired link cannot change anything.
//             Rights are today's: the holder must still be an active system
//             administrator of the client and the pair must still be allowed
//             to link digitally (the request-time rule), else the link is
//             invalidated (and the request expires when no valid link is left);
//   expire_due() the sweep: a request whose links are all past valid-until expires.
//   decide() and expire_due() then tell the bureaus (notify.hpp): a notice on
//             their pages and a mail to the requesting user.
// A wrong clock (issue 19): "valid-until" is store::effective_valid_until
// (rules R1/R2 in approval_token_repo.hpp): a link issued by a clock that ran
// ahead counts from when the sweep first saw it (event
// approval_link_reanchored), one issued by a clock behind the store's history
// from the store's time; a cool-down closed "in the future" counts from when
// it was first seen so, and approval mails queued in the future do not count
// against the weekly cap. Each case is logged as a warning.
// Every outcome is a value; exceptions only for a broken store.
//
// Bureau isolation: every call that reads linkages takes the acting
// Principal and sees only the linkages of the Principal's bureau.
//
// search() lives in desk_search.cpp, the rest in desk.cpp.
//
// Thread-safety: a Desk borrows one Connection; use one Desk per thread (the
// SearchQuota in DeskOptions is shared and locks).
#pragma once

#include "core/clock.hpp"
#include "digital/search_quota.hpp"
#include "core/rules.hpp"
#include "mail/mail_templates.hpp"
#include "store/approval_token_repo.hpp"
#include "store/auth_repo.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace digital {

struct DeskOptions {
    int valid_days = 7;     // tokens.valid_days
    std::string base_url;   // server.base_url, e.g. "https://koppling.example.se"
    int searches_per_user_per_day = 200;          // limits.searches_per_user_per_day (0: none)
    std::shared_ptr<SearchQuota> search_quota;    // the counters; null: searches are not counted
    int request_cooldown_days = 7;                // limits.request_cooldown_days (0: none)
    int approval_mails_per_recipient_per_week = 3;  // limits.approval_mails_per_recipient_per_week (0: none)
};

// Why a bureau may not send a digital request for a client.
enum class Refusal {
    none, bureau_excluded, bureau_multi_company, client_multi_company, no_administrator, live_linkage,
    not_administrator,  // decide(): the link's holder is no longer a system administrator of the client
};
// Stable machine code, e.g. "bureau_excluded".
std::string_view to_code(Refusal r);
// True for the refusals that mean "use the paper form" (HTTP 403).
// (cooling_down and mail_limit are not: they say when to ask again.)
bool needs_paper_form(Refusal r);
// Whether the bureau may use the digital path at all (the Koppla klient
// button is shown): not excluded, not a multi-company setup.
Refusal bureau_refusal(const store::Bureau& b, const core::Rules& rules);
// Whether the pair may link digitally: bureau_refusal, then the client not a
// multi-company setup. Checked at request, decision and activation.
Refusal pair_refusal(const store::Bureau& b, const store::Client& c, const core::Rules& rules);
// A personal identity number shown with its last four digits masked
// ("19811218-****"); an organisation number of a legal person unchanged.
std::string shown_orgnr(const std::string& canonical);

struct SearchResult {
    // refused: the bureau may not link digitally (no lookup was made);
    // quota_exceeded: the user's searches for today are used up.
    enum class Status { found, not_found, invalid, refused, quota_exceeded };
    Status status = Status::not_found;
    std::string reason;   // invalid: the number's error code; found and refused: to_code(refusal)
    std::string message;  // Swedish, one or two sentences, for people
    std::optional<store::Client> client;  // found: for the Desk's own use; show it only when identified
    // Both numbers given and they belong to this client: its name may be shown.
    bool identified = false;
    bool may_request = false;
    Refusal refusal = Refusal::none;
    std::optional<store::Linkage> live;  // this bureau's live linkage with the client
    int administrators = 0;              // active system administrators of the client
};

struct RequestResult {
    // cooling_down: the pair's last request was declined or revoked within the
    // cool-down; mail_limit: every administrator got the most approval mails
    // allowed this week. Both: `may_ask_again` says when.
    enum class Status { created, invalid, not_found, refused, conflict, cooling_down, mail_limit };
    Status status = Status::invalid;
    SearchResult search;  // the checks that led here (client, reason, message)
    store::Id linkage_id = 0;
    core::LinkageState state = core::LinkageState::requested;
    int administrators_notified = 0;
    std::optional<std::string> may_ask_again;  // UTC text (cooling_down, mail_limit)
};

// What a personal approval link shows.
// invalidated: the holder may no longer decide (see ApprovalView::invalid_reason).
enum class LinkStatus { unknown, pending, approved, approved_by_paper, declined, expired, revoked, invalidated };
std::string_view to_code(LinkStatus s);

struct ApprovalView {
    LinkStatus status = LinkStatus::unknown;
    store::Linkage linkage;       // meaningful unless status == unknown
    std::string recipient_name;   // the administrator this link belongs to
    std::string recipient_email;
    // The link is still within its valid-until: its holder may object to a
    // decision made meanwhile (revoke the linkage, issue 17 item 16).
    bool within_validity = false;
    std::string requester_name;
    std::string requested_at;     // UTC text
    std::string valid_until;      // UTC text
    std::optional<std::string> decided_at;
    std::optional<std::string> decided_by_name;   // the administrator who decided (digital)
    std::optional<std::string> decided_by_email;
    bool decided_by_recipient = false;
    Refusal invalid_reason = Refusal::none;  // invalidated: why (not_administrator, client_multi_company, …)
};

enum class Decision { approve, decline };

struct DecideResult {
    enum class Status { done, already_decided, expired, unknown, invalidated };
    Status status = Status::unknown;
    ApprovalView view;
};

class Desk {
public:
    Desk(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
         const mail::MailTemplates& templates, DeskOptions options)
        : m_c(c), m_clock(clock), m_rules(rules), m_templates(templates), m_o(std::move(options)) {}

    // `query`: an organisation or subscription number; `subscription`: the
    // subscription number when `query` is the organisation number (both given:
    // the client is identified). Counts against the user's daily quota.
    SearchResult search(const store::Principal& who, std::string_view query,
                        std::string_view subscription = {}) const;
    // The same answer as search() for a search already counted (the result
    // page shown again after Post/Redirect/Get, issue 17): today's state, no quota.
    SearchResult recheck(const store::Principal& who, std::string_view query, std::string_view subscription = {}) const {
        return lookup(who, query, subscription);
    }
    RequestResult request(const store::Principal& who, std::string_view query, std::string_view subscription = {});
    // A link that is malformed or unknown gives status unknown.
    ApprovalView open(std::string_view token);
    DecideResult decide(std::string_view token, Decision d);
    // Anchors links issued in the future (R1), then expires every request
    // whose links are all past their effective valid-until; returns how many.
    int expire_due();

private:
    SearchResult lookup(const store::Principal& who, std::string_view query, std::string_view subscription) const;
    // Why the token's holder may not decide now (Refusal::none: may).
    Refusal decide_refusal(const store::ApprovalToken& t, const store::Linkage& l) const;
    std::optional<store::ApprovalToken> find_token(std::string_view token) const;
    ApprovalView view_of(const store::ApprovalToken& t) const;
    bool expire_if_due(store::Id linkage_id);
    // notify_bureaus (notify.hpp) after a committed change; never throws.
    void tell_bureaus();
    store::Connection& m_c;
    const core::Clock& m_clock;
    const core::Rules& m_rules;
    const mail::MailTemplates& m_templates;
    DeskOptions m_o;
};

}  // namespace digital
