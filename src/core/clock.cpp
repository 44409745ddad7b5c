#include "core/clock.hpp"

#include "core/log.hpp"

#include <cstdio>
#include <stdexcept>

namespace core {

std::string format_utc(TimePoint t) {
    using namespace std::chrono;
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

TimePoint parse_utc(const std::string& text) {
    using namespace std::chrono;
    int y, mo, d, h, mi, s;
    char z = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 || z != 'Z')
        throw std::invalid_argument("not a UTC timestamp: " + text);
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) throw std::invalid_argument("not a date: " + text);
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

std::optional<std::chrono::seconds> ClockJumpDetector::check(TimePoint wall, std::chrono::steady_clock::time_point steady) {
    using namespace std::chrono;
    std::optional<seconds> jump;
    if (m_last) {
        const auto drift = duration_cast<seconds>((wall - m_last->first) - (steady - m_last->second));
        if (drift > m_threshold || drift < -m_threshold) jump = drift;
    }
    m_last = {wall, steady};
    return jump;
}

std::optional<std::chrono::seconds> ClockJumpDetector::check_and_log(const Clock& clock, const Logger& log,
                                                                       std::string_view where) {
    const auto wall = clock.now();
    auto jump = check(wall, std::chrono::steady_clock::now());
    if (jump)
        log.warning("clock.jump")
            .kv("where", where)
            .kv("jump_seconds", static_cast<std::int64_t>(jump->count()))
            .kv("direction", jump->count() > 0 ? "ahead" : "back")
            .kv("wall_now", format_utc(wall))
            .kv("note", "the wall clock moved unlike the monotonic clock; check NTP");
    return jump;
}

}  // namespace core
