// Context: what every subcommand needs — the state directory, the effective
// settings, the shipped rules, a clock and (opened on first use) the store.
// Owns the store connection. Thread-safety: the main thread only.
#pragma once

#include "config/settings.hpp"
#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/connection.hpp"

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
    // Opens the store (creating the state directory's store file) on first use.
    // Throws store::StoreError.
    store::Connection& store();
    std::string store_url() const;
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
};

}  // namespace cli
