// AuthRepo: how bureau users prove who they are (issue 6): personal API
// tokens (Bearer), password hashes (PBKDF2 text in bureau_users.password_hash)
// and signed-in web sessions. Tokens and session ids are stored only as
// SHA-256 hashes (hex); hashing and comparing is the caller's job (digital/secrets).
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>

namespace store {

// A signed-in or token-carrying bureau user, with the bureau it acts for.
struct Principal {
    Id user_id = 0;
    Id bureau_id = 0;
    std::string username;
    std::string name;
    std::string role;
};

struct WebSession {
    Id id = 0;
    Principal user;
    std::string csrf_token;
    std::string expires_at;
};

class AuthRepo {
public:
    explicit AuthRepo(Connection& c) : m_c(c) {}

    // Active bureau user by username, with the stored password hash (empty when none set).
    std::optional<std::pair<Principal, std::string>> user_with_password(const std::string& username) const;
    // Sets the password hash of a user; appends an event (without the hash). Own transaction.
    void set_password_hash(Id user_id, const std::string& hash, const std::string& now, const std::string& actor);

    // Adds an API token (hash only); appends an event. Own transaction.
    Id add_api_token(Id user_id, const std::string& token_hash, const std::string& now, const std::string& actor);
    // The active user holding a live API token with this hash.
    std::optional<Principal> principal_by_api_token(const std::string& token_hash) const;

    Id add_session(Id user_id, const std::string& session_hash, const std::string& csrf_token,
                   const std::string& now, const std::string& expires_at);
    // The live (not ended, not expired at `now`) session with this hash, its user active.
    std::optional<WebSession> session_by_hash(const std::string& session_hash, const std::string& now) const;
    void end_session(Id session_id, const std::string& now);

private:
    Connection& m_c;
};

}  // namespace store
