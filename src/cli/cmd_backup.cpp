// `linkage backup FILE` and `linkage restore FILE`.
//
// backup: SQLite's online backup API (store::sqlite_backup) copies the live
// store while batch, watch and serve keep writing; the copy is written under
// a temporary name next to FILE, synced, checked with PRAGMA integrity_check
// and only then renamed to FILE. A reader of FILE sees the old backup or the
// whole new one, never half a file.
//
// restore: only into an empty store (a new home, or one that `init` created
// and nothing wrote to), so a restore can never silently replace data. The
// backup is copied to a temporary name in the store's folder, checked,
// migrated to this program's schema, then renamed into place, holding the
// pipeline lock so no batch/watch starts meanwhile; the home's identity
// marker is then set to the restored store's id (store.hpp, I7).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/settings.hpp"
#include "core/log.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ostream>

namespace cli {

namespace fs = std::filesystem;

namespace {

core::Logger command_logger(const Context& ctx) {
    return core::Logger(core::parse_log_level(ctx.settings().get("log.level")).value_or(core::LogLevel::info));
}

// The SQLite file behind the store URL; other engines have their own tools.
fs::path sqlite_file(const Context& ctx, const char* command) {
    std::string url = ctx.store_url();
    if (url.rfind("sqlite:", 0) != 0)
        throw config::ConfigError(std::string("'") + command +
                                  "' works on the SQLite store only (store.url is not sqlite:…); a PostgreSQL store "
                                  "is backed up with pg_dump (docs/operations.md)");
    return fs::absolute(url.substr(7));
}

void fsync_path(const fs::path& p, bool directory) {
    int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        std::error_code ec(errno, std::generic_category());
        if (fd >= 0) ::close(fd);
        throw fs::filesystem_error("cannot sync", p, ec);
    }
    ::close(fd);
}

void remove_quietly(const fs::path& p) {
    std::error_code ec;
    fs::remove(p, ec);
    fs::remove(fs::path(p.string() + "-wal"), ec);
    fs::remove(fs::path(p.string() + "-shm"), ec);
    fs::remove(fs::path(p.string() + "-journal"), ec);
}

std::int64_t count_rows(store::Connection& c, const std::string& table) {
    auto q = c.prepare("SELECT COUNT(*) FROM " + table);
    return q->step() ? q->get_int(0) : 0;
}

// Tables holding data (everything but SQLite's own, the migration record and
// the store's identity).
std::vector<std::string> data_tables(store::Connection& c) {
    std::vector<std::string> out;
    auto q = c.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN ('schema_migrations', 'store_identity') ORDER BY name");
    while (q->step()) out.push_back(q->get_text(0));
    return out;
}

// "12 linkages, 30 events" for the summary lines.
std::string contents(store::Connection& c) {
    return std::to_string(count_rows(c, "linkages")) + " linkages, " + std::to_string(count_rows(c, "events")) +
           " events";
}

bool is_linkage_store(store::Connection& c) {
    auto q = c.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    return q->step() && q->get_int(0) == 1;
}

// The backup's own file system filled up (not the store's).
bool target_full(const std::exception& e) {
    if (dynamic_cast<const store::BackupTargetFull*>(&e)) return true;
    if (auto* fe = dynamic_cast<const fs::filesystem_error*>(&e)) return fe->code() == std::errc::no_space_on_device;
    // Opening or checking the copy (its -wal) on the full target.
    return dynamic_cast<const store::StoreError*>(&e) && std::string(e.what()).find("no space left") != std::string::npos &&
           std::string(e.what()).find(".partial-") != std::string::npos;
}

}  // namespace

