// StaffRepo: the back-office staff users who resolve the review queue on
// the web (issue 5; tables staff_users, staff_sessions, migration 020).
// Staff are not bureau users: they act for the operator and never see a
// bureau's pages, and bureau users never see the review queue. Passwords
// are stored as PBKDF2 text, session ids as SHA-256 hex; hashing is the
// caller's job (digital/secrets). A new password ends the user's sessions;
// a session also ends when idle (last_seen_at, touched by the web at most
// once a minute; issue 16).
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>

namespace store {

struct StaffUser {
    Id id = 0;
    std::string username;
    std::string name;
};

struct StaffSession {
    Id id = 0;
    StaffUser user;
    std::string csrf_token;
    std::string last_seen_at;  // created_at until first touched
};

class StaffRepo {
public:
    explicit StaffRepo(Connection& c) : m_c(c) {}

    // Adds a staff user, or sets the name and password of an existing one
    // (and reactivates it), ending every live session of that user; appends
    // an event without the hash. Own transaction.
    Id put(const std::string& username, const std::string& name, const std::string& password_hash,
           const std::string& now, const std::string& actor);
    // Active staff user by username, with the password hash.
    std::optional<std::pair<StaffUser, std::string>> with_password(const std::string& username) const;

    Id add_session(Id staff_user_id, const std::string& session_hash, const std::string& csrf_token,
                   const std::string& now, const std::string& expires_at);
    // The live session: not ended, not expired at `now`, seen (or made)
    // after `idle_since` (empty: no idle limit), its user active.
    std::optional<StaffSession> session_by_hash(const std::string& session_hash, const std::string& now,
                                                const std::string& idle_since = {}) const;
    // Records `now` as the session's last sight.
    void touch_session(Id session_id, const std::string& now);
    void end_session(Id session_id, const std::string& now);

private:
    Connection& m_c;
};

}  // namespace store
