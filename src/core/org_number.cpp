#include "core/org_number.hpp"

#include <cctype>

namespace core {

std::string_view to_code(OrgNumberError e) {
    switch (e) {
        case OrgNumberError::empty: return "empty";
        case OrgNumberError::characters: return "characters";
        case OrgNumberError::length: return "length";
        case OrgNumberError::century: return "century";
        case OrgNumberError::impossible_date: return "impossible_date";
        case OrgNumberError::check_digit: return "check_digit";
    }
    return "unknown";
}

int luhn_check_digit(std::string_view d) {
    int sum = 0;
    for (int i = 0; i < 9; ++i) {
        int v = (d[static_cast<size_t>(i)] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }
    return (10 - sum % 10) % 10;
}

namespace {

std::unexpected<OrgNumberProblem> fail(OrgNumberError e, std::string msg) {
    return std::unexpected(OrgNumberProblem{e, std::move(msg)});
}

int num(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

bool date_exists(int year, int month, int day) {
    using namespace std::chrono;
    if (month < 1 || month > 12 || day < 1) return false;
    return year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                          std::chrono::day{static_cast<unsigned>(day)}}.ok();
}

}  // namespace

std::expected<OrgNumber, OrgNumberProblem> OrgNumber::parse(std::string_view text) {
    using namespace std::chrono;
    return parse(text, year_month_day{floor<days>(system_clock::now())});
}

std::expected<OrgNumber, OrgNumberProblem> OrgNumber::parse(std::string_view text,
                                                            std::chrono::year_month_day today) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty()) return fail(OrgNumberError::empty, "no number given");

    std::string digits;
    char sep = 0;
    size_t sep_pos = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if ((c == '-' || c == '+') && sep == 0) {
            sep = c;
            sep_pos = digits.size();
        } else {
            return fail(OrgNumberError::characters,
                        "unexpected character at position " + std::to_string(i + 1) +
                            ": only digits and one '-' or '+' are allowed");
        }
    }
    if (digits.size() != 10 && digits.size() != 12)
        return fail(OrgNumberError::length,
                    "has " + std::to_string(digits.size()) + " digits: expected 10 or 12");
    if (sep != 0 && sep_pos != digits.size() - 4)
        return fail(OrgNumberError::characters, std::string("the '") + sep +
                                                    "' must stand before the last four digits");

    std::string ten = digits.size() == 12 ? digits.substr(2) : digits;
    int century = digits.size() == 12 ? num(std::string_view(digits).substr(0, 2)) : -1;
    bool legal = ten[2] >= '2';

    if (century != -1) {
        if (sep == '+')
            return fail(OrgNumberError::characters, "'+' is only used with 10 digits (age 100 or more)");
        if (legal && century != 16)
            return fail(OrgNumberError::century,
                        "a legal person's number takes the prefix 16, not " + std::to_string(century));
        if (!legal && century != 18 && century != 19 && century != 20)
            return fail(OrgNumberError::century, "the century " + std::to_string(century) +
                                                     " is not possible for a personal identity number");
    }
    if (legal && sep == '+')
        return fail(OrgNumberError::characters, "'+' is only used in personal identity numbers");

    OrgNumberKind kind = OrgNumberKind::legal_person;
    int full_year = 0;
    std::string_view tv(ten);
    if (!legal) {
        int yy = num(tv.substr(0, 2)), mm = num(tv.substr(2, 2)), dd = num(tv.substr(4, 2));
        kind = OrgNumberKind::personal_number;
        if (dd > 60) {
            kind = OrgNumberKind::coordination_number;
            dd -= 60;
        }
        int this_year = static_cast<int>(today.year());
        if (century != -1) {
            full_year = century * 100 + yy;
        } else {
            // The most recent year ending in yy that is not in the future;
            // '+' means 100 years earlier.
            full_year = this_year - ((this_year - yy) % 100 + 100) % 100;
            if (sep == '+') full_year -= 100;
        }
        if (!date_exists(full_year, mm, dd))
            return fail(OrgNumberError::impossible_date,
                        "the date " + std::string(tv.substr(0, 6)) + " does not exist");
        using namespace std::chrono;
        year_month_day born{year{full_year}, month{static_cast<unsigned>(mm)}, day{static_cast<unsigned>(dd)}};
        if (sys_days{born} > sys_days{today})
            return fail(OrgNumberError::impossible_date, "the date of birth lies in the future");
    }

    int check = luhn_check_digit(tv);
    if (check != tv[9] - '0')
        return fail(OrgNumberError::check_digit, "check digit is " + std::string(1, tv[9]) +
                                                     ", expected " + std::to_string(check));

    std::string canonical;
    if (kind == OrgNumberKind::legal_person) {
        canonical = ten.substr(0, 6) + "-" + ten.substr(6);
    } else {
        canonical = std::to_string(full_year) + ten.substr(2, 4) + "-" + ten.substr(6);
    }
    return OrgNumber(std::move(canonical), std::move(ten), kind);
}

}  // namespace core
