#include "core/email_address.hpp"

namespace core {

namespace {

bool is_alpha_digit(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 §3.2.3 atext.
bool is_atext(unsigned char c) {
    if (is_alpha_digit(c)) return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
        return true;
    default:
        return false;
    }
}

}  // namespace

std::optional<std::string> email_address_problem(std::string_view a) {
    if (a.empty()) return "is empty";
    for (unsigned char c : a) {
        if (c < 0x20 || c == 0x7f) return "contains a control character (such as a line break or NUL)";
    }
    for (unsigned char c : a) {
        if (c >= 0x80)
            return "contains non-ASCII characters: internationalised (SMTPUTF8) addresses are not supported; "
                   "write the domain in its xn-- form or use an ASCII address";
    }
    if (a.size() > k_email_max_length)
        return "is " + std::to_string(a.size()) + " characters long; at most " + std::to_string(k_email_max_length) +
               " are allowed";
    if (a.front() == '"') return "has a quoted local part (\"...\"@), which is not supported; use a plain address";
    const auto at = a.rfind('@');
    if (at == std::string_view::npos) return "has no '@'";
    const auto local = a.substr(0, at), domain = a.substr(at + 1);
    if (local.empty()) return "has nothing before the '@'";
    if (local.find('"') != std::string_view::npos || local.find('\\') != std::string_view::npos)
        return "has a quoted local part (\"...\"@), which is not supported; use a plain address";
    if (local.size() > k_email_max_local_length)
        return "has a local part (before '@') of " + std::to_string(local.size()) + " characters; at most " +
               std::to_string(k_email_max_local_length) + " are allowed";
    bool prev_dot = true;  // a leading dot is refused like a double one
    for (unsigned char c : local) {
        if (c == '.') {
            if (prev_dot) return "has a misplaced dot in the part before '@' (at its start or two in a row)";
            prev_dot = true;
            continue;
        }
        if (!is_atext(c)) {
            if (c == '@') return "has more than one '@'";
            return std::string("has a character not allowed before the '@': '") + static_cast<char>(c) + "'";
        }
        prev_dot = false;
    }
    if (prev_dot) return "has a dot at the end of the part before '@'";
    if (domain.empty()) return "has no domain after the '@'";
    if (domain.front() == '[') return "has an address literal ([...]) as its domain, which is not supported; use a domain name";
    std::size_t labels = 0, start = 0;
    while (start <= domain.size()) {
        auto end = domain.find('.', start);
        if (end == std::string_view::npos) end = domain.size();
        const auto label = domain.substr(start, end - start);
        if (label.empty()) return "has an empty label in its domain (a dot at the start, at the end or two in a row)";
        if (label.size() > k_email_max_label_length)
            return "has a domain label of " + std::to_string(label.size()) + " characters; at most " +
                   std::to_string(k_email_max_label_length) + " are allowed";
        for (unsigned char c : label)
            if (!is_alpha_digit(c) && c != '-')
                return std::string("has a character not allowed in a domain name: '") + static_cast<char>(c) + "'";
        if (label.front() == '-' || label.back() == '-') return "has a domain label starting or ending with '-'";
        ++labels;
        start = end + 1;
    }
    if (labels < 2) return "has a domain without a dot (e.g. example.se)";
    return std::nullopt;
}

}  // namespace core
