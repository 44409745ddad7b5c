// Desk: the use cases of the digital path (SPEC §5, issue 6), without HTTP.
//   search()  a bureau user looks up a client by organisation or subscription
//             number and learns whether the bureau may send a request, or why not;
//   request() creates the linkage (source digital), its evidence, one approval
//             token per active system administrator and one queued mail each —
//             all in ONE store transaction (the mails are never lost, never
//             sent for a request that was not stored);
//   open()    what a personal approval link shows (pending, or the outcome);
//   decide()  approve or decline through a link; the administrator is recorded;
//             idempotent; a decided or expired link cannot change anything;
//   expire_due() the sweep: a request whose links are all past valid-until expires.
// Every outcome is a value; exceptions only for a broken store.
//
// Bureau isolation: every call that reads linkages takes the acting
// Principal and sees only the linkages of the Principal's bureau.
//
// Thread-safety: a Desk borrows one Connection; use one Desk per thread.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "mail/mail_templates.hpp"
#include "store/approval_token_repo.hpp"
#include "store/auth_repo.hpp"
#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace digital {

struct DeskOptions {
    int valid_days = 7;     // tokens.valid_days
    std::string base_url;   // server.base_url, e.g. "https://koppling.example.se"
};

// Why a bureau may not send a digital request for a client.
enum class Refusal { none, bureau_excluded, bureau_multi_company, client_multi_company, no_administrator, live_linkage };
// Stable machine code, e.g. "bureau_excluded".
std::string_view to_code(Refusal r);
// True for the refusals that mean "use the paper form" (HTTP 403).
bool needs_paper_form(Refusal r);
// Whether the bureau may use the digital path at all (the Koppla klient
// button is shown): not excluded, not a multi-company setup.
Refusal bureau_refusal(const store::Bureau& b, const core::Rules& rules);

struct SearchResult {
    enum class Status { found, not_found, invalid };
    Status status = Status::not_found;
    std::string reason;   // invalid: the number's error code; found and refused: to_code(refusal)
    std::string message;  // Swedish, one or two sentences, for people
    std::optional<store::Client> client;
    bool may_request = false;
    Refusal refusal = Refusal::none;
    std::optional<store::Linkage> live;  // this bureau's live linkage with the client
    int administrators = 0;              // active system administrators of the client
};

struct RequestResult {
    enum class Status { created, invalid, not_found, refused, conflict };
    Status status = Status::invalid;
    SearchResult search;  // the checks that led here (client, reason, message)
    store::Id linkage_id = 0;
    core::LinkageState state = core::LinkageState::requested;
    int administrators_notified = 0;
};

// What a personal approval link shows.
enum class LinkStatus { unknown, pending, approved, approved_by_paper, declined, expired, revoked };
std::string_view to_code(LinkStatus s);

struct ApprovalView {
    LinkStatus status = LinkStatus::unknown;
    store::Linkage linkage;       // meaningful unless status == unknown
    std::string recipient_name;   // the administrator this link belongs to
    std::string requester_name;
    std::string requested_at;     // UTC text
    std::string valid_until;      // UTC text
    std::optional<std::string> decided_at;
    std::optional<std::string> decided_by_name;   // the administrator who decided (digital)
    std::optional<std::string> decided_by_email;
    bool decided_by_recipient = false;
};

enum class Decision { approve, decline };

struct DecideResult {
    enum class Status { done, already_decided, expired, unknown };
    Status status = Status::unknown;
    ApprovalView view;
};

class Desk {
public:
    Desk(store::Connection& c, const core::Clock& clock, const core::Rules& rules,
         const mail::MailTemplates& templates, DeskOptions options)
        : m_c(c), m_clock(clock), m_rules(rules), m_templates(templates), m_o(std::move(options)) {}

    SearchResult search(const store::Principal& who, std::string_view query) const;
    RequestResult request(const store::Principal& who, std::string_view query);
    // A link that is malformed or unknown gives status unknown.
    ApprovalView open(std::string_view token);
    DecideResult decide(std::string_view token, Decision d);
    // Expires every request whose links are all past valid-until; returns how many.
    int expire_due();

private:
    std::optional<store::ApprovalToken> find_token(std::string_view token) const;
    ApprovalView view_of(const store::ApprovalToken& t) const;
    bool expire_if_due(store::Id linkage_id);
    store::Connection& m_c;
    const core::Clock& m_clock;
    const core::Rules& m_rules;
    const mail::MailTemplates& m_templates;
    DeskOptions m_o;
};

}  // namespace digital
