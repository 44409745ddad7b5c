// Sign-in (issue 16): what the two sign-in forms share — /login (bureau
// users, auth.cpp) and /review/login (staff, review_pages.cpp) — so that
// neither has its own copy: the limits on guessing (store::SigninThrottle,
// per account as typed and per client address), the password check that
// takes as long for an unknown name as for a known one (a dummy hash), the
// event of a failure, the access log's name for the attempt, and the idle
// rule of both kinds of session. The flows differ only in whom they look up
// and which session they make.
//
// Parallel floods: a failure is counted only after the password check, so a
// process checks at most one attempt per account name and four per address
// at a time (in memory); an attempt beyond that is refused like one during
// a delay (429, Retry-After: 1). Several `serve` processes on one store each
// allow that many.
//
// Access log: a failed or refused attempt shows `user=?NAME` — NAME as
// typed, made safe by safe_username() and with space, '"' and '%' written as
// %20, %22, %25 so that the line still splits on spaces; a successful
// sign-in shows the user (`staff:NAME` for staff), as signed-in requests do.
//
// Thread-safety: as Exchange (one request, one thread).
#pragma once

#include "store/records.hpp"
#include "web/app.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace web {

enum class SigninRealm { bureau, staff };

// Why a sign-in was refused: the status and a Swedish message that is the
// same whether the account exists or not.
struct SigninRefusal {
    int status = 401;  // 401 wrong name or password; 429 wait (Retry-After is set)
    std::string message;
};

// Checks one sign-in attempt. `user`: the active account of that name with
// its stored password hash (empty when none is set), or nullopt. Refuses
// without looking at the password while the account or the address must
// wait, or has an attempt being checked (429); otherwise verifies, and records a failure (counters and event)
// or forgets the account's failures. Sets x.log_user either way.
std::optional<SigninRefusal> check_signin(Exchange& x, SigninRealm realm, const std::string& username,
                                          const std::string& password,
                                          const std::optional<std::pair<store::Id, std::string>>& user);

// The typed name made safe for events and logs: control characters removed,
// bytes that are not UTF-8 replaced by '?', at most 64 bytes (whole characters).
std::string safe_username(std::string_view typed);

// The idle rule of sessions: a session last seen at or before this time (UTC
// text) has ended (server.session_idle_minutes).
std::string session_idle_since(const Exchange& x);
// True when a session last seen at `last_seen` should be touched now: a
// minute or more ago, so a busy session costs one write a minute, not one a request.
bool session_touch_due(const Exchange& x, const std::string& last_seen);

}  // namespace web
