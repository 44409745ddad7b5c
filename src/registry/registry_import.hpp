// Registry import (SPEC §6): JSON text → validated core::RegistryData.
// Every problem is reported with its JSON path, all in one pass, so an
// operator fixes the whole file at once. Pure: no I/O, no store.
// Thread-safety: stateless.
#pragma once

#include "core/registry_data.hpp"
#include "core/rules.hpp"

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace registry {

struct ImportProblem {
    std::string path;     // JSON path, e.g. "$.clients[3].orgnr"
    std::string message;  // what is wrong, in English
};

// Parses and validates. On success every organisation number is canonical
// and every subscription number normalised. Checks: JSON syntax, required
// fields and their types, organisation number check digits, subscription
// format, product and role names, duplicate organisation numbers,
// subscription numbers, usernames and client user e-mails; every string is
// valid UTF-8 without control or bidi characters and within its length limit
// (registry/text_hygiene.hpp: names 200 characters, usernames 64), and every
// e-mail address passes core::email_address_problem (RFC 5321/5322 dot-atom
// syntax, ASCII only: the transport does not negotiate SMTPUTF8).
std::expected<core::RegistryData, std::vector<ImportProblem>> parse_registry(std::string_view json,
                                                                             const core::SubscriptionFormat& format);

// What a valid registry may still have wrong, reported but not refused: a
// bureau name whose confusable skeleton (text_hygiene.hpp) equals another
// bureau's, or one that mixes Latin with Cyrillic/Greek letters. Paths as
// in the JSON parse_registry accepted.
std::vector<ImportProblem> registry_warnings(const core::RegistryData& data);

}  // namespace registry
