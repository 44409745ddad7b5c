// libFuzzer target: registry::parse_registry on arbitrary text. The contract
// under test (registry_import.hpp): every problem is a value (ImportProblem
// with a JSON path); nothing throws, crashes or trips a sanitizer.
#include "registry/registry_import.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view json(reinterpret_cast<const char*>(data), size);
    core::SubscriptionFormat format;
    auto r = registry::parse_registry(json, format);
    if (!r) {
        if (r.error().empty()) __builtin_trap();  // a failure names at least one problem
        for (const auto& p : r.error())
            if (p.path.empty() || p.path[0] != '$') __builtin_trap();  // every problem has a JSON path
    }
    return 0;
}
