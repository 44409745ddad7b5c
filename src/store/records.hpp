// Rows of the linkage store as plain values, returned by the repositories.
// Timestamps are UTC text (core::format_utc).
#pragma once

#include "core/linkage_state.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace store {

using Id = std::int64_t;

struct Bureau {
    Id id = 0;
    std::string orgnr;
    std::string name;
    std::string product;
    bool multi_company = false;
};

struct BureauUser {
    Id id = 0;
    Id bureau_id = 0;
    std::string username;
    std::string name;
    std::string email;
    std::string role;
    bool active = true;
};

struct Client {
    Id id = 0;
    std::string orgnr;
    std::string subscription;
    std::string name;
    bool multi_company = false;
};

struct ClientUser {
    Id id = 0;
    Id client_id = 0;
    std::string name;
    std::string email;
    std::string role;
    bool active = true;
};

struct Linkage {
    Id id = 0;
    Id bureau_id = 0;
    Id client_id = 0;
    core::LinkageState state = core::LinkageState::requested;
    core::LinkageSource source = core::LinkageSource::digital;
    std::optional<std::string> reference_code;
    std::string requested_by;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> decided_at;
    std::optional<std::string> decided_by;
    std::optional<std::string> approved_via;  // "digital" | "paper" | "review"
    std::optional<std::string> activated_at;
    std::optional<std::string> activated_by;
    // Joined from the registry for display.
    std::string bureau_orgnr;
    std::string bureau_name;
    std::string client_orgnr;
    std::string client_name;
    std::string client_subscription;
};

struct Evidence {
    Id id = 0;
    Id linkage_id = 0;
    std::string kind;
    std::string at;
    std::string actor;
    std::string detail;  // JSON object
};

struct Event {
    Id id = 0;
    std::string at;
    std::string actor;
    std::string entity;
    std::optional<Id> entity_id;
    std::string action;
    std::optional<std::string> before;  // JSON
    std::optional<std::string> after;   // JSON
};

}  // namespace store
