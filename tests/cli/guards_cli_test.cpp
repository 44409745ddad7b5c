// Command-level guards of issue 19: nothing is created but by `init`, every
// command validates the configuration as `config check` does, the pipeline
// lock is the state directory itself, read-only commands work on a read-only
// home, and the clear messages (damaged store, full backup target, busy port).
#define BOOST_TEST_MODULE guards_cli
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace fs = std::filesystem;
using test_support::run_linkage;
using test_support::TempDir;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string h(const TempDir& d) { return d.path().string(); }

void init(const TempDir& home) {
    auto r = run_linkage({"--home", h(home), "init"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
}

void init_with_registry(const TempDir& home) {
    init(home);
    auto r = run_linkage(
        {"--home", h(home), "registry", "import", (test_support::source_dir() / "data/sample-registry.json").string()});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// One HTTP/1.1 request on a fresh connection; the status code, 0 when nothing answered.
int http_status(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return 0;
    }
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[4096];
    while (got.find("\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return got.rfind("HTTP/1.1 ", 0) == 0 && got.size() >= 12 ? std::stoi(got.substr(9, 3)) : 0;
}

std::string post_request(const std::string& token, const std::string& body) {
    return "POST /api/v1/linkage-requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// A `serve` in the background on a free port, without the ops listener.
struct Serve {
    int pid = -1;
    int port = 0;
    fs::path out, err;
    Serve(const TempDir& home, const TempDir& logs) : port(free_port()), out(logs.path() / "serve.out"),
                                                        err(logs.path() / "serve.err") {
        ::setenv("LINKAGE_SERVER_OPS_PORT", "-1", 1);
        pid = test_support::spawn_linkage({"--home", h(home), "serve", "--port", std::to_string(port)}, out, err);
        ::unsetenv("LINKAGE_SERVER_OPS_PORT");
        for (int i = 0; i < 100 && http_status(port, "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~Serve() {
        ::kill(pid, SIGTERM);
        int status = 0;
        ::waitpid(pid, &status, 0);
    }
};

// `linkage` run with a time limit of 10 s (a refused start must not serve);
// killed past it, with exit_code -1. `env` entries ("K=V") are set for it only.
test_support::RunResult run_briefly(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    TempDir io;
    std::vector<std::string> e = env;
    e.push_back("LINKAGE_SERVER_OPS_PORT=-1");
    for (auto& kv : e) ::setenv(kv.substr(0, kv.find('=')).c_str(), kv.substr(kv.find('=') + 1).c_str(), 1);
    const int pid = test_support::spawn_linkage(args, io.path() / "out", io.path() / "err");
    for (auto& kv : e) ::unsetenv(kv.substr(0, kv.find('=')).c_str());
    test_support::RunResult r;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            status = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    r.exit_code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = test_support::read_file(io.path() / "out");
    r.err = test_support::read_file(io.path() / "err");
    return r;
}

// A read-only view of `dir` (a read-only bind mount), or nothing when this
// machine does not allow mounting.
struct ReadOnlyView {
    TempDir mount_point;
    bool ok = false;
    explicit ReadOnlyView(const fs::path& dir) {
        ok = ::mount(dir.c_str(), mount_point.path().c_str(), nullptr, MS_BIND, nullptr) == 0;
        if (ok && ::mount(nullptr, mount_point.path().c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
            ::umount(mount_point.path().c_str());
            ok = false;
        }
    }
    ~ReadOnlyView() {
        if (ok) ::umount(mount_point.path().c_str());
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(guards_cli)

BOOST_AUTO_TEST_CASE(a_missing_or_empty_store_is_refused_by_every_command_but_init) {
    TempDir home;
    init(home);
    const fs::path db = home.path() / "linkage.db";
    const std::string registry = (test_support::source_dir() / "data/sample-registry.json").string();
    for (const char* state : {"missing", "empty"}) {
        fs::remove(db);
        fs::remove(db.string() + "-wal");
        fs::remove(db.string() + "-shm");
        if (std::string(state) == "empty") std::ofstream(db).close();
        for (std::vector<std::string> cmd : {std::vector<std::string>{"linkages"}, {"batch", "--no-progress"},
                                             {"registry", "import", registry}, {"registry", "list"},
                                             {"user", "token", "anna.norrsken"}, {"mail", "send"}}) {
            cmd.insert(cmd.begin(), {"--home", h(home)});
            auto r = run_linkage(cmd);
            BOOST_TEST_INFO(state << ": " << cmd[2] << ": " << r.err);
            BOOST_TEST(r.exit_code == 5);
            BOOST_TEST(contains(r.err, db.string()));
            BOOST_TEST(contains(r.err, "init"));
        }
        auto s = run_briefly({"--home", h(home), "serve", "--port", "0"});
        BOOST_TEST(s.exit_code == 5, state << ": " << s.err);
        BOOST_TEST(contains(s.err, db.string()));
        BOOST_TEST(!contains(s.err, "serving on"));
        BOOST_TEST((fs::exists(db) ? fs::file_size(db) : 0u) == 0u);  // nothing made it anew
    }
}

BOOST_AUTO_TEST_CASE(init_creates_and_another_homes_store_is_refused) {
    TempDir a, b;
    init(a);
    init(b);
    BOOST_TEST(run_linkage({"--home", h(a), "linkages"}).exit_code == 0);
    fs::copy_file(b.path() / "linkage.db", a.path() / "linkage.db", fs::copy_options::overwrite_existing);
    for (const char* cmd : {"linkages", "batch"}) {
        auto r = run_linkage({"--home", h(a), cmd});
        BOOST_TEST(r.exit_code == 5, cmd);
        BOOST_TEST(contains(r.err, "is not the one this state directory was initialised with"), r.err);
    }
}

BOOST_AUTO_TEST_CASE(restore_makes_the_home_name_the_restored_store) {
    TempDir a, b, files;
    init_with_registry(a);
    const fs::path backup = files.path() / "a.db";
    BOOST_TEST_REQUIRE(run_linkage({"--home", h(a), "backup", backup.string()}).exit_code == 0);
    // Into an initialised, empty home: its marker named its own empty store before.
    init(b);
    const std::string before = test_support::read_file(b.path() / "store.id");
    auto r = run_linkage({"--home", h(b), "restore", backup.string()});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(test_support::read_file(b.path() / "store.id") == test_support::read_file(a.path() / "store.id"));
    BOOST_TEST(test_support::read_file(b.path() / "store.id") != before);
    auto l = run_linkage({"--home", h(b), "registry", "list"});
    BOOST_TEST(l.exit_code == 0, l.err);
    // The store lost from a home: init refuses to start an empty one, restore brings it back.
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(a.path() / ("linkage.db" + std::string(suffix)));
    auto again = run_linkage({"--home", h(a), "init"});
    BOOST_TEST(again.exit_code == 5);
    BOOST_TEST(contains(again.err, "restore"), again.err);
    BOOST_TEST(!fs::exists(a.path() / "linkage.db"));
    BOOST_TEST(run_linkage({"--home", h(a), "restore", backup.string()}).exit_code == 0);
    BOOST_TEST(run_linkage({"--home", h(a), "registry", "list"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_store_deleted_under_serve_gets_no_201_and_sends_no_mail) {
    TempDir home, logs;
    init_with_registry(home);
    auto tok = run_linkage({"--home", h(home), "user", "token", "anna.norrsken"});
    BOOST_TEST_REQUIRE(tok.exit_code == 0);
    const std::string token = tok.out.substr(0, tok.out.find('\n'));
    Serve serve(home, logs);
    BOOST_TEST_REQUIRE(http_status(serve.port, post_request(token, R"({"client": "559456-7892"})")) == 201);
    // The first request's mails are delivered by the sender thread.
    const fs::path outbox = home.path() / "outbox";
    auto mails = [&] { return std::distance(fs::directory_iterator(outbox), fs::directory_iterator{}); };
    for (int i = 0; i < 100 && mails() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto before = mails();
    BOOST_TEST_REQUIRE(before > 0);

    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(home.path() / ("linkage.db" + std::string(suffix)));
    BOOST_TEST(http_status(serve.port, post_request(token, R"({"client": "100871"})")) == 503);
    BOOST_TEST(http_status(serve.port, post_request(token, R"({"client": "100871"})")) == 503);
    std::this_thread::sleep_for(std::chrono::seconds(3));  // the sender's next passes
    BOOST_TEST(mails() == before);
    BOOST_TEST(contains(test_support::read_file(serve.err), "vanished or was replaced while running"));
}

BOOST_AUTO_TEST_CASE(a_typo_in_a_folder_is_refused_not_created) {
    TempDir home;
    init(home);
    const std::vector<std::string> env{"LINKAGE_PATHS_INBOX=inbx"};
    auto b = run_linkage({"--home", h(home), "batch", "--no-progress"}, {}, env);
    BOOST_TEST(b.exit_code == 4);
    BOOST_TEST(contains(b.err, "paths.inbox"));
    BOOST_TEST(contains(b.err, (home.path() / "inbx").string()));
    BOOST_TEST(contains(b.err, "create it or run 'linkage"));
    auto c = run_linkage({"--home", h(home), "config", "check"}, {}, env);
    BOOST_TEST(c.exit_code == 4);
    BOOST_TEST(contains(c.err, "paths.inbox"));
    BOOST_TEST(!fs::exists(home.path() / "inbx"));
}

BOOST_AUTO_TEST_CASE(serve_refuses_what_config_check_refuses_before_listening) {
    TempDir home;
    init(home);
    const std::vector<std::pair<std::string, std::string>> cases{
        {"LINKAGE_SERVER_BASE_URL=ftp://x", "server.base_url"},
        {"LINKAGE_SMTP_FROM=<garbage>", "smtp.from"},
        {"LINKAGE_LIMITS_MAX_BODY_KB=70000", "limits.max_body_kb"},
        {"LINKAGE_SERVER_PROT=1", "LINKAGE_SERVER_PORT"},
        {"LINKAGE_LIMITS_MAX_BODY=64", "LINKAGE_LIMITS_MAX_BODY_KB"},
    };
    for (auto& [env, named] : cases) {
        const auto t0 = std::chrono::steady_clock::now();
        auto s = run_briefly({"--home", h(home), "serve", "--port", "0"}, {env});
        BOOST_TEST_INFO(env << ": " << s.err);
        BOOST_TEST(s.exit_code == 4);
        BOOST_TEST(contains(s.err, named));
        BOOST_TEST(!contains(s.err, "serving on"));
        BOOST_TEST((std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)));
        auto c = run_linkage({"--home", h(home), "config", "check"}, {}, {env});
        BOOST_TEST(c.exit_code == 4);
        auto b = run_linkage({"--home", h(home), "batch", "--no-progress"}, {}, {env});
        BOOST_TEST(b.exit_code == 4);
    }
    // Variables of no setting section are not settings.
    auto ok = run_linkage({"--home", h(home), "config", "check"}, {}, {"LINKAGE_ACTOR=x", "LINKAGE_FAULT_INJECT=none"});
    BOOST_TEST(ok.exit_code == 0, ok.err);
}

BOOST_AUTO_TEST_CASE(deleting_a_file_does_not_let_a_second_watcher_start) {
    TempDir home, logs;
    init(home);
    const int pid = test_support::spawn_linkage({"--home", h(home), "watch", "--no-progress"}, logs.path() / "w.out",
                                                logs.path() / "w.err");
    bool running = false;
    for (int i = 0; i < 100 && !running; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        running = contains(run_linkage({"--home", h(home), "health"}).out, "batch or watch running");
    }
    BOOST_TEST(running);
    std::error_code ec;
    fs::remove(home.path() / ".pipeline.lock", ec);  // what defeated the old lock
    auto second = run_linkage({"--home", h(home), "batch", "--no-progress"});
    BOOST_TEST(second.exit_code == 7, second.err);
    BOOST_TEST(contains(second.err, "holds the lock"));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST(run_linkage({"--home", h(home), "batch", "--no-progress"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_read_only_home_serves_reads_and_says_so_for_writes) {
    TempDir home;
    init_with_registry(home);
    ReadOnlyView ro(home.path());
    if (!ro.ok) {
        BOOST_TEST_MESSAGE("skipped: a read-only bind mount is not allowed here");
        return;
    }
    const std::string view = ro.mount_point.path().string();
    auto l = run_linkage({"--home", view, "linkages"});
    BOOST_TEST(l.exit_code == 0, l.err);
    auto r = run_linkage({"--home", view, "registry", "list"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(contains(r.out, "Norrsken"));
    auto b = run_linkage({"--home", view, "batch", "--no-progress"});
    BOOST_TEST(b.exit_code == 5);
    BOOST_TEST(contains(b.err, "state directory " + view + " is read-only"), b.err);
    BOOST_TEST(contains(b.err, "run as the service user or fix the permissions"));
}

BOOST_AUTO_TEST_CASE(a_damaged_store_points_to_restore) {
    TempDir home;
    init_with_registry(home);
    const fs::path db = home.path() / "linkage.db";
    // 4 KiB of random bytes over one page of the registry's bureaus, past the schema.
    auto q = run_linkage({"--home", h(home), "registry", "list"});
    BOOST_TEST_REQUIRE(q.exit_code == 0);
    const auto size = fs::file_size(db);
    std::mt19937 rng(4096);
    std::string noise(4096, '\0');
    for (auto& ch : noise) ch = static_cast<char>(rng());
    bool refused = false;
    // Pages from the middle towards the start until `registry list` reads one.
    for (auto page = size / 4096 / 2; page >= 1 && !refused; --page) {
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(page * 4096));
        f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
        f.close();
        auto r = run_linkage({"--home", h(home), "registry", "list"});
        if (r.exit_code == 0) continue;
        refused = true;
        BOOST_TEST(r.exit_code == 5);
        BOOST_TEST(contains(r.err, "is damaged"), r.err);
        BOOST_TEST(contains(r.err, "linkage restore FILE"));
        BOOST_TEST(contains(r.err, db.string()));
    }
    BOOST_TEST(refused);
}

BOOST_AUTO_TEST_CASE(a_full_backup_target_is_named_and_leaves_no_partial_file) {
    TempDir home, target;
    init_with_registry(home);
    if (::mount("tmpfs", target.path().c_str(), "tmpfs", 0, "size=64k") != 0) {
        BOOST_TEST_MESSAGE("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount {
        fs::path p;
        ~Unmount() { ::umount(p.c_str()); }
    } unmount{target.path()};
    const fs::path file = target.path() / "b.db";
    auto r = run_linkage({"--home", h(home), "backup", file.string()});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(contains(r.err, "backup target " + file.string() + ": no space left on device"), r.err);
    BOOST_TEST(contains(r.err, "the partial file was removed"));
    BOOST_TEST(!contains(r.err, "store error"));
    BOOST_TEST(fs::is_empty(target.path()));
}

BOOST_AUTO_TEST_CASE(a_second_serve_on_a_busy_port_exits_5_and_the_first_still_answers) {
    TempDir home, logs;
    init(home);
    Serve first(home, logs);
    const std::string get = "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    BOOST_TEST_REQUIRE(http_status(first.port, get) == 200);
    TempDir other;
    init(other);
    const auto t0 = std::chrono::steady_clock::now();
    auto second = run_briefly({"--home", h(other), "serve", "--port", std::to_string(first.port)});
    BOOST_TEST(second.exit_code == 5);
    BOOST_TEST(contains(second.err, "port " + std::to_string(first.port) + " on 127.0.0.1 is already in use"),
               second.err);
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)));
    BOOST_TEST(http_status(first.port, get) == 200);
}

BOOST_AUTO_TEST_SUITE_END()
