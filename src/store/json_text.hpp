// Small helpers to build the JSON texts kept in events and evidence.
// Internal to the store module.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <variant>

namespace store {

using JsonScalar = std::variant<std::nullptr_t, bool, long long, std::string>;

// {"k": v, ...} with proper escaping.
std::string json_object(std::initializer_list<std::pair<const char*, JsonScalar>> fields);

}  // namespace store
