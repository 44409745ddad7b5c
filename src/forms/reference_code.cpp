#include "forms/reference_code.hpp"
#include "core/error.hpp"

#include <sys/random.h>

#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace forms {

std::string new_reference_code() {
    const size_t n = k_reference_alphabet.size();
    // Rejection sampling keeps every character equally likely.
    const unsigned limit = 256 - 256 % static_cast<unsigned>(n);
    std::string code;
    while (code.size() < 9) {
        unsigned char buf[32];
        ssize_t got = getrandom(buf, sizeof buf, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw core::InternalError("no randomness from the operating system (getrandom failed)");
        }
        for (ssize_t i = 0; i < got && code.size() < 9; ++i) {
            if (buf[i] >= limit) continue;
            if (code.size() == 4) code.push_back('-');
            code.push_back(k_reference_alphabet[buf[i] % n]);
        }
    }
    return code;
}

std::optional<std::string> normalise_reference_code(std::string_view text) {
    std::string chars;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (k_reference_alphabet.find(u) == std::string_view::npos) return std::nullopt;
        chars.push_back(u);
    }
    if (chars.size() != 8) return std::nullopt;
    return chars.substr(0, 4) + "-" + chars.substr(4);
}

}  // namespace forms
