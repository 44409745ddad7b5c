#include "mail/swedish_time.hpp"

#include "core/local_time.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace mail {

using namespace std::chrono;

std::string swedish_datetime(core::TimePoint t) {
    static constexpr const char* k_months[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                                               "juli",    "augusti",  "september", "oktober", "november", "december"};
    auto local = floor<seconds>(core::stockholm_wall_clock(t));  // the EU rule: core/local_time.hpp
    auto day = floor<days>(local);
    year_month_day ymd{day};
    hh_mm_ss hms{local - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%u %s %d kl. %02d:%02d", static_cast<unsigned>(ymd.day()),
                  k_months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
    return buf;
}

std::string swedish_datetime(const std::string& utc_text) {
    try {
        return swedish_datetime(core::parse_utc(utc_text));
    } catch (const std::invalid_argument&) {
        return utc_text;
    }
}

std::string rfc5322_date(core::TimePoint t) {
    static constexpr const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %d %02d:%02d:%02d +0000", k_days[weekday{day}.c_encoding()],
                  static_cast<unsigned>(ymd.day()), k_months[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace mail
