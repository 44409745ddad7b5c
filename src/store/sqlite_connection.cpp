#include "store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace store {

namespace {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

std::string db_path(sqlite3* db) {
    const char* n = db ? sqlite3_db_filename(db, "main") : nullptr;
    return n && *n ? n : "(unnamed)";
}

// The one line for an error SQLite reports: what it means for the operator
// (damaged, full, read-only) with the file and what to do, else `what: detail`.
[[noreturn]] void raise_message(sqlite3* db, int rc, std::string_view what, const std::string& detail) {
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw StoreError("store " + db_path(db) + " is damaged (" + detail +
                         "): move it away and restore the latest backup with 'linkage restore FILE' (see README, "
                         "backup and restore)");
    case SQLITE_FULL:
        throw StoreError(std::string(what) + ": " + db_path(db) + ": no space left on device (" + detail +
                         "); free space on its file system");
    case SQLITE_READONLY:
        throw StoreError(std::string(what) + ": the store " + db_path(db) + " is read-only for this process (" +
                         detail + "): run as the service user or fix the permissions of the store and its folder");
    case SQLITE_CONSTRAINT: throw ConstraintError(std::string(what) + ": " + detail);
    default: throw StoreError(std::string(what) + ": " + detail);
    }
}

[[noreturn]] void raise(sqlite3* db, int rc, std::string_view what) {
    raise_message(db, rc, what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

// One database file as this process sees it, shared by every connection the
// process opens to it (keyed by the file's canonical path):
//  * the writer gate: a write transaction takes it before BEGIN IMMEDIATE and
//    releases it at COMMIT/ROLLBACK, so the process's own writers queue on a
//    condition variable instead of in SQLite's busy handler, which polls with
//    sleeps of up to 100 ms (measured: POST p99 above 1 s with 32 clients).
//    Writers in other processes (batch, watch) still meet the busy timeout.
//  * group commit: connections run with synchronous=NORMAL and commit() makes
//    the transaction durable itself by an fsync of the WAL file after COMMIT,
//    outside the write lock. Commits that finish while one fsync runs share
//    the next one, so N concurrent writers pay for about one fsync instead of
//    N in a row (an fsync costs milliseconds; the lock is held microseconds).
//    The guarantee stays that of synchronous=FULL: commit() returns only when
//    the transaction is on disk. SQLite's WAL with NORMAL differs from FULL
//    only by that per-commit sync (checkpoints sync the WAL before copying and
//    the database after), and a WAL reset happens only after a checkpoint has
//    made every earlier frame durable in the database file.
class SharedFile {
public:
    explicit SharedFile(std::filesystem::path wal) : m_wal(std::move(wal)) {}

    // False when the gate stayed closed for `timeout` (a writer that never
    // finishes, or a second transaction opened by the same thread: a bug).
    bool enter_writer(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_gate_mutex);
        if (!m_gate_cv.wait_for(lock, timeout, [this] { return !m_writer; })) return false;
        m_writer = true;
        return true;
    }
    void leave_writer() noexcept {
        {
            std::lock_guard lock(m_gate_mutex);
            m_writer = false;
        }
        m_gate_cv.notify_one();
    }

    // Called after COMMIT returned: returns when everything committed up to
    // now is on disk. Throws StoreError when the fsync fails.
    void make_durable() {
        std::unique_lock lock(m_sync_mutex);
        const std::uint64_t mine = ++m_committed;
        while (m_synced < mine) {
            if (m_syncing) {
                m_sync_cv.wait(lock);
                continue;
            }
            m_syncing = true;
            const std::uint64_t target = m_committed;
            lock.unlock();
            const bool ok = sync_wal();
            lock.lock();
            m_syncing = false;
            if (ok) m_synced = std::max(m_synced, target);
            m_sync_cv.notify_all();
            if (!ok) throw StoreError("cannot flush the store's write-ahead log " + m_wal.string() + " to disk");
        }
    }

private:
    // The WAL is opened by name for each flush: when the last connection
    // closes, SQLite checkpoints and deletes it, and a later one makes a new
    // file. A WAL that is missing has been checkpointed (and synced) already.
    bool sync_wal() const {
        const int fd = ::open(m_wal.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return errno == ENOENT;
        const bool ok = ::fdatasync(fd) == 0;
        ::close(fd);
        return ok;
    }

    const std::filesystem::path m_wal;
    std::mutex m_gate_mutex;
    std::condition_variable m_gate_cv;
    bool m_writer = false;
    std::mutex m_sync_mutex;
    std::condition_variable m_sync_cv;
    std::uint64_t m_committed = 0, m_synced = 0;
    bool m_syncing = false;
};

// `db` just opened: the SharedFile of its main database (by the full path
// SQLite resolved; the WAL name is SQLite's own).
std::shared_ptr<SharedFile> shared_file_for(sqlite3* db) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<SharedFile>> files;
    sqlite3_filename name = sqlite3_db_filename(db, "main");
    const std::string key = name ? name : "";
    const std::string wal = name && *name ? sqlite3_filename_wal(name) : "";
    std::lock_guard lock(mutex);
    std::erase_if(files, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = files[key];
    if (auto f = slot.lock()) return f;
    auto f = std::make_shared<SharedFile>(wal);
    slot = f;
    return f;
}

// Idle prepared statements of one connection, keyed by their SQL text. A
// statement handed out is removed from here and comes back when its
// Statement object is destroyed, so a statement in use (e.g. a query still
// stepping while the loop body runs the same SQL again) is never handed out
// twice; the second use prepares its own, and both are kept afterwards.
class StatementCache {
public:
    ~StatementCache() { clear(); }
    sqlite3_stmt* take(std::string_view sql) {
        auto it = m_idle.find(sql);
        if (it == m_idle.end() || it->second.empty()) return nullptr;
        sqlite3_stmt* s = it->second.back();
        it->second.pop_back();
        --m_count;
        return s;
    }
    // Takes ownership: keeps `s` reset for the next prepare of `sql`, or
    // finalizes it when the cache is full.
    void give_back(std::string_view sql, sqlite3_stmt* s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (m_count >= k_max_statements) {
            sqlite3_finalize(s);
            return;
        }
        auto it = m_idle.find(sql);
        if (it == m_idle.end()) it = m_idle.emplace(std::string(sql), std::vector<sqlite3_stmt*>{}).first;
        if (it->second.size() >= k_max_per_sql) {
            sqlite3_finalize(s);
            return;
        }
        it->second.push_back(s);
        ++m_count;
    }
    void clear() {
        for (auto& [sql, list] : m_idle)
            for (auto* s : list) sqlite3_finalize(s);
        m_idle.clear();
        m_count = 0;
    }

private:
    static constexpr std::size_t k_max_statements = 256, k_max_per_sql = 4;
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>, Hash, std::equal_to<>> m_idle;
    std::size_t m_count = 0;
};

// What a connection shares with the statements it handed out: the idle
// statements and the durability of writes that commit on their own
// (a write statement outside a transaction commits when it finishes).
struct ConnState {
    StatementCache cache;
    std::shared_ptr<SharedFile> file;
    bool durable_commits = false;
};

class SqliteStatement final : public Statement {
public:
    // `conn` may be expired when the statement outlives its connection
    // (a caller's bug); the statement is then finalized, not returned.
    SqliteStatement(sqlite3* db, sqlite3_stmt* s, std::weak_ptr<ConnState> conn, std::string sql)
        : m_db(db), m_stmt(s), m_conn(std::move(conn)), m_sql(std::move(sql)),
          m_writes(sqlite3_stmt_readonly(s) == 0) {}
    ~SqliteStatement() override {
        auto c = m_conn.lock();
        if (!c) {
            sqlite3_finalize(m_stmt);
            return;
        }
        try {
            finish_autocommit_write(*c);
        } catch (const StoreError&) {
            // A destructor cannot report it; the write was committed, and the
            // next commit's flush covers it.
        }
        c->cache.give_back(m_sql, m_stmt);
    }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    Statement& bind(int i, std::int64_t v) override {
        check(sqlite3_bind_int64(m_stmt, i, v));
        return *this;
    }
    Statement& bind(int i, double v) override {
        check(sqlite3_bind_double(m_stmt, i, v));
        return *this;
    }
    Statement& bind(int i, std::string_view v) override {
        check(sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bind_null(int i) override {
        check(sqlite3_bind_null(m_stmt, i));
        return *this;
    }
    bool step() override {
        int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) {
            m_pending = m_writes;
            return true;
        }
        if (rc == SQLITE_DONE) {
            m_pending = m_writes;
            if (m_pending)
                if (auto c = m_conn.lock()) finish_autocommit_write(*c);
            return false;
        }
        m_pending = false;
        sqlite3_reset(m_stmt);
        raise(m_db, rc, "SQL failed (" + m_sql.substr(0, 60) + ")");
    }
    bool is_null(int c) const override { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
    std::int64_t get_int(int c) const override { return sqlite3_column_int64(m_stmt, c); }
    double get_double(int c) const override { return sqlite3_column_double(m_stmt, c); }
    std::string get_text(int c) const override {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, c))) : std::string();
    }
    void reset() override {
        if (auto c = m_conn.lock()) finish_autocommit_write(*c);
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) raise(m_db, rc, "binding a parameter");
    }
    // A write run outside a transaction commits when the statement finishes
    // (done, or reset after a RETURNING row): made durable here, like commit().
    void finish_autocommit_write(ConnState& c) {
        if (!m_pending) return;
        sqlite3_reset(m_stmt);  // ends the statement: its implicit transaction commits
        m_pending = false;
        if (c.durable_commits && sqlite3_get_autocommit(m_db)) c.file->make_durable();
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;  // owned: back to the cache or finalized in the destructor
    std::weak_ptr<ConnState> m_conn;
    std::string m_sql;
    const bool m_writes;     // not a read-only statement
    bool m_pending = false;  // a write stepped and not yet finished
};

class SqliteConnection final : public Connection {
public:
    SqliteConnection(sqlite3* db, std::shared_ptr<SharedFile> file, std::chrono::milliseconds busy_timeout)
        : m_db(db), m_state(std::make_shared<ConnState>()), m_busy_timeout(busy_timeout) {
        m_state->file = std::move(file);
        // The file this connection works on, as it is now (I8 of store.hpp).
        const char* name = sqlite3_db_filename(db, "main");
        struct stat st {};
        if (name && *name && ::stat(name, &st) == 0) {
            m_path = name;
            m_dev = st.st_dev;
            m_ino = st.st_ino;
            m_had_content = st.st_size > 0;
            m_last_check = std::chrono::steady_clock::now();
        }
    }
    ~SqliteConnection() override {
        // SQLite rolls back an open transaction at close; the gate opens here.
        const auto file = m_state->file;
        m_state.reset();
        m_db.reset();
        if (m_writer) file->leave_writer();
    }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        check_file(false);
        sqlite3_stmt* s = m_state->cache.take(sql);
        if (!s) {
            int rc = sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr);
            if (rc != SQLITE_OK) raise(m_db.get(), rc, "preparing SQL (" + std::string(sql.substr(0, 60)) + ")");
            if (!s) raise(m_db.get(), SQLITE_MISUSE, "preparing SQL without a statement");
        }
        return std::make_unique<SqliteStatement>(m_db.get(), s, m_state, std::string(sql));
    }
    void exec(std::string_view sql) override {
        char* err = nullptr;
        std::string text(sql);
        const auto changes = sqlite3_total_changes64(m_db.get());
        int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(msg);
            raise_message(m_db.get(), rc, "SQL failed", msg);
        }
        // Rows written outside a transaction are committed now: durable too.
        if (m_state->durable_commits && !m_writer && !in_transaction() &&
            sqlite3_total_changes64(m_db.get()) != changes)
            m_state->file->make_durable();
    }
    void begin_write() override {
        if (in_transaction()) throw StoreError("a transaction is already open on this connection (bug)");
        check_file(true);
        if (!m_state->file->enter_writer(m_busy_timeout))
            throw StoreError("starting a write transaction: another writer of this process held the store for " +
                             std::to_string(m_busy_timeout.count()) + " ms");
        m_writer = true;
        // BEGIN IMMEDIATE waits for the busy timeout (writers of other
        // processes); under heavy contention it can still report BUSY, so
        // retry a few times before giving up.
        try {
            for (int attempt = 0;; ++attempt) {
                int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
                if (rc == SQLITE_OK) return;
                if ((rc & 0xff) != SQLITE_BUSY || attempt >= 5) raise(m_db.get(), rc, "starting a write transaction");
                std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
            }
        } catch (...) {
            leave_writer();
            throw;
        }
    }
    void commit() override {
        exec("COMMIT");  // throws with the transaction still open: rollback() follows
        leave_writer();
        if (m_state->durable_commits) m_state->file->make_durable();
    }
    void rollback() noexcept override {
        // After some errors SQLite has rolled back already; the gate opens either way.
        if (in_transaction()) sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        leave_writer();
    }
    bool in_transaction() const override { return sqlite3_get_autocommit(m_db.get()) == 0; }
    std::string_view dialect() const override { return "sqlite"; }

    sqlite3* handle() const { return m_db.get(); }
    // True: commit() returns only when the transaction is on disk (group
    // commit over a WAL with synchronous=NORMAL; see SharedFile).
    void set_durable_commits(bool on) { m_state->durable_commits = on; }

