// Settings: the effective configuration of one process. Sources, strongest
// first: environment variables (LINKAGE_<SECTION>_<KEY>, e.g.
// LINKAGE_STORE_URL for store.url), the config file (INI: --config FILE, else
// <home>/linkage.ini when present), built-in defaults.
//
// Owns: a flat key → value map. Thread-safety: immutable after load(); share freely.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace config {

// A bad config file or value: the operator must fix the configuration.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
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

private:
    std::filesystem::path m_home;
    std::optional<std::filesystem::path> m_file;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::string> m_sources;
};

}  // namespace config
