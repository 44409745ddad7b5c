// MailQueue: outgoing mail in the store (issue 6). A message is queued in the
// same transaction as the business step that caused it, so it is never lost;
// a sender then delivers it:
//   1. claim(): take a lease (a second sender skips the message meanwhile);
//   2. deliver outside any transaction;
//   3. mark_sent() — or mark_failed() with the next attempt time (backoff),
//      or mark_undeliverable() when it can never be delivered as it is.
// A lease that runs out (sender crashed) makes the message due again.
// A wrong clock (issue 19): a next attempt or a lease written by a clock that
// ran ahead would keep a message waiting for years once the clock is
// corrected; the sender passes a Horizon (the longest backoff and lease from
// now) and any time beyond it counts as due / run out.
// After delivery the secret (the approval token in the body) is scrubbed
// from the stored body, so the store keeps tokens only as hashes from then on;
// flush_scrubbed() then removes the plaintext from the SQLite WAL as well.
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace store {

struct QueuedMail {
    Id id = 0;
    std::string message_id;  // RFC 5322 Message-ID without <>; names the .eml file
    std::optional<Id> linkage_id;
    std::string recipient_name;
    std::string recipient;  // e-mail address
    std::string subject;
    std::string body;  // UTF-8 plain text
    std::string state;  // "queued" | "sent" | "failed" (permanently: never retried)
    int attempts = 0;
    std::string next_attempt_at;
    std::optional<std::string> last_error;
    std::string created_at;
    std::optional<std::string> sent_at;
};

struct NewMail {
    std::string message_id;
    std::optional<Id> linkage_id;
    std::string recipient_name;
    std::string recipient;
    std::string subject;
    std::string body;
    std::optional<std::string> secret;  // text to scrub from the body once delivered
};

struct MailQueueStatus {
    std::int64_t queued = 0;    // waiting (due now or later)
    std::int64_t retrying = 0;  // queued with at least one failed attempt
    std::int64_t sent = 0;
    std::int64_t failed = 0;    // permanently undeliverable, not retried
    std::optional<std::string> oldest_queued_at;
    std::optional<std::string> next_attempt_at;
    std::optional<std::string> last_error;
};

// Stored times later than these are not believed (written by a clock that
// ran ahead): a next attempt beyond `attempt` is due now, a lease beyond
// `lease` has run out. The defaults believe every time.
struct MailHorizon {
    std::string attempt = "9999-12-31T23:59:59Z";
    std::string lease = "9999-12-31T23:59:59Z";
};

class MailQueue {
public:
    explicit MailQueue(Connection& c) : m_c(c) {}

    // Precondition: the caller holds a Transaction (the business step's).
    Id enqueue(const NewMail& mail, const std::string& now);
    // Queued messages due at `now` (or scheduled beyond the horizon) whose
    // lease (if any) has run out, oldest first.
    std::vector<QueuedMail> due(const std::string& now, int limit = 100, const MailHorizon& horizon = {}) const;
    // Takes the lease until `lease_until`; false when another sender holds it,
    // the message was sent meanwhile or another sender's failed attempt moved
    // its next attempt past `now`. Runs its own short transaction.
    bool claim(Id id, const std::string& now, const std::string& lease_until, const MailHorizon& horizon = {});
    // Marks delivered and scrubs the secret; appends a 'mail sent' event.
    void mark_sent(Id id, const std::string& now);
    // Records a failed attempt; the message is due again at `next_attempt_at`.
    void mark_failed(Id id, const std::string& now, const std::string& error, const std::string& next_attempt_at);
    // Permanent failure: state 'failed', `error` kept as last_error, the
    // secret scrubbed from the body (the link will never be sent), a
    // 'mail failed' event appended. The message is never due again.
    void mark_undeliverable(Id id, const std::string& now, const std::string& error);
    // Makes what mark_sent/mark_undeliverable scrubbed leave the write-ahead
    // log too. SQLite: PRAGMA wal_checkpoint(TRUNCATE) copies every frame
    // into the database file (where secure_delete zeroed the old text) and
    // truncates the -wal file to zero bytes; until then the plaintext token
    // stays in old WAL frames. False when a reader or writer kept the
    // checkpoint from completing (busy timeout): call again later. Must be
    // called outside a transaction.
    bool flush_scrubbed();
    std::optional<QueuedMail> get(Id id) const;
    std::vector<QueuedMail> list(int limit = 1000) const;
    MailQueueStatus status() const;
    // When the approval mails (those of a linkage) to `recipient` queued at
    // or after `since` were queued, oldest first: the per-recipient cap.
    // Mails queued after `until` (a clock that ran ahead) are not counted:
    // they would hold the cap for years.
    std::vector<std::string> approval_mails_since(const std::string& recipient, const std::string& since,
                                                  const std::string& until = "9999-12-31T23:59:59Z") const;

private:
    Connection& m_c;
};

}  // namespace store
