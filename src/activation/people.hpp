// People: recorded actors in words for people (issue 17 item 7). The store
// records who did what as an actor id ("bureau_user:anna.norrsken",
// "client_user:4", "cli:root", "staff:stina", "stina", "system:expiry",
// "paper-form:3f2a…"); pages and mails show a name instead:
//   bureau_user:U  → the bureau user's name
//   client_user:N  → the client user's name
//   cli:*          → "Back office"
//   staff:U or a staff username → "Back office (Name)"
//   system:*, mail, batch → "Kopplingsdesken (automatiskt)"
//   paper-form:*   → "undertecknad blankett"
//   signed paper form (X) → "undertecknad blankett (X)"
//   U (review of signed paper form) → "Back office (Name), efter granskning av undertecknad blankett"
// Anything else is shown as recorded. Names are looked up once per People.
// Thread-safety: borrows one Connection; one People per thread.
#pragma once

#include "store/connection.hpp"

#include <map>
#include <string>

namespace activation {

inline constexpr const char* k_back_office = "Back office";

class People {
public:
    explicit People(store::Connection& c) : m_c(c) {}
    std::string name(const std::string& actor);

private:
    std::string look_up(const std::string& actor);
    store::Connection& m_c;
    std::map<std::string, std::string> m_cache;
};

}  // namespace activation
