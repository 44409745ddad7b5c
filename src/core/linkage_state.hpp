// The life of a linkage (SPEC §3): requested → approved → activated, or
// declined, expired, revoked. Pure rules, no I/O. Thread-safety: stateless.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace core {

enum class LinkageState { requested, approved, activated, declined, expired, revoked };

std::string_view to_string(LinkageState s);
std::optional<LinkageState> parse_linkage_state(std::string_view s);

// Live states hold the pair: at most one live linkage per (bureau, client).
bool is_live(LinkageState s);
// Terminal states admit no further transition.
bool is_terminal(LinkageState s);

// Legal transitions:
//   requested → approved | declined | expired | revoked
//   approved  → activated | revoked
//   activated → revoked
// Anything else (including a state to itself) is illegal.
bool is_legal_transition(LinkageState from, LinkageState to);

struct IllegalTransition {
    LinkageState from;
    LinkageState to;
    std::string message;
};

// Returns `to` when legal, otherwise why not.
std::expected<LinkageState, IllegalTransition> transition(LinkageState from, LinkageState to);

enum class LinkageSource { digital, paper };
std::string_view to_string(LinkageSource s);
std::optional<LinkageSource> parse_linkage_source(std::string_view s);

}  // namespace core
