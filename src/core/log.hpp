// Structured logging: one line per event, key=value, e.g.
//   ts=2026-11-26T22:41:07.123Z level=info event=backup.done file=/srv/b.db bytes=73728
// Every line starts with ts, level and event; callers add the ids that tie it
// to its subject (doc=, request=, batch=) and whatever else explains it.
//
// Privacy is enforced here, not left to callers: every value passes through
// mask_personal_numbers(), and the value of a key that names a secret
// (token, password, secret, session, csrf, authorization, cookie) is replaced
// by "***" whatever it holds.
//
// Owns: the minimum level and the sink. Thread-safety: a Logger may be shared
// by threads; each line is built privately and handed to the sink whole under
// a mutex (the default sink writes it to stderr with one write(2), so lines
// from several processes sharing a journal do not interleave either).
//
// Adopting it in a module: take a `core::Logger&` in the module's options (a
// test passes one with a capturing sink), or in top-level code use
// process_logger(). See docs/operations.md, "Logs".
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace core {

enum class LogLevel { trace, debug, info, notice, warning, error, critical };

// Accepts Poco's names (trace, debug, information, notice, warning, error,
// critical, fatal) and the short ones (info, warn); case-insensitive.
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);  // "info", "warning", …

// "YYMMDD-NNNN" → "YYMMDD-****" for every personal identity or coordination
// number in `text` (10 or 12 digits, with or without '-'/'+', whose date part
// is a plausible date). Organisation numbers (month digits ≥ 20) stay as
// they are: they identify companies, not people.
std::string mask_personal_numbers(std::string_view text);

// True for a key whose value must never be logged (see above).
bool is_secret_key(std::string_view key);

class Logger;

// One line under construction; emitted when it goes out of scope. Cheap when
// the level is disabled (nothing is formatted).
class LogLine {
public:
    LogLine(const Logger* logger, LogLevel level, std::string_view event);
    ~LogLine();
    LogLine(const LogLine&) = delete;
    LogLine& operator=(const LogLine&) = delete;

    LogLine& kv(std::string_view key, std::string_view value);
    LogLine& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view(value)); }
    LogLine& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
    LogLine& kv(std::string_view key, std::int64_t value);
    LogLine& kv(std::string_view key, int value) { return kv(key, static_cast<std::int64_t>(value)); }
    LogLine& kv(std::string_view key, std::uint64_t value);
    LogLine& kv(std::string_view key, double value);
    LogLine& kv(std::string_view key, bool value) { return kv(key, std::string_view(value ? "true" : "false")); }

private:
    void append_raw(std::string_view key, std::string_view value);
    const Logger* m_logger;  // null: disabled
    std::string m_line;
};

class Logger {
public:
    // Receives one complete line without the trailing newline.
    using Sink = std::function<void(std::string_view line)>;

    // Default sink: stderr.
    explicit Logger(LogLevel min_level = LogLevel::info);
    Logger(LogLevel min_level, Sink sink);

    bool enabled(LogLevel level) const { return level >= m_level.load(std::memory_order_relaxed); }
    LogLevel level() const { return m_level.load(std::memory_order_relaxed); }
    void set_level(LogLevel level) { m_level.store(level, std::memory_order_relaxed); }

    LogLine at(LogLevel level, std::string_view event) const { return LogLine(enabled(level) ? this : nullptr, level, event); }
    LogLine debug(std::string_view event) const { return at(LogLevel::debug, event); }
    LogLine info(std::string_view event) const { return at(LogLevel::info, event); }
    LogLine warning(std::string_view event) const { return at(LogLevel::warning, event); }
    LogLine error(std::string_view event) const { return at(LogLevel::error, event); }

private:
    friend class LogLine;
    void emit(std::string_view line) const;
    std::atomic<LogLevel> m_level;
    Sink m_sink;
    mutable std::mutex m_mutex;
};

// The process-wide logger for top-level code (cli commands): stderr, level
// from log.level once configure_process_logger() ran (info before that).
Logger& process_logger();
// Throws std::invalid_argument for an unknown level name.
void configure_process_logger(std::string_view level_name);

}  // namespace core
