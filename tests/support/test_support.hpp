// Shared test helpers: temporary folders, a fresh migrated store, the
// shipped rules, and running the real `linkage` binary as a child process.
#pragma once

#include "core/clock.hpp"
#include "core/rules.hpp"
#include "store/connection.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

// A fresh empty folder under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// The repository root (LINKAGE_SOURCE_DIR, set by ctest).
std::filesystem::path source_dir();
// The `linkage` binary (LINKAGE_BIN, set by ctest).
std::filesystem::path linkage_bin();

core::Rules shipped_rules();

// Opens (and migrates) an SQLite store at dir/linkage.db, creating it and the
// default folders of a home (inbox, work, …) when missing, as `init` would.
std::unique_ptr<store::Connection> open_test_store(const std::filesystem::path& dir);

// A clock standing at 2026-11-26T12:00:00Z unless moved.
core::ManualClock test_clock();

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& text);

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs `linkage` with `args`, feeding `stdin_text`; environment extended by `env` ("K=V").
RunResult run_linkage(const std::vector<std::string>& args, const std::string& stdin_text = {},
                      const std::vector<std::string>& env = {});

// Starts `linkage` with `args` in the background, stdout/stderr to files;
// returns its pid (wait with waitpid, stop with kill).
int spawn_linkage(const std::vector<std::string>& args, const std::filesystem::path& out_file,
                  const std::filesystem::path& err_file);

// Runs a shell command; returns its exit status (127 when it could not run).
int run_shell(const std::string& command);

}  // namespace test_support
