#include "web/signin.hpp"

#include "digital/secrets.hpp"
#include "store/signin_throttle.hpp"

#include <chrono>
#include <mutex>
#include <unordered_map>
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

// Attempts being checked right now in this process, per key. The store's
// counters learn of a failure only after the (slow, by design) password
// check, so without this a flood of parallel attempts would all pass the
// wait check before the first failure is counted. One attempt per account
// and four per address are checked at a time; more get "wait a second".
class InFlight {
public:
    bool enter(const std::string& account, const std::string& address) {
        std::lock_guard lock(m_mutex);
        if (count(account) >= k_per_account || count(address) >= k_per_address) return false;
        ++m_n[account];
        ++m_n[address];
        return true;
    }
    void leave(const std::string& account, const std::string& address) {
        std::lock_guard lock(m_mutex);
        for (const std::string* k : {&account, &address})
            if (auto it = m_n.find(*k); it != m_n.end() && --it->second <= 0) m_n.erase(it);
    }

private:
    static constexpr int k_per_account = 1;
    static constexpr int k_per_address = 4;
    int count(const std::string& k) const {
        auto it = m_n.find(k);
        return it == m_n.end() ? 0 : it->second;
    }
    std::mutex m_mutex;
    std::unordered_map<std::string, int> m_n;
};

InFlight& in_flight() {
    static InFlight f;
    return f;
}

class InFlightGuard {
public:
    InFlightGuard(std::string account, std::string address)
        : m_account(std::move(account)), m_address(std::move(address)),
          m_entered(in_flight().enter(m_account, m_address)) {}
    ~InFlightGuard() {
        if (m_entered) in_flight().leave(m_account, m_address);
    }
    InFlightGuard(const InFlightGuard&) = delete;
    InFlightGuard& operator=(const InFlightGuard&) = delete;
    bool entered() const { return m_entered; }

private:
    std::string m_account, m_address;
    bool m_entered;
};

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
    const InFlightGuard guard(keys[0], keys[1]);
    if (!guard.entered()) return must_wait(x, 1);
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
