// Connection: the narrow SQL interface every repository in this module is
// written against. SQLite implements it now (sqlite_connection.hpp); a
// PostgreSQL implementation can follow without touching the repositories
// (SPEC §8), because they use only portable SQL: '?' placeholders,
// INSERT … ON CONFLICT, RETURNING, and text timestamps.
//
// Ownership: a Connection owns its database handle; a Statement borrows its
// Connection and must not outlive it. Thread-safety: one Connection per
// thread; never share one between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace store {

// Thrown when the database cannot do its work (cannot open, disk full, busy
// beyond the timeout, constraint broken by a bug). Callers outside the store
// see this as "the environment is broken", not as a document's outcome.
class StoreError : public core::Error {
public:
    explicit StoreError(const std::string& what) : core::Error(core::ErrorKind::store, what) {}
};

// Thrown for a unique constraint (e.g. a second live linkage for one pair):
// the store refused the write; nothing was changed.
class ConstraintError : public StoreError {
public:
    using StoreError::StoreError;
};

class Statement {
public:
    virtual ~Statement() = default;
    // Parameters are numbered from 1, as in SQL.
    virtual Statement& bind(int index, std::int64_t value) = 0;
    virtual Statement& bind(int index, double value) = 0;
    virtual Statement& bind(int index, std::string_view value) = 0;
    virtual Statement& bind_null(int index) = 0;
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::optional<std::string>& value) {
        return value ? bind(index, std::string_view(*value)) : bind_null(index);
    }
    // Advances to the next row; false when there is none (or after a write).
    virtual bool step() = 0;
    // Runs a statement that returns no rows.
    void run() { while (step()) {} }
    // Columns are numbered from 0.
    virtual bool is_null(int column) const = 0;
    virtual std::int64_t get_int(int column) const = 0;
    virtual double get_double(int column) const = 0;
    virtual std::string get_text(int column) const = 0;
    std::optional<std::string> get_optional_text(int column) const {
        return is_null(column) ? std::nullopt : std::optional<std::string>(get_text(column));
    }
    // Makes the statement ready to be bound and run again.
    virtual void reset() = 0;
};

class Connection {
public:
    virtual ~Connection() = default;
    virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
    // Runs one or more statements without parameters.
    virtual void exec(std::string_view sql) = 0;
    // Starts a write transaction that holds the write lock from its start
    // (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN), so two writers queue
    // instead of failing half-way.
    virtual void begin_write() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    virtual bool in_transaction() const = 0;
    // "sqlite" or "postgresql": chooses the migration scripts.
    virtual std::string_view dialect() const = 0;
};

// RAII write transaction: rolls back unless commit() was called. Nesting is
// not supported; a Transaction on a connection already in one throws.
class Transaction {
public:
    explicit Transaction(Connection& c) : m_c(c) { m_c.begin_write(); }
    ~Transaction() {
        if (!m_done) m_c.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        m_c.commit();
        m_done = true;
    }

private:
    Connection& m_c;
    bool m_done = false;
};

}  // namespace store
