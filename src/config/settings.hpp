// Settings: the effective configuration of one process. Sources, strongest
// first: environment variables (LINKAGE_<SECTION>_<KEY>, e.g.
// LINKAGE_STORE_URL for store.url), the config file (INI: --config FILE, else
// <home>/linkage.ini when present), built-in defaults.
//
// Every key is declared once in the key table of settings.cpp (default,
// type, range, what it is); pipeline/linkage.ini documents the same keys.
// validate() checks every key against that table plus the keys with a syntax
// of their own (log.level, store.url, server.base_url, smtp.from), and
// refuses environment variables that look like a setting but name none
// (LINKAGE_<SECTION>_<KEY> of a known section, or of a section misspelt by
// one letter or with its letters swapped, e.g. LINKAGE_SERVR_PORT): `config check` and every
// command run it, so a process never starts on settings the check refuses.
//
// Owns: a flat key → value map. Thread-safety: immutable after load(); share freely.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace config {

// A bad config file or value: the operator must fix the configuration.
class ConfigError : public core::Error {
public:
    explicit ConfigError(const std::string& what) : core::Error(core::ErrorKind::config, what) {}
};

// One key of the table: its type and, for numbers, its inclusive range.
enum class KeyType { text, path, integer, real, boolean };
struct KeySpec {
    const char* key;
    const char* default_value;
    KeyType type;
    double min = 0, max = 0;  // integer and real keys only
    const char* doc = "";     // one phrase: what the key is
};

class Settings {
public:
    // Loads the file (if any) and the environment. `home` is the state
    // directory; relative paths in the file are resolved against it.
    // Throws ConfigError when the file is given but unreadable or malformed.
    static Settings load(const std::filesystem::path& home, const std::optional<std::filesystem::path>& file);
    // Only defaults and the given values (tests).
    static Settings from_map(const std::filesystem::path& home, std::map<std::string, std::string> values);

    const std::filesystem::path& home() const { return m_home; }

    std::string get(const std::string& key) const;  // throws ConfigError for an unknown key
    int get_int(const std::string& key, int min, int max) const;  // throws ConfigError out of range
    // An integer or real key within the key table's range. Throws ConfigError.
    int get_int(const std::string& key) const;
    double get_double(const std::string& key) const;
    double get_double(const std::string& key, double min, double max) const;
    bool get_bool(const std::string& key) const;
    // A path key resolved against home when relative.
    std::filesystem::path get_path(const std::string& key) const;

    // Every key with its value and source ("default", "file", "env"); secrets masked.
    struct Entry {
        std::string key, value, source;
    };
    std::vector<Entry> effective() const;
    std::optional<std::filesystem::path> file() const { return m_file; }

    // All keys the product knows, with their defaults (pipeline/linkage.ini documents each).
    static const std::map<std::string, std::string>& defaults();
    // The key table; nullptr for an unknown key.
    static const std::vector<KeySpec>& keys();
    static const KeySpec* spec(const std::string& key);
    // LINKAGE_SERVER_PORT for server.port.
    static std::string env_name(const std::string& key);

    // The address links in mails start with (issue 17): server.base_url when
    // set (without a trailing '/'), else the listener's own address,
    // http://ADDRESS:PORT — a wildcard address (0.0.0.0, ::, empty) names
    // this machine's host name, an IPv6 address is bracketed. `bound_port`:
    // the port actually bound (serve --port, or 0 resolved); server.port
    // when not given.
    std::string link_base_url(std::optional<int> bound_port = std::nullopt,
                              std::optional<std::string> address = std::nullopt) const;
    // Why links in mails may not reach this server's listener (empty when
    // they look fine), one English sentence each: server.base_url names a
    // loopback host with another port than the listener's, or a loopback
    // host while the listener serves other machines; server.base_url unset
    // while the listener is loopback only (links only this machine opens).
    // `serve` and `config check` print them as warnings.
    std::vector<std::string> base_url_warnings(std::optional<int> bound_port = std::nullopt,
                                               std::optional<std::string> address = std::nullopt) const;
    // http://ADDRESS:PORT for a listener (see link_base_url).
    static std::string listener_url(const std::string& address, int port);

    // Checks every value against the key table and the special syntaxes, and
    // that no environment variable looks like an unknown setting. Throws
    // ConfigError naming the key (or variable), the value and what is allowed.
    void validate() const;
    // Throws ConfigError for the first configured folder (paths.inbox, work,
    // archive, rejected, reports, outbox, crops) that is not a directory,
    // naming key, path and "create it or run 'linkage init'".
    void check_folders() const;
    // The folder keys check_folders() looks at (and init creates).
    static const std::vector<std::string>& folder_keys();

private:
    std::filesystem::path m_home;
    std::optional<std::filesystem::path> m_file;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::string> m_sources;
    std::vector<std::string> m_unknown_env;  // "LINKAGE_X=…" names that look like a setting but are none
};

}  // namespace config
