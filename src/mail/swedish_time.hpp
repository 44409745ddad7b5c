// Swedish display of UTC timestamps for mails and pages: local time in
// Sweden (CET, CEST from the last Sunday of March 01:00 UTC to the last
// Sunday of October 01:00 UTC, the EU rule), e.g. "26 november 2026 kl. 13:00".
// Thread-safety: stateless.
#pragma once

#include "core/clock.hpp"

#include <string>

namespace mail {

// Swedish wall-clock time of `t`.
std::string swedish_datetime(core::TimePoint t);
// Same for a stored UTC text (core::format_utc); the text itself when unparsable.
std::string swedish_datetime(const std::string& utc_text);
// RFC 5322 date of `t` in UTC, e.g. "Thu, 26 Nov 2026 12:00:00 +0000".
std::string rfc5322_date(core::TimePoint t);

}  // namespace mail
