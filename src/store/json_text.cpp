#include "store/json_text.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace store {

std::string json_object(std::initializer_list<std::pair<const char*, JsonScalar>> fields) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    // Not a structured binding: clang < 16 cannot capture one in a lambda
    // (the fuzz build, cmake/Fuzz.cmake, compiles this file with clang 14).
    for (const auto& field : fields) {
        const char* k = field.first;
        const JsonScalar& v = field.second;
        std::visit(
            [&](auto&& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) o.set(k, Poco::Dynamic::Var());
                else o.set(k, x);
            },
            v);
    }
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

}  // namespace store
