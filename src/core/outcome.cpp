#include "core/outcome.hpp"

namespace core {

std::string_view to_string(Outcome o) {
    switch (o) {
        case Outcome::accepted: return "accepted";
        case Outcome::review: return "review";
        case Outcome::rejected: return "rejected";
        case Outcome::duplicate: return "duplicate";
    }
    return "unknown";
}

std::optional<Outcome> parse_outcome(std::string_view s) {
    for (auto o : {Outcome::accepted, Outcome::review, Outcome::rejected, Outcome::duplicate})
        if (to_string(o) == s) return o;
    return std::nullopt;
}

}  // namespace core