int cmd_backup(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    if (args.positionals().size() != 1) throw UsageError("usage: linkage backup FILE");
    const fs::path live = sqlite_file(ctx, "backup");
    const fs::path target = fs::absolute(args.positionals()[0]);
    if (!fs::is_directory(target.parent_path())) {
        ctx.err << "linkage: backup: folder " << target.parent_path().string()
                << " does not exist; create it or name another file\n";
        return k_exit_input;
    }
    if (fs::exists(target) && fs::equivalent(target, live))
        throw UsageError("backup: " + target.string() + " is the live store itself; name another file");
    if (fs::is_directory(target)) throw UsageError("backup: " + target.string() + " is a folder; name a file");

    auto log = command_logger(ctx);
    const auto started = std::chrono::steady_clock::now();
    const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
    remove_quietly(tmp);
    std::string integrity, summary;
    try {
        store::sqlite_backup(ctx.store(), tmp);  // one snapshot; writers go on
        {
            auto copy = store::open_sqlite(tmp);
            try {
                integrity = store::sqlite_integrity_check(*copy);
            } catch (const store::StoreError& e) {
                integrity = e.what();  // the copy is damaged: so is the store it came from
            }
            if (integrity == "ok") summary = contents(*copy);
        }  // closed: its -wal is checkpointed into the file and removed
        if (integrity != "ok") {
            remove_quietly(tmp);
            log.error("backup.failed").kv("file", target.string()).kv("reason", "integrity_check");
            ctx.err << "linkage: backup: the copy failed PRAGMA integrity_check (" << integrity.substr(0, 200)
                    << "); nothing was written to " << target.string() << "; the store " << live.string()
                    << " is probably damaged: move it away and restore the latest good backup with 'linkage restore "
                       "FILE' (see README, backup and restore)\n";
            return k_exit_store;
        }
        fsync_path(tmp, false);
        fs::rename(tmp, target);
        fsync_path(target.parent_path(), true);
    } catch (const std::exception& e) {
        remove_quietly(tmp);
        if (!target_full(e)) throw;
        log.error("backup.failed").kv("file", target.string()).kv("reason", "no_space");
        ctx.err << "linkage: backup target " << target.string()
                << ": no space left on device; the partial file was removed; free space or choose another target\n";
        return k_exit_input;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    const auto bytes = static_cast<std::uint64_t>(fs::file_size(target));
    log.info("backup.done").kv("file", target.string()).kv("bytes", bytes).kv("ms", static_cast<std::int64_t>(ms.count()));
    ctx.out << "backup ok: " << target.string() << " (" << bytes << " bytes; " << summary
            << "; integrity ok)\n";
    return k_exit_ok;
}

int cmd_restore(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    if (args.positionals().size() != 1) throw UsageError("usage: linkage [--home DIR] restore FILE");
    const fs::path source = fs::absolute(args.positionals()[0]);
    if (!fs::is_regular_file(source)) {
        ctx.err << "linkage: restore: backup file " << source.string() << " does not exist or is not a file\n";
        return k_exit_input;
    }
    const fs::path live = sqlite_file(ctx, "restore");
    fs::create_directories(ctx.home());
    fs::create_directories(live.parent_path());
    HomeLock lock(ctx.home());  // the pipeline lock: no batch or watch starts meanwhile
    if (!lock.held()) {
        ctx.err << "linkage: restore: a batch or watch is running on " << ctx.home().string()
                << " (it holds the pipeline lock); stop it first\n";
        return k_exit_locked;
    }
    if (fs::exists(live)) {
        auto existing = store::open_sqlite(live);
        std::string held;
        for (auto& table : data_tables(*existing))
            if (auto n = count_rows(*existing, table); n > 0)
                held += (held.empty() ? "" : ", ") + std::to_string(n) + " " + table;
        if (!held.empty()) {
            ctx.err << "linkage: restore: the store " << live.string() << " is not empty (" << held
                    << "); restore only into an empty home: use a new --home, or move the old store away first\n";
            return k_exit_refused;
        }
    }

    auto log = command_logger(ctx);
    const fs::path tmp = live.parent_path() / ("." + live.filename().string() + ".restoring-" + std::to_string(::getpid()));
    remove_quietly(tmp);
    std::string summary, restored_id;
    try {
        // The backup is a closed file nobody writes: a plain copy is safe here,
        // and the operator's file stays untouched.
        fs::copy_file(source, tmp, fs::copy_options::overwrite_existing);
        // The copy took the backup file's mode; the live store is 0600 (as
        // open_sqlite creates it), and SQLite gives -wal/-shm the same mode.
        fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
        {
            std::unique_ptr<store::Connection> copy;
            std::string integrity;
            try {
                copy = store::open_sqlite(tmp);
                integrity = store::sqlite_integrity_check(*copy);
            } catch (const store::StoreError& e) {
                integrity = e.what();
            }
            if (integrity != "ok" || !is_linkage_store(*copy)) {
                copy.reset();
                remove_quietly(tmp);
                ctx.err << "linkage: restore: " << source.string()
                        << (integrity != "ok" ? " is damaged or not an SQLite database (" + integrity.substr(0, 200) + ")"
                                              : std::string(" is not a linkage store backup"))
                        << "; nothing was restored\n";
                return k_exit_input;
            }
            auto applied = store::migrate(*copy);  // an older backup gets this program's schema (and an identity)
            restored_id = store::store_identity(*copy);
            summary = contents(*copy);
            if (!applied.empty()) summary += "; schema brought up to date (" + std::to_string(applied.size()) + " migrations)";
        }
        fsync_path(tmp, false);
        // The empty store's own -wal/-shm must not be replayed onto the restored file.
        remove_quietly(live);
        fs::rename(tmp, live);
        fsync_path(live.parent_path(), true);
        // The home now belongs to the restored store (store.hpp, I7).
        store::write_identity_marker(ctx.home(), restored_id);
    } catch (...) {
        remove_quietly(tmp);
        throw;
    }
    for (auto& key : config::Settings::folder_keys()) fs::create_directories(ctx.settings().get_path(key));
    log.info("restore.done").kv("from", source.string()).kv("store", live.string());
    ctx.out << "restore ok: " << source.string() << " -> " << live.string() << " (" << summary
            << "; integrity ok)\n";
    return k_exit_ok;
}

}  // namespace cli
