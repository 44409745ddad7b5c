// Context: what every subcommand needs — the state directory, the effective
// settings, the shipped rules, a clock and (opened on first use) the store.
// Owns the store connection. Thread-safety: the main thread only.
#pragma once

#include "config/settings.hpp"
#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>

namespace cli {

class Context {
public:
    Context(std::filesystem::path home, config::Settings settings, std::ostream& out, std::ostream& err);

    const std::filesystem::path& home() const { return m_home; }
    const config::Settings& settings() const { return m_settings; }
    // Folder holding data/ and templates/ (paths.share, else the source tree).
    std::filesystem::path share_dir() const;
    const core::Rules& rules();
    const core::Clock& clock() const { return m_clock; }
    // Opens the store on first use: read-only when the command only reads,
    // created only after allow_store_creation() (init, restore, demo). A
    // missing or empty store, or one that is not this home's (store.hpp, I6
    // and I7), throws store::StoreError.
    store::Connection& store();
    std::string store_url() const;
    // How this process's other components (worker pool, server, sender) open
    // the store: never creating it, checked against this home's identity.
    store::StoreConfig store_config() const;
    void allow_store_creation() { m_create_store = true; }
    void set_store_read_only(bool on) { m_read_only_store = on; }
    // Name recorded as the actor of events caused from the command line.
    std::string actor() const;

    std::ostream& out;
    std::ostream& err;

private:
    std::filesystem::path m_home;
    config::Settings m_settings;
    core::SystemClock m_clock;
    std::optional<core::Rules> m_rules;
    std::unique_ptr<store::Connection> m_store;
    bool m_create_store = false;
    bool m_read_only_store = false;
};

// An exclusive lock on the state directory itself (flock on the directory,
// not on a file in it, so deleting a file cannot defeat it): batch, watch and
// restore hold it, so two never share one work/ folder. obs::check_pipeline
// finds it in /proc/locks by the directory's inode.
class HomeLock {
public:
    explicit HomeLock(const std::filesystem::path& home);
    ~HomeLock();
    HomeLock(const HomeLock&) = delete;
    HomeLock& operator=(const HomeLock&) = delete;
    bool held() const { return m_held; }

private:
    int m_fd = -1;
    bool m_held = false;
};

}  // namespace cli