private:
    // The path must still name the file opened (same device and inode, not
    // emptied): a store deleted, replaced or truncated under a running
    // process is noticed before the next write transaction, and within a
    // second by readers, instead of writing on into an unlinked file. Once
    // noticed, every later call fails too.
    void check_file(bool force) {
        if (m_path.empty()) return;
        if (!m_vanished) {
            const auto now = std::chrono::steady_clock::now();
            if (!force && now - m_last_check < std::chrono::seconds(1)) return;
            m_last_check = now;
            struct stat st {};
            m_vanished = ::stat(m_path.c_str(), &st) != 0 || st.st_dev != m_dev || st.st_ino != m_ino ||
                         (m_had_content && st.st_size == 0);
            if (!m_vanished && st.st_size > 0) m_had_content = true;
        }
        if (m_vanished)
            throw StoreError("store file " + m_path +
                             " vanished or was replaced while running; restore it or restart after 'linkage init'");
    }
    void leave_writer() noexcept {
        if (m_writer) {
            m_writer = false;
            m_state->file->leave_writer();
        }
    }
    std::unique_ptr<sqlite3, DbCloser> m_db;
    std::shared_ptr<ConnState> m_state;  // destroyed before m_db: finalizes the idle statements
    std::chrono::milliseconds m_busy_timeout;
    bool m_writer = false;  // holds the file's writer gate
    std::string m_path;     // empty: in-memory or unnamed, nothing to check
    dev_t m_dev = 0;
    ino_t m_ino = 0;
    bool m_had_content = false;  // the file held data once: 0 bytes now means it was emptied
    bool m_vanished = false;
    std::chrono::steady_clock::time_point m_last_check;
};

