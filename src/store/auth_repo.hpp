// AuthRepo: how bureau users prove who they are (issue 6): personal API
// tokens (Bearer), password hashes (PBKDF2 text in bureau_users.password_hash)
// and signed-in web sessions. Tokens and session ids are stored only as
// SHA-256 hashes (hex); hashing and comparing is the caller's job (digital/secrets).
//
// Revocation (issue 16): a token may expire (expires_at) and be revoked; a
// new password ends the user's sessions; a session ends when idle. "Last
// used" and "last seen" are written by the touch_* calls, which the web
// makes at most once a minute per token or session (never a write per
// request): both are accurate to a minute.
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

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
    std::string last_seen_at;  // created_at until first touched
};

// An API token as listed (never the token, nor its hash).
struct ApiTokenInfo {
    Id id = 0;
    std::string created_at;
    std::optional<std::string> last_used_at;
    std::optional<std::string> expires_at;  // nullopt: never
    std::optional<std::string> revoked_at;
};

// A live API token found by its hash.
struct ApiTokenUse {
    Principal principal;
    Id token_id = 0;
    std::optional<std::string> last_used_at;
};

struct NewApiToken {
    Id id = 0;
    std::vector<Id> retired;  // the user's older tokens revoked with it
};

enum class RevokeResult { revoked, already_revoked, not_found };

class AuthRepo {
public:
    explicit AuthRepo(Connection& c) : m_c(c) {}

    // Active bureau user by username, with the stored password hash (empty when none set).
    std::optional<std::pair<Principal, std::string>> user_with_password(const std::string& username) const;
    // Sets the password hash of a user and ends every live session of the
    // user except `keep_session` (the one that made the change on the web,
    // if any); appends an event (without the hash; with the number of
    // sessions ended). Own transaction. Returns the sessions ended.
    int set_password_hash(Id user_id, const std::string& hash, const std::string& now, const std::string& actor,
                          std::optional<Id> keep_session = std::nullopt);

    // Adds an API token (hash only), valid until `expires_at` (nullopt:
    // never); with `retire_others`, revokes the user's other live tokens in
    // the same transaction. Appends an event per token. Own transaction.
    NewApiToken add_api_token(Id user_id, const std::string& token_hash, const std::string& now,
                              const std::string& actor, const std::optional<std::string>& expires_at = std::nullopt,
                              bool retire_others = false);
    // The live token with this hash (not revoked, not expired at `now`) of an active user.
    std::optional<ApiTokenUse> api_token_by_hash(const std::string& token_hash, const std::string& now) const;
    // Records `now` as the token's last use unless it was recorded after `since`.
    void touch_api_token(Id token_id, const std::string& now, const std::string& since);
    // Every token of a user, oldest first.
    std::vector<ApiTokenInfo> api_tokens_of(Id user_id) const;
    // Revokes one token; appends an event. Own transaction.
    RevokeResult revoke_api_token(Id token_id, const std::string& now, const std::string& actor);

    Id add_session(Id user_id, const std::string& session_hash, const std::string& csrf_token,
                   const std::string& now, const std::string& expires_at);
    // The live session with this hash: not ended, not expired at `now`, seen
    // (or made) after `idle_since` (empty: no idle limit), its user active.
    std::optional<WebSession> session_by_hash(const std::string& session_hash, const std::string& now,
                                              const std::string& idle_since = {}) const;
    // Records `now` as the session's last sight.
    void touch_session(Id session_id, const std::string& now);
    void end_session(Id session_id, const std::string& now);

private:
    Connection& m_c;
};

}  // namespace store
