// Time for people: Europe/Stockholm wall-clock time. CET (UTC+1), CEST (UTC+2)
// from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00
// UTC (the EU rule, in force since 1996). The one home of that rule: pages,
// mails, reports and the terminal all show times through it; the store, the
// logs and every JSON interface keep UTC (core::format_utc).
// libstdc++ 12 has no std::chrono::zoned_time, so the rule is written here.
// Thread-safety: stateless.
#pragma once

#include "core/clock.hpp"

#include <optional>
#include <string>
#include <utility>

namespace core {

// Minutes east of UTC in Stockholm at `t`: 60 or 120.
int stockholm_offset_minutes(TimePoint t);
// `t` moved to Stockholm wall-clock time (still a time_point, for calendar arithmetic).
TimePoint stockholm_wall_clock(TimePoint t);
// "2026-11-26T23:03:17Z" → "2026-11-27 00:03" (local); the text itself when unparsable.
std::string stockholm_time(const std::string& utc);
std::string stockholm_time(TimePoint t);
// The local date ("2026-11-27") at `t`.
std::string stockholm_date(TimePoint t);
// The UTC bounds [from, to) (core::format_utc) of the local day "YYYY-MM-DD";
// nullopt for another text or an impossible date.
std::optional<std::pair<std::string, std::string>> stockholm_day_bounds(const std::string& local_day);

}  // namespace core