// Creates `file` empty (a valid empty SQLite database) with mode 0600 when it
// does not exist, whatever the umask: the store holds personal data and
// token hashes, and SQLite gives the -wal and -shm files the main file's
// mode. An existing file keeps its mode (an operator may have chosen one).
void create_private(const std::filesystem::path& file) {
    const std::string& name = file.native();
    if (name.empty() || name == ":memory:" || name.rfind("file:", 0) == 0) return;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return;  // there already, or not creatable: sqlite3_open_v2 reports the latter
    ::fchmod(fd, 0600);  // the umask may have taken owner bits too
    ::close(fd);
}

}  // namespace

namespace {

// A file: URI for `file` (RFC 3986 path characters kept, the rest escaped).
std::string file_uri(const std::filesystem::path& file) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out = "file:";
    for (unsigned char c : std::filesystem::absolute(file).string()) {
        if (std::isalnum(c) || std::strchr("/-._~", c))
            out.push_back(static_cast<char>(c));
        else
            out += {'%', k_hex[c >> 4], k_hex[c & 15]};
    }
    return out;
}

std::string open_problem(const std::filesystem::path& file, sqlite3* raw, int rc) {
    std::string detail = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    if (::access(dir.c_str(), W_OK) != 0 || (::access(file.c_str(), F_OK) == 0 && ::access(file.c_str(), W_OK) != 0)) {
        struct stat st {};
        const bool known = ::stat(dir.c_str(), &st) == 0;
        detail += "; folder " + dir.string() + " is read-only" +
                  (known ? " (or owned by uid " + std::to_string(st.st_uid) + ", you are " +
                               std::to_string(::geteuid()) + ")"
                         : std::string()) +
                  ": run as the service user or fix the permissions";
    }
    return "cannot open the store " + file.string() + ": " + detail;
}

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& file, const SqliteOptions& options) {
    // SQLite's memory statistics take one global mutex on every allocation: with many
    // server threads that lock was ~45 % of the approval page's CPU (load test). Off,
    // once, before SQLite initialises.
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    if (options.create && !options.read_only) create_private(file);
    const int flags = SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY
                                                               : SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    std::unique_ptr<sqlite3, DbCloser> guard(raw);
    if (rc != SQLITE_OK) throw StoreError(open_problem(file, raw, rc));
    if (options.read_only) {
        // A WAL store read from a folder this process cannot write (a
        // read-only mount, another owner) cannot make its -shm: read it as an
        // immutable file then. Nobody can write there meanwhile, or the
        // writer's last commits are read after its next checkpoint.
        rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
        const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB &&
            ::access(dir.c_str(), W_OK) != 0) {
            guard.reset();
            raw = nullptr;
            const std::string uri = file_uri(file) + "?immutable=1";
            rc = sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
            guard.reset(raw);
            if (rc != SQLITE_OK) throw StoreError(open_problem(file, raw, rc));
        }
    }
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    sqlite3_extended_result_codes(raw, 1);
    auto shared = shared_file_for(raw);
    auto conn = std::make_unique<SqliteConnection>(guard.release(), std::move(shared),
                                                   std::chrono::milliseconds(options.busy_timeout_ms));
    try {
        conn->exec("PRAGMA foreign_keys=ON");
        if (options.read_only) {
            auto probe = conn->prepare("SELECT count(*) FROM sqlite_master");
            probe->step();
            return conn;
        }
        auto mode = conn->prepare("PRAGMA journal_mode=WAL");
        const bool wal = mode->step() && mode->get_text(0) == "wal" && sqlite3_db_filename(conn->handle(), "main") &&
                         *sqlite3_db_filename(conn->handle(), "main");
        mode.reset();
        // Deleted and overwritten content is zeroed, not left in free space of
        // the file (scrubbed approval tokens; see MailQueue::flush_scrubbed).
        conn->exec(options.secure_delete ? "PRAGMA secure_delete=ON" : "PRAGMA secure_delete=OFF");
        // With WAL, FULL is NORMAL plus a sync of the WAL at every commit;
        // the connection does that sync itself, shared between concurrent
        // commits (SharedFile::make_durable). Without WAL (not expected for
        // a file store) SQLite syncs as configured.
        if (wal) {
            conn->exec("PRAGMA synchronous=NORMAL");
            conn->set_durable_commits(options.synchronous_full);
        } else {
            conn->exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        }
    } catch (const StoreError& e) {
        const std::string what = e.what();
        if (what.find(file.string()) != std::string::npos) throw;  // names the file already
        throw StoreError("cannot open the store " + file.string() + ": " + what);
    }
    return conn;
}

