#include "registry/text_hygiene.hpp"

#include <cstdio>
#include <vector>

namespace registry {

namespace {

std::string code_point_name(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

// Decodes one UTF-8 sequence at s[i]; advances i. nullopt: invalid (bad lead
// or continuation byte, truncated, overlong, surrogate, above U+10FFFF).
std::optional<char32_t> decode_one(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len;
    char32_t c, min;
    if ((b0 & 0xE0) == 0xC0) len = 2, c = b0 & 0x1F, min = 0x80;
    else if ((b0 & 0xF0) == 0xE0) len = 3, c = b0 & 0x0F, min = 0x800;
    else if ((b0 & 0xF8) == 0xF0) len = 4, c = b0 & 0x07, min = 0x10000;
    else return std::nullopt;
    if (i + static_cast<std::size_t>(len) > s.size()) return std::nullopt;
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) return std::nullopt;
        c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    i += static_cast<std::size_t>(len);
    return c;
}

std::vector<char32_t> decode(std::string_view s) {
    std::vector<char32_t> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = decode_one(s, i);
        if (!c) {
            ++i;
            out.push_back(0xFFFD);
        } else {
            out.push_back(*c);
        }
    }
    return out;
}

void encode(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

bool is_bidi_control(char32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

bool is_space(char32_t c) { return c == ' ' || c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0x3000; }

// A letter that looks like a Latin one → that Latin letter (lower case);
// 0 when `c` has no look-alike in the map.
char32_t look_alike(char32_t c) {
    switch (c) {
    // Digits and ASCII shapes.
    case '0': return 'o';
    case '1': case 'I': case 'i': case 'l': case '|': return 'l';
    // Cyrillic, lower case.
    case 0x0430: return 'a';
    case 0x0435: return 'e';
    case 0x043A: return 'k';
    case 0x043C: return 'm';
    case 0x043E: return 'o';
    case 0x0440: return 'p';
    case 0x0441: return 'c';
    case 0x0443: return 'y';
    case 0x0445: return 'x';
    case 0x0455: return 's';
    case 0x0456: return 'l';
    case 0x0458: return 'j';
    case 0x04BB: return 'h';
    case 0x0501: return 'd';
    case 0x051B: return 'q';
    case 0x051D: return 'w';
    // Cyrillic, upper case.
    case 0x0410: return 'a';
    case 0x0412: return 'b';
    case 0x0415: return 'e';
    case 0x041A: return 'k';
    case 0x041C: return 'm';
    case 0x041D: return 'h';
    case 0x041E: return 'o';
    case 0x0420: return 'p';
    case 0x0421: return 'c';
    case 0x0422: return 't';
    case 0x0423: return 'y';
    case 0x0425: return 'x';
    case 0x0405: return 's';
    case 0x0406: return 'l';
    case 0x0408: return 'j';
    // Greek, lower case.
    case 0x03B1: return 'a';
    case 0x03B9: return 'l';
    case 0x03BA: return 'k';
    case 0x03BD: return 'v';
    case 0x03BF: return 'o';
    case 0x03C1: return 'p';
    case 0x03C4: return 't';
    case 0x03C5: return 'u';
    case 0x03C7: return 'x';
    // Greek, upper case.
    case 0x0391: return 'a';
    case 0x0392: return 'b';
    case 0x0395: return 'e';
    case 0x0396: return 'z';
    case 0x0397: return 'h';
    case 0x0399: return 'l';
    case 0x039A: return 'k';
    case 0x039C: return 'm';
    case 0x039D: return 'n';
    case 0x039F: return 'o';
    case 0x03A1: return 'p';
    case 0x03A4: return 't';
    case 0x03A5: return 'y';
    case 0x03A7: return 'x';
    default: return 0;
    }
}

char32_t fold_case(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;        // Latin-1: Å → å, Ä → ä, Ö → ö
    if (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2) return c + 0x20;  // Greek
    if (c >= 0x0410 && c <= 0x042F) return c + 0x20;                 // Cyrillic
    if (c >= 0xFF21 && c <= 0xFF3A) return c - 0xFF21 + 'a';         // full-width Latin
    if (c >= 0xFF41 && c <= 0xFF5A) return c - 0xFF41 + 'a';
    if (c >= 0xFF10 && c <= 0xFF19) return c - 0xFF10 + '0';
    return c;
}

bool is_latin_letter(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

}  // namespace

std::optional<std::string> text_problem(std::string_view text, std::size_t max_chars) {
    std::size_t i = 0, chars = 0;
    while (i < text.size()) {
        const std::size_t at = i;
        auto c = decode_one(text, i);
        ++chars;
        const std::string where = " at character " + std::to_string(chars);
        if (!c) return "is not valid UTF-8 (byte " + std::to_string(at + 1) + "); save the file as UTF-8";
        if (*c == 0) return "contains a NUL character" + where + "; remove it";
        if (*c < 0x20 || *c == 0x7F || (*c >= 0x80 && *c <= 0x9F))
            return "contains a control character (" + code_point_name(*c) + ")" + where + "; remove it";
        if (is_bidi_control(*c))
            return "contains a bidirectional control character (" + code_point_name(*c) + ")" + where +
                   ", which can make text display differently from what it is; remove it";
        if (*c == 0x2028 || *c == 0x2029 || *c == 0xFEFF)
            return "contains an invisible formatting character (" + code_point_name(*c) + ")" + where + "; remove it";
    }
    if (chars > max_chars)
        return "is " + std::to_string(chars) + " characters long; at most " + std::to_string(max_chars) +
               " are allowed";
    return std::nullopt;
}

std::string skeleton(std::string_view text) {
    std::u32string mapped;
    bool pending_space = false;
    for (char32_t c : decode(text)) {
        if (is_space(c) || c == '\t') {
            pending_space = !mapped.empty();
            continue;
        }
        if (pending_space) mapped.push_back(' ');
        pending_space = false;
        c = fold_case(c);
        if (char32_t l = look_alike(c)) c = l;
        mapped.push_back(c);
    }
    // Letter pairs read as one letter.
    std::string out;
    for (std::size_t k = 0; k < mapped.size(); ++k) {
        if (k + 1 < mapped.size() && mapped[k] == 'r' && mapped[k + 1] == 'n') {
            out.push_back('m');
            ++k;
        } else if (k + 1 < mapped.size() && mapped[k] == 'v' && mapped[k + 1] == 'v') {
            out.push_back('w');
            ++k;
        } else {
            encode(out, mapped[k]);
        }
    }
    return out;
}

bool mixes_scripts(std::string_view text) {
    bool latin = false, other = false;
    for (char32_t c : decode(text)) {
        if (is_latin_letter(c)) latin = true;
        else if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x0400 && c <= 0x052F)) other = true;
    }
    return latin && other;
}

}  // namespace registry
