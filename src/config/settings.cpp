#include "config/settings.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace config {

const std::map<std::string, std::string>& Settings::defaults() {
    static const std::map<std::string, std::string> k_defaults{
        {"store.url", ""},  // empty: sqlite:<home>/linkage.db
        {"store.busy_timeout_ms", "10000"},
        {"paths.inbox", "inbox"},
        {"paths.work", "work"},
        {"paths.archive", "archive"},
        {"paths.rejected", "rejected"},
        {"paths.reports", "reports"},
        {"paths.outbox", "outbox"},
        {"paths.crops", "crops"},
        {"paths.share", ""},  // empty: the data/ and templates/ the binary was built from
        {"batch.workers", "0"},  // 0: one per core
        {"batch.stable_seconds", "2"},
        {"batch.incomplete_give_up_seconds", "300"},
        {"thresholds.min_confidence", "80"},
        {"thresholds.min_confidence_checked", "65"},
        {"thresholds.min_confidence_confirmed", "0"},
        {"thresholds.max_residual_mm", "1.5"},
        {"thresholds.max_form_age_days", "90"},
        {"thresholds.min_ink_percent", "0.4"},
        {"tokens.valid_days", "7"},
        {"tokens.api_token_days", "365"},  // 0: API tokens never expire
        {"server.address", "127.0.0.1"},
        {"server.port", "8080"},
        {"server.base_url", "http://127.0.0.1:8080"},
        {"server.threads", "0"},
        {"server.session_idle_minutes", "30"},
        {"server.ops_address", "127.0.0.1"},
        {"server.ops_port", "8081"},
        {"server.header_timeout_seconds", "10"},
        {"server.body_timeout_seconds", "30"},
        {"server.max_connections_per_client", "64"},
        {"server.max_connections", "4096"},
        {"smtp.host", ""},  // empty: write .eml files to the outbox
        {"smtp.port", "25"},
        {"smtp.user", ""},
        {"smtp.password", ""},
        {"smtp.starttls", "false"},
        {"smtp.from", "Kopplingsdesken <noreply@example.se>"},
        {"limits.max_file_mb", "50"},
        {"limits.max_pages", "50"},
        {"limits.max_megapixels", "60"},
        {"limits.max_pdf_objects", "20000"},
        {"limits.max_body_kb", "64"},
        {"limits.requests_per_token_per_minute", "1200"},
        {"limits.searches_per_user_per_day", "200"},
        {"limits.request_cooldown_days", "7"},
        {"limits.approval_mails_per_recipient_per_week", "3"},
        {"limits.signin_failures", "5"},
        {"limits.signin_window_seconds", "60"},
        {"limits.signin_max_delay_seconds", "900"},
        {"limits.max_worker_memory_mb", "2048"},
        {"limits.max_seconds_per_file", "120"},
        {"log.level", "information"},
        {"health.require_watch", "false"},
        {"health.watch_stale_seconds", "60"},
        {"health.min_free_mb", "200"},
    };
    return k_defaults;
}

namespace {

std::string env_name(const std::string& key) {
    std::string n = "LINKAGE_";
    for (char c : key) n.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return n;
}

bool is_secret(const std::string& key) { return key.find("password") != std::string::npos; }

}  // namespace

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

bool Settings::get_bool(const std::string& key) const {
    std::string v = get(key);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
    if (v == "false" || v == "no" || v == "0" || v == "off") return false;
    throw ConfigError("configuration " + key + " = '" + v + "' must be true or false");
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
