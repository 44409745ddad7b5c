#include "store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace store {

namespace {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

[[noreturn]] void raise(sqlite3* db, int rc, std::string_view what) {
    std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(msg);
    throw StoreError(msg);
}

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3* db, sqlite3_stmt* s) : m_db(db), m_stmt(s) {}

    Statement& bind(int i, std::int64_t v) override {
        check(sqlite3_bind_int64(m_stmt.get(), i, v));
        return *this;
    }
    Statement& bind(int i, double v) override {
        check(sqlite3_bind_double(m_stmt.get(), i, v));
        return *this;
    }
    Statement& bind(int i, std::string_view v) override {
        check(sqlite3_bind_text(m_stmt.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bind_null(int i) override {
        check(sqlite3_bind_null(m_stmt.get(), i));
        return *this;
    }
    bool step() override {
        int rc = sqlite3_step(m_stmt.get());
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        std::string sql = sqlite3_sql(m_stmt.get()) ? sqlite3_sql(m_stmt.get()) : "";
        sqlite3_reset(m_stmt.get());
        raise(m_db, rc, "SQL failed (" + sql.substr(0, 60) + ")");
    }
    bool is_null(int c) const override { return sqlite3_column_type(m_stmt.get(), c) == SQLITE_NULL; }
    std::int64_t get_int(int c) const override { return sqlite3_column_int64(m_stmt.get(), c); }
    double get_double(int c) const override { return sqlite3_column_double(m_stmt.get(), c); }
    std::string get_text(int c) const override {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt.get(), c));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt.get(), c))) : std::string();
    }
    void reset() override {
        sqlite3_reset(m_stmt.get());
        sqlite3_clear_bindings(m_stmt.get());
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) raise(m_db, rc, "binding a parameter");
    }
    sqlite3* m_db;
    std::unique_ptr<sqlite3_stmt, StmtFinalizer> m_stmt;
};

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sqlite3* db) : m_db(db) {}

    std::unique_ptr<Statement> prepare(std::string_view sql) override {
        sqlite3_stmt* s = nullptr;
        int rc = sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr);
        if (rc != SQLITE_OK) raise(m_db.get(), rc, "preparing SQL (" + std::string(sql.substr(0, 60)) + ")");
        return std::make_unique<SqliteStatement>(m_db.get(), s);
    }
    void exec(std::string_view sql) override {
        char* err = nullptr;
        std::string text(sql);
        int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(msg);
            throw StoreError("SQL failed: " + msg);
        }
    }
    void begin_write() override {
        if (in_transaction()) throw StoreError("a transaction is already open on this connection (bug)");
        // BEGIN IMMEDIATE waits for the busy timeout; under heavy contention it
        // can still report BUSY, so retry a few times before giving up.
        for (int attempt = 0;; ++attempt) {
            int rc = sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
            if (rc == SQLITE_OK) return;
            if ((rc & 0xff) != SQLITE_BUSY || attempt >= 5) raise(m_db.get(), rc, "starting a write transaction");
            std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
        }
    }
    void commit() override { exec("COMMIT"); }
    void rollback() noexcept override {
        if (in_transaction()) sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    bool in_transaction() const override { return sqlite3_get_autocommit(m_db.get()) == 0; }
    std::string_view dialect() const override { return "sqlite"; }

    sqlite3* handle() const { return m_db.get(); }

private:
    std::unique_ptr<sqlite3, DbCloser> m_db;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::filesystem::path& file, const SqliteOptions& options) {
    // SQLite's memory statistics take one global mutex on every allocation: with many
    // server threads that lock was ~45 % of the approval page's CPU (load test). Off,
    // once, before SQLite initialises.
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, DbCloser> guard(raw);
    if (rc != SQLITE_OK)
        throw StoreError("cannot open the store " + file.string() + ": " +
                         (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    sqlite3_extended_result_codes(raw, 1);
    auto conn = std::make_unique<SqliteConnection>(guard.release());
    try {
        conn->exec("PRAGMA journal_mode=WAL");
        conn->exec("PRAGMA foreign_keys=ON");
        conn->exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    } catch (const StoreError& e) {
        throw StoreError("cannot open the store " + file.string() + ": " + e.what());
    }
    return conn;
}

void sqlite_backup(Connection& from, const std::filesystem::path& to_file) {
    auto* src = dynamic_cast<SqliteConnection*>(&from);
    if (!src) throw StoreError("online backup needs an SQLite connection");
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
