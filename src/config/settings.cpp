#include "config/settings.hpp"

#include "core/email_address.hpp"
#include "core/log.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <unistd.h>

namespace config {

namespace {

using T = KeyType;

// The one table of keys: default, type, range, meaning. pipeline/linkage.ini
// documents each (tests/ops checks that both agree).
const std::vector<KeySpec> k_keys{
    {"store.url", "", T::text, 0, 0, "store URL; empty: sqlite:<home>/linkage.db"},
    {"store.busy_timeout_ms", "10000", T::integer, 100, 600000, "writer wait for the store lock, ms"},
    {"paths.inbox", "inbox", T::path, 0, 0, "folder scans are dropped into"},
    {"paths.work", "work", T::path, 0, 0, "folder of files being processed"},
    {"paths.archive", "archive", T::path, 0, 0, "folder of processed originals"},
    {"paths.rejected", "rejected", T::path, 0, 0, "quarantine folder"},
    {"paths.reports", "reports", T::path, 0, 0, "folder of run reports"},
    {"paths.outbox", "outbox", T::path, 0, 0, "folder of .eml files when smtp.host is empty"},
    {"paths.crops", "crops", T::path, 0, 0, "folder of review crops and page images"},
    {"paths.share", "", T::path, 0, 0, "folder holding data/ and templates/; empty: the source tree"},
    {"batch.workers", "0", T::integer, 0, 256, "analysis workers; 0: one per core"},
    {"batch.stable_seconds", "2", T::integer, 0, 3600, "seconds a file must be unchanged"},
    {"batch.incomplete_give_up_seconds", "300", T::integer, 0, 86400, "seconds an incomplete file waits"},
    {"thresholds.min_confidence", "80", T::real, 0, 100, "OCR confidence for acceptance"},
    {"thresholds.min_confidence_checked", "65", T::real, 0, 100, "confidence for cross-checked numbers"},
    {"thresholds.min_confidence_confirmed", "0", T::real, 0, 100, "confidence for registry-confirmed text"},
    {"thresholds.max_residual_mm", "1.5", T::real, 0, 50, "largest registration residual, mm"},
    {"thresholds.max_form_age_days", "90", T::integer, 1, 3650, "oldest accepted signature date, days"},
    {"thresholds.min_ink_percent", "0.4", T::real, 0, 100, "signature ink share, percent"},
    {"tokens.valid_days", "7", T::integer, 1, 365, "days an approval link is valid"},
    {"tokens.api_token_days", "365", T::integer, 0, 3650, "days an API token is valid; 0: never expires"},
    {"server.address", "127.0.0.1", T::text, 0, 0, "listen address"},
    {"server.port", "8080", T::integer, 0, 65535, "listen port; 0: any free port"},
    {"server.base_url", "", T::text, 0, 0, "public address in links and mails; empty: the listener's"},
    {"server.threads", "0", T::integer, 0, 1024, "request worker threads; 0: 4 per core"},
    {"server.session_idle_minutes", "30", T::integer, 1, 1440, "idle web session lifetime, minutes"},
    {"server.ops_address", "127.0.0.1", T::text, 0, 0, "ops listener address"},
    {"server.ops_port", "8081", T::integer, -1, 65535, "ops listener port; -1: none"},
    {"server.header_timeout_seconds", "10", T::integer, 1, 3600, "deadline for a request head"},
    {"server.body_timeout_seconds", "30", T::integer, 1, 3600, "deadline for a request body"},
    {"server.max_connections_per_client", "64", T::integer, 1, 100000, "connections per client address"},
    {"server.max_connections", "4096", T::integer, 1, 1000000, "connections in all"},
    {"smtp.host", "", T::text, 0, 0, "mail relay; empty: .eml files in the outbox"},
    {"smtp.port", "25", T::integer, 1, 65535, "mail relay port"},
    {"smtp.user", "", T::text, 0, 0, "relay user"},
    {"smtp.password", "", T::text, 0, 0, "relay password (secret)"},
    {"smtp.starttls", "false", T::boolean, 0, 0, "STARTTLS before authenticating"},
    {"smtp.from", "Kopplingsdesken <noreply@example.se>", T::text, 0, 0, "sender, Name <address>"},
    {"limits.max_file_mb", "200", T::integer, 1, 4096, "largest input file, MiB"},
    {"limits.max_pages", "500", T::integer, 1, 10000, "most pages per file"},
    {"limits.max_megapixels", "60", T::integer, 1, 1000, "largest page, megapixels"},
    {"limits.max_pdf_objects", "20000", T::integer, 10, 10000000, "most objects per PDF"},
    {"limits.max_body_kb", "64", T::integer, 1, 65536, "largest HTTP request body, KiB"},
    {"limits.requests_per_token_per_minute", "1200", T::integer, 0, 100000000, "requests per token per minute"},
    {"limits.searches_per_user_per_day", "200", T::integer, 0, 100000000, "client searches per user per day"},
    {"limits.request_cooldown_days", "7", T::integer, 0, 365, "days before asking a client again"},
    {"limits.approval_mails_per_recipient_per_week", "3", T::integer, 0, 1000, "approval mails per recipient per week"},
    {"limits.signin_failures", "5", T::integer, 1, 1000, "free sign-in failures"},
    {"limits.signin_window_seconds", "60", T::integer, 1, 86400, "window of the free failures, s"},
    {"limits.signin_max_delay_seconds", "900", T::integer, 1, 86400, "longest sign-in delay, s"},
    {"limits.max_worker_memory_mb", "2048", T::integer, 64, 1 << 20, "worker address-space limit, MiB"},
    {"limits.max_seconds_per_file", "120", T::integer, 5, 86400, "longest analysis of one file, s"},
    {"health.require_watch", "false", T::boolean, 0, 0, "health fails when no watcher runs"},
    {"health.watch_stale_seconds", "60", T::integer, 1, 86400, "oldest watcher heartbeat that counts as alive, s"},
    {"health.min_free_mb", "200", T::integer, 0, 1000000000, "least free space for home, store and inbox, MB"},
    {"log.level", "information", T::text, 0, 0, "least severe level logged"},
};

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool is_secret(const std::string& key) { return key.find("password") != std::string::npos; }

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// Environment variables named like a setting of a known section
// (LINKAGE_SERVER_…) that are no key: a typo that would otherwise be ignored.
// Variables of no section (LINKAGE_HOME, LINKAGE_ACTOR, …) are not settings.
std::vector<std::string> unknown_setting_variables() {
    std::vector<std::string> sections, names;
    for (auto& k : k_keys) {
        const std::string key = k.key;
        const std::string section = "LINKAGE_" + upper(key.substr(0, key.find('.'))) + "_";
        if (std::find(sections.begin(), sections.end(), section) == sections.end()) sections.push_back(section);
        names.push_back(Settings::env_name(key));
    }
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (name.rfind("LINKAGE_", 0) != 0) continue;
        if (std::find(names.begin(), names.end(), name) != names.end()) continue;
        bool listed = false;
        for (auto& section : sections)
            if (name.rfind(section, 0) == 0) {
                out.push_back(name);
                listed = true;
                break;
            }
        if (listed) continue;
        // A misspelt section (LINKAGE_SERVR_PORT, LINKAGE_SMPT_HOST): one
        // letter off, or the same letters in another order (issue 17).
        const auto underscore = name.find('_', 8);
        if (underscore == std::string::npos) continue;
        const std::string token = name.substr(8, underscore - 8);
        for (auto& section : sections) {
            const std::string known = section.substr(8, section.size() - 9);
            std::string a = token, b = known;
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            if (edit_distance(token, known) <= 1 || (token.size() >= 4 && a == b)) {
                out.push_back(name);
                break;
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string nearest_key(const std::string& variable) {
    const KeySpec* best = nullptr;
    std::size_t best_d = 0;
    for (auto& k : k_keys) {
        const std::size_t d = edit_distance(variable, Settings::env_name(k.key));
        if (!best || d < best_d) best = &k, best_d = d;
    }
    return best ? best->key : "";
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// "Name <address>" or a bare address; nothing when valid, else what is wrong.
std::optional<std::string> mailbox_problem(std::string_view v) {
    if (has_control(v)) return "it contains a control character";
    std::string_view address = v;
    if (auto lt = v.find('<'); lt != std::string_view::npos) {
        std::string_view rest = v.substr(lt + 1);
        auto gt = rest.find('>');
        if (gt == std::string_view::npos) return "'<' without a closing '>'";
        if (rest.substr(gt + 1).find_first_not_of(' ') != std::string_view::npos) return "text after the closing '>'";
        if (v.substr(0, lt).find('>') != std::string_view::npos) return "a '>' before the '<'";
        address = rest.substr(0, gt);
    } else if (v.find('>') != std::string_view::npos) {
        return "'>' without an opening '<'";
    }
    if (auto p = core::email_address_problem(address)) return "the address: " + *p;
    return std::nullopt;
}

std::optional<std::string> base_url_problem(std::string_view v) {
    std::string_view rest;
    if (v.rfind("https://", 0) == 0)
        rest = v.substr(8);
    else if (v.rfind("http://", 0) == 0)
        rest = v.substr(7);
    else
        return "it must start with http:// or https://";
    if (has_control(v) || v.find_first_of(" ?#\\\"<>") != std::string_view::npos)
        return "it may hold no spaces, control characters, query or fragment";
    const std::string_view authority = rest.substr(0, rest.find('/'));
    if (authority.find('@') != std::string_view::npos) return "it may not hold a user name";
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return "its IPv6 address lacks the closing ']'";
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return "text after the IPv6 address";
            port = authority.substr(close + 2);
            if (port.empty()) return "its port must be a number from 1 to 65535";
        }
    } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) return "its port must be a number from 1 to 65535";
    }
    if (host.empty() || host == "[]") return "it names no host";
    if (!port.empty() && (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
                          std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535))
        return "its port must be a number from 1 to 65535";
    return std::nullopt;
}

}  // namespace

const std::vector<KeySpec>& Settings::keys() { return k_keys; }

const KeySpec* Settings::spec(const std::string& key) {
    for (auto& k : k_keys)
        if (key == k.key) return &k;
    return nullptr;
}

const std::map<std::string, std::string>& Settings::defaults() {
    static const std::map<std::string, std::string> k_defaults = [] {
        std::map<std::string, std::string> m;
        for (auto& k : k_keys) m[k.key] = k.default_value;
        return m;
    }();
    return k_defaults;
}

const std::vector<std::string>& Settings::folder_keys() {
    static const std::vector<std::string> k_folders{"paths.inbox",   "paths.work",   "paths.archive", "paths.rejected",
                                                    "paths.reports", "paths.outbox", "paths.crops"};
    return k_folders;
}

std::string Settings::env_name(const std::string& key) {
    std::string n = "LINKAGE_";
    for (char c : key) n.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return n;
}

Settings Settings::from_map(const std::filesystem::path& home, std::map<std::string, std::string> values) {
    Settings s;
    s.m_home = home;
    for (auto& [k, v] : defaults()) {
        s.m_values[k] = v;
        s.m_sources[k] = "default";
    }
    for (auto& [k, v] : values) {
        if (!defaults().count(k)) throw ConfigError("unknown configuration key '" + k + "'");
        s.m_values[k] = v;
        s.m_sources[k] = "given";
    }
    return s;
}

Settings Settings::load(const std::filesystem::path& home, const std::optional<std::filesystem::path>& file) {
    Settings s = from_map(home, {});
    std::optional<std::filesystem::path> path = file;
    if (!path && std::filesystem::exists(home / "linkage.ini")) path = home / "linkage.ini";
    if (path) {
        if (!std::filesystem::exists(*path)) throw ConfigError("config file " + path->string() + " does not exist");
        s.m_file = path;
        try {
            Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini(new Poco::Util::IniFileConfiguration(path->string()));
            Poco::Util::AbstractConfiguration::Keys sections;
            ini->keys(sections);
            for (auto& section : sections) {
                Poco::Util::AbstractConfiguration::Keys keys;
                ini->keys(section, keys);
                for (auto& k : keys) {
                    std::string full = section + "." + k;
                    if (!defaults().count(full))
                        throw ConfigError(path->string() + ": unknown key '" + k + "' in section [" + section +
                                          "] (see pipeline/linkage.ini for the keys)");
                    s.m_values[full] = ini->getString(full);
                    s.m_sources[full] = "file";
                }
            }
        } catch (const Poco::Exception& e) {
            throw ConfigError("cannot read config file " + path->string() + ": " + e.displayText());
        }
    }
    for (auto& [k, v] : defaults()) {
        (void)v;
        if (const char* e = std::getenv(env_name(k).c_str())) {
            s.m_values[k] = e;
            s.m_sources[k] = "env";
        }
    }
    s.m_unknown_env = unknown_setting_variables();
    return s;
}

std::string Settings::get(const std::string& key) const {
    auto it = m_values.find(key);
    if (it == m_values.end()) throw ConfigError("unknown configuration key '" + key + "' (bug)");
    return it->second;
}

int Settings::get_int(const std::string& key, int min, int max) const {
    std::string v = get(key);
    try {
        size_t used = 0;
        long n = std::stol(v, &used);
        if (used != v.size() || n < min || n > max) throw std::out_of_range("");
        return static_cast<int>(n);
    } catch (const std::exception&) {
        throw ConfigError("configuration " + key + " = '" + v + "' must be a whole number from " +
                          std::to_string(min) + " to " + std::to_string(max) + " (" + env_name(key) + ")");
    }
}

double Settings::get_double(const std::string& key, double min, double max) const {
    std::string v = get(key);
    try {
        size_t used = 0;
        double n = std::stod(v, &used);
        if (used != v.size() || n < min || n > max) throw std::out_of_range("");
        return n;
    } catch (const std::exception&) {
        throw ConfigError("configuration " + key + " = '" + v + "' must be a number from " + std::to_string(min) +
                          " to " + std::to_string(max) + " (" + env_name(key) + ")");
    }
}

int Settings::get_int(const std::string& key) const {
    const KeySpec* k = spec(key);
    if (!k || k->type != KeyType::integer) throw ConfigError("configuration key '" + key + "' is not a whole number (bug)");
    return get_int(key, static_cast<int>(k->min), static_cast<int>(k->max));
}

double Settings::get_double(const std::string& key) const {
    const KeySpec* k = spec(key);
    if (!k || k->type != KeyType::real) throw ConfigError("configuration key '" + key + "' is not a number (bug)");
    return get_double(key, k->min, k->max);
}

bool Settings::get_bool(const std::string& key) const {
    std::string v = get(key);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
    if (v == "false" || v == "no" || v == "0" || v == "off") return false;
    throw ConfigError("configuration " + key + " = '" + v + "' must be true or false");
}

void Settings::validate() const {
    if (!m_unknown_env.empty()) {
        const std::string& v = m_unknown_env.front();
        const std::string near = nearest_key(v);
        throw ConfigError("environment variable " + v + " names no setting (did you mean " + env_name(near) + " for " +
                          near + "?); fix or unset it (pipeline/linkage.ini lists the keys)");
    }
    for (auto& k : k_keys) {
        switch (k.type) {
        case KeyType::integer: get_int(k.key); break;
        case KeyType::real: get_double(k.key); break;
        case KeyType::boolean: get_bool(k.key); break;
        case KeyType::text:
        case KeyType::path: break;
        }
    }
    const auto where = [this](const std::string& key) {
        auto src = m_sources.find(key);
        const std::string from = src == m_sources.end() ? "" : src->second;
        return from == "file" && m_file ? " (in " + m_file->string() + ")" : " (" + env_name(key) + ")";
    };
    if (!core::parse_log_level(get("log.level")))
        throw ConfigError("configuration log.level = '" + get("log.level") +
                          "' must be one of trace, debug, information, notice, warning, error, critical" +
                          where("log.level"));
    if (std::string url = get("store.url"); !url.empty() && (url.rfind("sqlite:", 0) != 0 || url.size() == 7))
        throw ConfigError("configuration store.url = '" + url.substr(0, 60) + "' must be empty or sqlite:PATH" +
                          where("store.url"));
    if (auto p = get("server.base_url").empty() ? std::nullopt : base_url_problem(get("server.base_url")))
        throw ConfigError("configuration server.base_url = '" + get("server.base_url").substr(0, 100) + "': " + *p +
                          " (e.g. https://kopplingar.example.se)" + where("server.base_url"));
    if (auto p = mailbox_problem(get("smtp.from")))
        throw ConfigError("configuration smtp.from = '" + get("smtp.from").substr(0, 100) +
                          "' is not a valid sender (" + *p + "); write Name <address@domain.se>" + where("smtp.from"));
}

namespace {

struct UrlParts {
    std::string scheme, host;  // host without brackets
    int port = 0;
};

std::optional<UrlParts> url_parts(const std::string& url) {
    if (base_url_problem(url)) return std::nullopt;
    UrlParts u;
    u.scheme = url.rfind("https://", 0) == 0 ? "https" : "http";
    std::string rest = url.substr(u.scheme.size() + 3);
    std::string authority = rest.substr(0, rest.find('/'));
    std::string port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) port = authority.substr(close + 2);
    } else if (auto colon = authority.find(':'); colon != std::string::npos) {
        u.host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    } else {
        u.host = authority;
    }
    for (char& c : u.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    u.port = port.empty() ? (u.scheme == "https" ? 443 : 80) : std::stoi(port);
    return u;
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host.ends_with(".localhost") || host.rfind("127.", 0) == 0 || host == "::1";
}

bool is_wildcard(const std::string& address) { return address.empty() || address == "0.0.0.0" || address == "::"; }

}  // namespace

