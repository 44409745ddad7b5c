// notify_bureaus: the bureau is told (issue 17 item 6). Reads the event log
// after the notifier's cursor (store::BureauNoticeRepo) and, for each
//   linkage approved, declined or expired, revoked by a client administrator, and
//   approval mail to a client administrator failed permanently,
// adds one notice for the bureau's pages and, when the linkage was requested
// by a bureau user with an e-mail address, queues one Swedish mail to that
// user (templates/mail/bureau-notice.*) — notice, mail and cursor in one
// transaction, so nothing is told twice and nothing is lost. Because it
// follows the event log, every path is covered: web, CLI, batch (paper
// forms), the expiry sweep and the mail sender. Notification mails carry no
// linkage id, so they never count against the approval-mail cap and a
// notification that fails is not itself announced.
// Who is named: the deciding administrator once the client has decided; an
// undeliverable approval mail names no administrator (issue 16: the bureau
// does not learn who the administrators are before the client decides).
// Thread-safety: uses the Connection it is given (one per thread).
#pragma once

#include "core/clock.hpp"
#include "mail/mail_templates.hpp"
#include "store/bureau_notice_repo.hpp"
#include "store/connection.hpp"

#include <string>

namespace digital {

// Runs passes until the cursor is at the newest event; returns how many
// notices were made. Store errors propagate.
int notify_bureaus(store::Connection& c, const core::Clock& clock, const mail::MailTemplates& templates,
                   const std::string& base_url);

// The Swedish line of one notice kind, e.g. for tests and the pages' legend.
std::string notice_heading(const std::string& kind);

}  // namespace digital
