#include "core/local_time.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

namespace core {

namespace {

using namespace std::chrono;

sys_seconds last_sunday_0100_utc(year y, month m) {
    sys_days last{year_month_day_last{y, month_day_last{m}}};
    return sys_seconds{last - (weekday{last} - Sunday)} + hours{1};
}

}  // namespace

int stockholm_offset_minutes(TimePoint t) {
    auto secs = floor<seconds>(t);
    year y = year_month_day{floor<days>(secs)}.year();
    return secs >= last_sunday_0100_utc(y, March) && secs < last_sunday_0100_utc(y, October) ? 120 : 60;
}

TimePoint stockholm_wall_clock(TimePoint t) { return t + minutes{stockholm_offset_minutes(t)}; }

std::string stockholm_time(TimePoint t) {
    auto local = floor<seconds>(stockholm_wall_clock(t));
    auto day = floor<days>(local);
    year_month_day ymd{day};
    hh_mm_ss hms{local - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    return buf;
}

std::string stockholm_time(const std::string& utc) {
    TimePoint t;
    try {
        t = parse_utc(utc);
    } catch (const std::exception&) {
        return utc;
    }
    return stockholm_time(t);
}

std::string stockholm_date(TimePoint t) {
    year_month_day ymd{floor<days>(floor<seconds>(stockholm_wall_clock(t)))};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

std::optional<std::pair<std::string, std::string>> stockholm_day_bounds(const std::string& local_day) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (local_day.size() != 10 || local_day[4] != '-' || local_day[7] != '-' ||
        std::sscanf(local_day.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        return std::nullopt;
    year_month_day ymd{year{y}, month{m}, day{d}};
    if (!ymd.ok()) return std::nullopt;
    // Local midnight: the offset in force then is the one an hour either side
    // of it (the clocks change at 02:00/03:00 local, never near midnight).
    auto start_of = [](sys_days day_start) {
        auto guess = sys_seconds{day_start} - hours{1};
        return guess + hours{1} - minutes{stockholm_offset_minutes(guess)};
    };
    const sys_days first{ymd};
    return std::pair{format_utc(start_of(first)), format_utc(start_of(first + days{1}))};
}

}  // namespace core
