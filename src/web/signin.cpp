#include "web/signin.hpp"

#include "digital/secrets.hpp"
#include "store/signin_throttle.hpp"

#include <chrono>
#include <vector>

namespace web {

namespace {

constexpr std::size_t k_max_username_bytes = 64;

// Verifying against this when the user is unknown (or has no password)
// keeps the sign-in time the same for every name: it never tells whether an
// account exists.
const std::string& dummy_hash() {
    static const std::string h = digital::hash_password("not a password");
    return h;
}

// Length of the UTF-8 character starting at s[i], 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

std::string log_form(const std::string& safe) {
    std::string out;
    for (char c : safe) {
        if (c == ' ') out += "%20";
        else if (c == '"') out += "%22";
        else if (c == '%') out += "%25";
        else out.push_back(c);
    }
    return out;
}

std::string lower_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string wait_text(int seconds) {
    if (seconds <= 1) return "en sekund";
    if (seconds < 120) return std::to_string(seconds) + " sekunder";
    return std::to_string((seconds + 59) / 60) + " minuter";
}

store::SigninPolicy policy_of(const ServerOptions& o) {
    return {o.signin_failures, std::chrono::seconds(o.signin_window_seconds),
            std::chrono::seconds(o.signin_max_delay_seconds)};
}

SigninRefusal must_wait(Exchange& x, int seconds) {
    x.res.set("Retry-After", std::to_string(seconds));
    return {429, "För många misslyckade inloggningsförsök. Vänta " + wait_text(seconds) +
                     " och försök sedan igen."};
}

}  // namespace

std::string safe_username(std::string_view typed) {
    std::string out;
    for (std::size_t i = 0; i < typed.size();) {
        const std::size_t n = utf8_length(typed, i);
        if (n == 0) {
            if (out.size() + 1 > k_max_username_bytes) break;
            out.push_back('?');
            ++i;
            continue;
        }
        const auto b = static_cast<unsigned char>(typed[i]);
        const bool control = (n == 1 && (b < 0x20 || b == 0x7F)) ||
                             (n == 2 && b == 0xC2 && static_cast<unsigned char>(typed[i + 1]) < 0xA0);  // C1
        if (!control) {
            if (out.size() + n > k_max_username_bytes) break;
            out.append(typed.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::optional<SigninRefusal> check_signin(Exchange& x, SigninRealm realm, const std::string& username,
                                          const std::string& password,
                                          const std::optional<std::pair<store::Id, std::string>>& user) {
    const std::string safe = safe_username(username);
    const std::string ip = x.client_ip();
    const std::string account_key = (realm == SigninRealm::staff ? "staff:" : "bureau:") + lower_ascii(safe);
    const std::vector<std::string> keys{account_key, "ip:" + ip};
    store::SigninThrottle throttle(x.db(), x.app.clock, policy_of(x.app.options));
    x.log_user = "?" + log_form(safe);
    if (const int wait = throttle.wait_seconds(keys); wait > 0) return must_wait(x, wait);
    const bool has_password = user && !user->second.empty();
    const bool ok = digital::verify_password(password, has_password ? user->second : dummy_hash()) && has_password;
    if (!ok) {
        throttle.record_failure(keys, {realm == SigninRealm::staff ? "staff_user" : "bureau_user",
                                       user ? std::optional<store::Id>(user->first) : std::nullopt, safe, ip});
        return SigninRefusal{401, "Fel användarnamn eller lösenord."};
    }
    throttle.forget(account_key);
    x.log_user = realm == SigninRealm::staff ? "staff:" + username : username;
    return std::nullopt;
}

std::string session_idle_since(const Exchange& x) {
    return core::format_utc(x.app.clock.now() - std::chrono::minutes(x.app.options.session_idle_minutes));
}

bool session_touch_due(const Exchange& x, const std::string& last_seen) {
    try {
        return core::parse_utc(last_seen) + std::chrono::minutes(1) <= x.app.clock.now();
    } catch (const std::exception&) {
        return true;  // not our format: write a good one
    }
}

}  // namespace web
