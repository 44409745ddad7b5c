#include "test_support.hpp"

#include "store/store.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <cstdio>

namespace test_support {

TempDir::TempDir() {
    std::random_device rd;
    auto base = std::filesystem::temp_directory_path();
    for (;;) {
        // Hex, at most 8 characters: a run of 10 decimal digits could look like
        // a personal identity number, which the logger masks (a flaky path match).
        char name[32];
        std::snprintf(name, sizeof name, "linkage-test-%08x", rd());
        m_path = base / name;
        if (std::filesystem::create_directory(m_path)) break;
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path source_dir() {
    const char* s = std::getenv("LINKAGE_SOURCE_DIR");
    if (!s) throw std::runtime_error("LINKAGE_SOURCE_DIR is not set: run the tests through ctest");
    return s;
}

std::filesystem::path linkage_bin() {
    const char* s = std::getenv("LINKAGE_BIN");
    if (!s) throw std::runtime_error("LINKAGE_BIN is not set: run the tests through ctest");
    return s;
}

core::Rules shipped_rules() { return core::Rules::load(source_dir() / "data"); }

std::unique_ptr<store::Connection> open_test_store(const std::filesystem::path& dir) {
    store::StoreConfig cfg;
    cfg.url = store::default_store_url(dir);
    cfg.create = true;  // a test store is made where the test says
    // The home's folders as `linkage init` makes them, so `linkage` commands
    // run on this home too (they refuse missing folders).
    for (const char* folder : {"inbox", "work", "archive", "rejected", "reports", "outbox", "crops"})
        std::filesystem::create_directories(dir / folder);
    return store::open_store(cfg);
}

core::ManualClock test_clock() { return core::ManualClock(core::parse_utc("2026-11-26T12:00:00Z")); }

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

RunResult run_linkage(const std::vector<std::string>& args, const std::string& stdin_text,
                      const std::vector<std::string>& env) {
    TempDir io;
    auto in_path = io.path() / "stdin", out_path = io.path() / "stdout", err_path = io.path() / "stderr";
    write_file(in_path, stdin_text);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int in = open(in_path.c_str(), O_RDONLY);
        int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        for (auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::string bin = linkage_bin().string();
        std::vector<char*> argv{bin.data()};
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

int spawn_linkage(const std::vector<std::string>& args, const std::filesystem::path& out_file,
                  const std::filesystem::path& err_file) {
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        std::string bin = linkage_bin().string();
        std::vector<char*> argv{bin.data()};
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

int run_shell(const std::string& command) {
    int status = std::system(command.c_str());
    if (status == -1) return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace test_support
