// HeartbeatRepo: the liveness rows of the pipeline (issue 19, table
// heartbeats, migration 041). One row per role ('watch', 'batch'): the
// process that last ran it (pid, host, when it started), when it last showed
// it is alive (beat_at) and how its last pass went (time, 'ok' or the error
// text, files processed since it started, inbox files waiting). A new process
// of a role replaces the row. `health` and /metrics read it.
//
// Thread-safety: as its Connection (one per thread).
#pragma once

#include "store/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace store {

struct Heartbeat {
    std::string role;  // "watch" | "batch"
    std::int64_t pid = 0;
    std::string host;
    std::string started_at;  // UTC text, like every time below
    std::string beat_at;
    std::optional<std::string> last_pass_at;
    std::optional<std::string> last_pass_result;  // "ok" or the error text
    std::int64_t files_processed = 0;
    std::int64_t inbox_backlog = 0;
};

class HeartbeatRepo {
public:
    explicit HeartbeatRepo(Connection& c) : m_c(c) {}

    // Inserts or replaces the role's row with every field of `h`. Runs its
    // own short transaction (must be called outside one).
    void put(const Heartbeat& h);
    // Sets beat_at of the role's row if `pid` still owns it; false when the
    // row belongs to another process (or none). Own short transaction.
    bool beat(const std::string& role, std::int64_t pid, const std::string& at);
    std::optional<Heartbeat> get(const std::string& role) const;

private:
    Connection& m_c;
};

}  // namespace store
