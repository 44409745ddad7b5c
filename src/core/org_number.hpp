// OrgNumber: a validated Swedish organisation number or personal identity
// number (sole traders), normalised to one canonical form.
//
// Owns: nothing but its digits. Thread-safety: immutable value, safe to share.
//
// Accepted input forms (surrounding white space ignored):
//   NNNNNN-NNNN, NNNNNNNNNN          10 digits (legal person or personal number)
//   NNNNNN+NNNN                      personal number of a person aged 100 or more
//   16NNNNNN-NNNN, 16NNNNNNNNNN      12 digits with the legal persons' prefix 16
//   18/19/20YYMMDD-NNNN, ...NNNN     12 digits with century: personal numbers only
// The check digit is the Luhn digit over the 10-digit form. A number whose third
// digit is 2 or more is a legal person (the "month" 20–99); otherwise it is a
// personal identity number whose date must exist (day + 60 marks a
// coordination number, samordningsnummer).
//
// Canonical forms: legal persons "NNNNNN-NNNN"; personal numbers
// "YYYYMMDD-NNNN" (the century is resolved, so the form is unambiguous).
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace core {

enum class OrgNumberError {
    empty,          // nothing given
    characters,     // characters other than digits and one separator
    length,         // not 10 or 12 digits
    century,        // 12 digits with a prefix that is not 16/18/19/20, or 16 with a personal number
    impossible_date,// personal number whose date does not exist
    check_digit,    // Luhn check digit wrong
};

// Stable machine code of an error (e.g. "check_digit").
std::string_view to_code(OrgNumberError e);

struct OrgNumberProblem {
    OrgNumberError error;
    std::string message;  // English, one line: what is wrong and where
};

enum class OrgNumberKind { legal_person, personal_number, coordination_number };

class OrgNumber {
public:
    // Parses and validates `text`. `today` resolves the century of a 10-digit
    // personal number ('-' = under 100 years old, '+' = 100 or older).
    static std::expected<OrgNumber, OrgNumberProblem> parse(std::string_view text,
                                                            std::chrono::year_month_day today);
    // Same, with today's date from the system clock.
    static std::expected<OrgNumber, OrgNumberProblem> parse(std::string_view text);

    const std::string& canonical() const { return m_canonical; }
    // The 10 digits the check digit is computed over.
    const std::string& ten_digits() const { return m_ten; }
    OrgNumberKind kind() const { return m_kind; }
    bool is_legal_person() const { return m_kind == OrgNumberKind::legal_person; }

    friend bool operator==(const OrgNumber&, const OrgNumber&) = default;

private:
    OrgNumber(std::string canonical, std::string ten, OrgNumberKind kind)
        : m_canonical(std::move(canonical)), m_ten(std::move(ten)), m_kind(kind) {}
    std::string m_canonical;
    std::string m_ten;
    OrgNumberKind m_kind;
};

// Luhn check digit (0–9) over the first nine digits of `nine_digits`.
// Precondition: nine_digits holds at least 9 ASCII digits.
int luhn_check_digit(std::string_view nine_digits);

}  // namespace core
