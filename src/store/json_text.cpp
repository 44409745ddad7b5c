#include "store/json_text.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace store {

std::string json_object(std::initializer_list<std::pair<const char*, JsonScalar>> fields) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    for (auto& [k, v] : fields) {
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
