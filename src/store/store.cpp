#include "store/store.hpp"

#include "store/migrations.hpp"
#include "store/sqlite_connection.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace store {

namespace fs = std::filesystem;

std::string default_store_url(const fs::path& home) { return "sqlite:" + (home / "linkage.db").string(); }

fs::path identity_marker(const fs::path& home) { return home / "store.id"; }

std::string store_identity(Connection& c) {
    auto t = c.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'store_identity'");
    if (!t->step() || t->get_int(0) == 0) return "";
    t.reset();
    auto q = c.prepare("SELECT id FROM store_identity WHERE singleton = 1");
    return q->step() ? q->get_text(0) : "";
}

void write_identity_marker(const fs::path& home, const std::string& id) {
    const fs::path marker = identity_marker(home);
    const fs::path tmp = home / (".store.id.tmp-" + std::to_string(::getpid()));
    auto fail = [&](const char* what) -> void {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw StoreError(std::string("cannot ") + what + " the store's identity marker " + marker.string() + ": " +
                         std::strerror(err) + " (check the state directory's permissions and free space)");
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail("write");
    ::fchmod(fd, 0600);
    const std::string text = id + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) fail("write");
    if (::rename(tmp.c_str(), marker.c_str()) != 0) fail("install");
    if (const int dir = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

namespace {

std::string read_marker(const fs::path& marker) {
    std::ifstream in(marker);
    std::string id;
    std::getline(in, id);
    while (!id.empty() && (id.back() == '\r' || id.back() == ' ')) id.pop_back();
    return id;
}

std::string init_hint(const fs::path& home) {
    return "run 'linkage --home " + home.string() +
           " init' for a new installation, or 'linkage --home " + home.string() +
           " restore BACKUP' if the store was lost";
}

// Migrations this program has that the store has not applied (read-only opens).
std::size_t pending_migrations(Connection& c) {
    std::set<std::string> done;
    auto t = c.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (t->step() && t->get_int(0) == 1) {
        t.reset();
        auto q = c.prepare("SELECT name FROM schema_migrations");
        while (q->step()) done.insert(q->get_text(0));
    }
    std::size_t n = 0;
    for (auto& m : migrations_for(c.dialect())) n += done.count(m.name) ? 0 : 1;
    return n;
}

// I7: the store and the home's marker must name the same store.
void check_identity(Connection& c, const fs::path& file, const StoreConfig& config) {
    if (config.home.empty()) return;
    const std::string id = store_identity(c);
    if (id.empty()) return;  // older than 040 and opened read-only: nothing to compare yet
    const fs::path marker = identity_marker(config.home);
    std::error_code ec;
    if (!fs::exists(marker, ec)) {
        // An installation older than the marker adopts the store it has.
        if (!config.read_only) write_identity_marker(config.home, id);
        return;
    }
    const std::string expected = read_marker(marker);
    if (expected != id)
        throw StoreError("the store at " + file.string() +
                         " is not the one this state directory was initialised with (id " + id + " in the store vs " +
                         expected + " in " + marker.string() +
                         "): a different volume mounted, or another home's store copied in? Mount the right one, "
                         "or restore this home's latest backup with 'linkage --home " + config.home.string() +
                         " restore FILE' (README, backup and restore)");
}

}  // namespace

std::unique_ptr<Connection> open_store(const StoreConfig& config) {
    const std::string& url = config.url;
    if (url.rfind("sqlite:", 0) == 0) {
        fs::path file = url.substr(7);
        if (file.empty()) throw StoreError("store URL '" + url + "' names no file");
        const fs::path home = config.home.empty() ? file.parent_path() : config.home;
        if (file.has_parent_path() && !fs::is_directory(file.parent_path()))
            throw StoreError("cannot open the store " + file.string() + ": folder " + file.parent_path().string() +
                             " does not exist; " + init_hint(home));
        if (config.create && !config.home.empty() && !fs::exists(file) && fs::exists(identity_marker(config.home)))
            throw StoreError("no store at " + file.string() + ", but this state directory was initialised with store " +
                             read_marker(identity_marker(config.home)) + " (" + identity_marker(config.home).string() +
                             "): restore its latest backup with 'linkage --home " + home.string() +
                             " restore FILE', or remove " + identity_marker(config.home).string() +
                             " to start anew with an empty store");
        if (!config.create) {
            struct stat st {};
            if (::stat(file.c_str(), &st) != 0) {
                if (errno == ENOENT)
                    throw StoreError("no store at " + file.string() + ": " + init_hint(home));
                throw StoreError("cannot open the store " + file.string() + ": " + std::strerror(errno));
            }
            if (!S_ISREG(st.st_mode)) throw StoreError("the store " + file.string() + " is not a regular file");
            if (st.st_size == 0)
                throw StoreError("the store " + file.string() + " is empty (0 bytes), not a linkage store: " +
                                 init_hint(home));
        }
        SqliteOptions opts;
        opts.busy_timeout_ms = config.busy_timeout_ms;
        opts.create = config.create;
        opts.read_only = config.read_only;
        auto c = open_sqlite(file, opts);
        if (config.read_only) {
            if (std::size_t n = pending_migrations(*c); n > 0)
                throw StoreError("the store " + file.string() + " has an older schema (" + std::to_string(n) +
                                 " migrations pending) and this command only reads it: run 'linkage --home " +
                                 home.string() + " init' once to bring it up to date");
        } else {
            migrate(*c);
        }
        check_identity(*c, file, config);
        return c;
    }
    if (url.rfind("postgresql:", 0) == 0 || url.rfind("postgres:", 0) == 0)
        throw StoreError("store URL '" + url.substr(0, url.find(':')) +
                         ":…': PostgreSQL is designed for (docs/scale-out.md) but not built yet; use sqlite:PATH");
    throw StoreError("store URL must start with 'sqlite:' (got '" + url.substr(0, 20) + "')");
}

}  // namespace store
