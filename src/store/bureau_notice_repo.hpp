// BureauNoticeRepo: what the bureau is told (issue 17, migration 042): the
// notices shown on its pages, the event-log cursor of the notifier
// (digital::notify_bureaus), and the look-ups that turn recorded actors
// ("client_user:4", "staff:stina") into people's names.
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct BureauNotice {
    Id id = 0;
    Id bureau_id = 0;
    Id linkage_id = 0;
    std::string kind;  // approved | declined | expired | revoked | mail_undeliverable
    std::optional<std::string> recipient;  // the requesting bureau user's username
    std::string text;
    std::string created_at;
    std::optional<std::string> seen_at;
};

// An event the notifier may turn into a notice.
struct NoticeEvent {
    Id event_id = 0;
    std::string at;
    std::string actor;
    std::string entity;  // "linkage" or "mail"
    Id entity_id = 0;
    std::string action;  // approved | declined | expired | revoked (linkage), failed (mail)
    std::optional<std::string> after;
};

class BureauNoticeRepo {
public:
    explicit BureauNoticeRepo(Connection& c) : m_c(c) {}

    // Events after the cursor that may need a notice, oldest first.
    std::vector<NoticeEvent> events_after_cursor(int limit = 200) const;
    // Precondition: the caller holds a Transaction.
    void move_cursor(Id event_id);
    // Inserts one notice; nullopt when the event already has one.
    // Precondition: the caller holds a Transaction.
    std::optional<Id> add(Id bureau_id, Id linkage_id, const std::string& kind, Id event_id,
                          const std::optional<std::string>& recipient, const std::string& text, const std::string& now);
    // The bureau's notices, newest first; `unseen_only`: those not yet marked seen.
    std::vector<BureauNotice> for_bureau(Id bureau_id, bool unseen_only, int limit = 20) const;
    // Marks every unseen notice of the bureau seen; returns how many.
    int mark_seen(Id bureau_id, const std::string& now);

    // The mail row of a mail event (its linkage and recipient), when it exists.
    struct MailFacts {
        std::optional<Id> linkage_id;
        std::string recipient_name, recipient, last_error;
    };
    std::optional<MailFacts> mail(Id mail_id) const;
    // A client user by id, active or not.
    std::optional<ClientUser> client_user(Id id) const;
    // A staff user's full name; nullopt when unknown.
    std::optional<std::string> staff_name(const std::string& username) const;

private:
    Connection& m_c;
};

}  // namespace store