std::string Settings::listener_url(const std::string& address, int port) {
    std::string host = address;
    if (is_wildcard(address)) {
        char name[256] = {};
        host = ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
    }
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port);
}

std::string Settings::link_base_url(std::optional<int> bound_port, std::optional<std::string> address) const {
    std::string url = get("server.base_url");
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!url.empty()) return url;
    return listener_url(address.value_or(get("server.address")), bound_port.value_or(get_int("server.port")));
}

std::vector<std::string> Settings::base_url_warnings(std::optional<int> bound_port,
                                                     std::optional<std::string> address) const {
    std::vector<std::string> out;
    const std::string listen = address.value_or(get("server.address"));
    const int port = bound_port.value_or(get_int("server.port"));
    const std::string url = get("server.base_url");
    const std::string listener = "the listener (server.address " + (listen.empty() ? std::string("*") : listen) +
                                 ", port " + (port == 0 ? std::string("any free port") : std::to_string(port)) + ")";
    if (url.empty()) {
        if (is_loopback(listen))
            out.push_back("server.base_url is not set, so links in mails use " + link_base_url(bound_port, address) +
                          ", which only this machine can open; set server.base_url (LINKAGE_SERVER_BASE_URL) to the "
                          "address the recipients reach");
        return out;
    }
    auto u = url_parts(url);
    if (!u || !is_loopback(u->host)) return out;  // a public name: perhaps a reverse proxy, cannot tell
    if (port == 0 || u->port != port)
        out.push_back("server.base_url " + url + " names this machine (" + u->host + ") on port " +
                      std::to_string(u->port) + ", but " + listener +
                      " is not there: links in mails will lead nowhere; fix server.base_url or leave it empty to "
                      "follow the listener");
    else if (!is_loopback(listen))
        out.push_back("server.base_url " + url + " names this machine's loopback address while " + listener +
                      " serves other machines: recipients cannot open the links; set server.base_url to the "
                      "address they reach");
    return out;
}

void Settings::check_folders() const {
    for (auto& key : folder_keys()) {
        const std::filesystem::path p = get_path(key);
        std::error_code ec;
        if (!std::filesystem::is_directory(p, ec))
            throw ConfigError("configuration " + key + " = '" + get(key) + "': folder " + p.string() +
                              (std::filesystem::exists(p, ec) ? " is not a folder" : " does not exist") +
                              "; create it or run 'linkage --home " + m_home.string() + " init' (" + env_name(key) +
                              ")");
    }
}

std::filesystem::path Settings::get_path(const std::string& key) const {
    std::filesystem::path p = get(key);
    return p.is_absolute() ? p : m_home / p;
}

std::vector<Settings::Entry> Settings::effective() const {
    std::vector<Entry> out;
    for (auto& [k, v] : m_values)
        out.push_back({k, is_secret(k) && !v.empty() ? std::string("********") : v, m_sources.at(k)});
    return out;
}

}  // namespace config
