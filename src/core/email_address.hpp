// E-mail address syntax (RFC 5321 §4.1.2 / §4.5.3.1, RFC 5322 §3.4.1): the one
// rule both the registry import and the SMTP envelope apply, so an address
// the import accepted is exactly one the transport will put in MAIL FROM /
// RCPT TO, and nothing else ever reaches an SMTP command.
//
// Accepted: local-part "@" domain, where
//   local-part  a dot-atom (atext runs separated by single dots), 1..64 octets;
//               quoted local parts ("a b"@x) are refused;
//   domain      LDH labels (letters, digits, hyphen; not at a label's ends),
//               1..63 octets each, at least two labels, no trailing dot;
//               address literals ([192.0.2.1]) are refused;
//   total       at most 254 octets.
// ASCII only: internationalised addresses (RFC 6531 SMTPUTF8) are refused,
// because the transport does not negotiate SMTPUTF8 with the relay; an IDN
// domain can be written in its xn-- (A-label) form. No control character,
// space, '<', '>' or any other byte outside the grammar can pass, so a valid
// address is always safe inside "<...>" on one SMTP command line.
//
// Owns: nothing. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace core {

inline constexpr std::size_t k_email_max_length = 254;
inline constexpr std::size_t k_email_max_local_length = 64;
inline constexpr std::size_t k_email_max_label_length = 63;

// Nothing when `address` is valid, else what is wrong (English, one phrase,
// never echoing control characters).
std::optional<std::string> email_address_problem(std::string_view address);

inline bool is_valid_email_address(std::string_view address) { return !email_address_problem(address); }

}  // namespace core