void sqlite_backup(Connection& from, const std::filesystem::path& to_file) {
    auto* src = dynamic_cast<SqliteConnection*>(&from);
    if (!src) throw StoreError("online backup needs an SQLite connection");
    create_private(to_file);
    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(to_file.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<sqlite3, DbCloser> guard(dest);
    if (rc != SQLITE_OK) raise(dest, rc, "opening backup file " + to_file.string());
    // One read transaction on the source around the whole copy: the backup reads
    // a single WAL snapshot and never restarts. Without it every commit by
    // another connection between two steps restarts the copy, and a busy store
    // of some MB never finishes (seen under load).
    const bool own_snapshot = !src->in_transaction();
    if (own_snapshot) {
        src->exec("BEGIN");
        auto pin = src->prepare("SELECT count(*) FROM sqlite_master");
        pin->step();
    }
    struct EndSnapshot {
        SqliteConnection* c;
        bool active;
        ~EndSnapshot() {
            if (active) c->rollback();  // a read transaction: nothing to keep
        }
    } end{src, own_snapshot};
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", src->handle(), "main");
    if (!b) raise(dest, sqlite3_errcode(dest), "starting backup");
    // Copy in steps so writers are held up only briefly; a step that finds the
    // source changed restarts transparently.
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if ((rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR && errno == ENOSPC))
        throw BackupTargetFull("backup target " + to_file.string() + ": no space left on device");
    if (rc != SQLITE_DONE) raise(dest, rc, "backup to " + to_file.string());
}

std::string sqlite_integrity_check(Connection& c) {
    auto s = c.prepare("PRAGMA integrity_check");
    std::string out;
    while (s->step()) {
        if (!out.empty()) out += "\n";
        out += s->get_text(0);
    }
    return out;
}

}  // namespace store
