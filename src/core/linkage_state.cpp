#include "core/linkage_state.hpp"

#include <array>

namespace core {

namespace {
constexpr std::array<std::pair<LinkageState, std::string_view>, 6> k_names{{
    {LinkageState::requested, "requested"},
    {LinkageState::approved, "approved"},
    {LinkageState::activated, "activated"},
    {LinkageState::declined, "declined"},
    {LinkageState::expired, "expired"},
    {LinkageState::revoked, "revoked"},
}};
}  // namespace

std::string_view to_string(LinkageState s) {
    for (auto& [state, name] : k_names)
        if (state == s) return name;
    return "unknown";
}

std::optional<LinkageState> parse_linkage_state(std::string_view s) {
    for (auto& [state, name] : k_names)
        if (name == s) return state;
    return std::nullopt;
}

bool is_live(LinkageState s) {
    return s == LinkageState::requested || s == LinkageState::approved || s == LinkageState::activated;
}

bool is_terminal(LinkageState s) { return !is_live(s); }

bool is_legal_transition(LinkageState from, LinkageState to) {
    using S = LinkageState;
    switch (from) {
        case S::requested: return to == S::approved || to == S::declined || to == S::expired || to == S::revoked;
        case S::approved: return to == S::activated || to == S::revoked;
        case S::activated: return to == S::revoked;
        case S::declined:
        case S::expired:
        case S::revoked: return false;
    }
    return false;
}

std::expected<LinkageState, IllegalTransition> transition(LinkageState from, LinkageState to) {
    if (is_legal_transition(from, to)) return to;
    return std::unexpected(IllegalTransition{
        from, to,
        "a linkage in state '" + std::string(to_string(from)) + "' cannot become '" +
            std::string(to_string(to)) + "'"});
}

std::string_view to_string(LinkageSource s) { return s == LinkageSource::digital ? "digital" : "paper"; }

std::optional<LinkageSource> parse_linkage_source(std::string_view s) {
    if (s == "digital") return LinkageSource::digital;
    if (s == "paper") return LinkageSource::paper;
    return std::nullopt;
}

}  // namespace core
