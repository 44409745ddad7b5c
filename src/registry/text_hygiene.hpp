// Text hygiene for registry values (issue 16): what a name, username or
// other string from the registry JSON may contain before it is stored and
// later shown on pages, in mails and in logs, and the confusable "skeleton"
// used to warn about look-alike bureau names.
//
// Refused (text_problem): invalid UTF-8 (including overlong forms and
// surrogates), NUL and every other C0 control, DEL, C1 controls
// (U+0080–U+009F), the bidirectional controls U+202A–U+202E, U+2066–U+2069,
// U+200E, U+200F, U+061C, the line/paragraph separators U+2028/U+2029 and the
// byte order mark U+FEFF, and values longer than a field's limit (counted in
// characters, i.e. code points).
//
// skeleton(): a case-folded form in which letters that look alike map to one
// letter (Cyrillic а/е/о/р/с/х/у…, Greek ο/ν/ρ…, digit 0 → o, 1/I → l,
// "rn" → m, "vv" → w), white space collapsed. Å, Ä and Ö are Swedish letters
// of their own and stay distinct from A and O. Two names with one skeleton
// would be mistaken for each other by a reader.
//
// Owns: nothing. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace registry {

inline constexpr std::size_t k_max_name_chars = 200;      // people, bureaus, clients
inline constexpr std::size_t k_max_username_chars = 64;
inline constexpr std::size_t k_max_other_chars = 100;     // orgnr, subscription, product, role

// Nothing when `text` is clean, else what is wrong (English; never echoes the
// offending character itself, only its code point).
std::optional<std::string> text_problem(std::string_view text, std::size_t max_chars);

// The confusable skeleton of valid UTF-8 `text` (see above).
std::string skeleton(std::string_view text);

// True when `text` mixes Latin letters with Cyrillic or Greek ones.
bool mixes_scripts(std::string_view text);

}  // namespace registry
