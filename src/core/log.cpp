#include "core/log.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace core {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int two(std::string_view d, std::size_t at) { return (d[at] - '0') * 10 + (d[at + 1] - '0'); }

// YYMMDD with a real month and a day (or coordination day, day + 60).
bool plausible_date(std::string_view yymmdd) {
    int month = two(yymmdd, 2), day = two(yymmdd, 4);
    if (month < 1 || month > 12) return false;
    return (day >= 1 && day <= 31) || (day >= 61 && day <= 91);
}

bool needs_quotes(std::string_view v) {
    if (v.empty()) return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

std::string quoted(std::string_view v) {
    if (!needs_quotes(v)) return std::string(v);
    std::string out = "\"";
    for (char c : v) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
                    out += buf;
                } else {
                    out.push_back(c);
                }
        }
    }
    return out + "\"";
}

std::string clean_key(std::string_view key) {
    std::string out;
    for (char c : key)
        out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ? c : '_');
    return out.empty() ? "_" : out;
}

std::string timestamp_now() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Fields clamped to their ranges so the compiler can see the text fits.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
                  (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
                  static_cast<int>(ms % 1000));
    return buf;
}

void write_stderr(std::string_view line) {
    std::string buf(line);
    buf.push_back('\n');
    const char* p = buf.data();
    std::size_t left = buf.size();
    while (left > 0) {
        ssize_t n = ::write(2, p, left);
        if (n <= 0) return;  // nowhere to report a failing stderr
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
    std::string n = lower(name);
    if (n == "trace") return LogLevel::trace;
    if (n == "debug") return LogLevel::debug;
    if (n == "information" || n == "info") return LogLevel::info;
    if (n == "notice") return LogLevel::notice;
    if (n == "warning" || n == "warn") return LogLevel::warning;
    if (n == "error") return LogLevel::error;
    if (n == "critical" || n == "fatal") return LogLevel::critical;
    return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::trace: return "trace";
        case LogLevel::debug: return "debug";
        case LogLevel::info: return "info";
        case LogLevel::notice: return "notice";
        case LogLevel::warning: return "warning";
        case LogLevel::error: return "error";
        case LogLevel::critical: return "critical";
    }
    return "info";
}

std::string mask_personal_numbers(std::string_view text) {
    std::string out(text);
    std::size_t i = 0;
    while (i < out.size()) {
        if (!is_digit(out[i]) || (i > 0 && is_digit(out[i - 1]))) {
            ++i;
            continue;
        }
        // A maximal run of digits with at most one '-' or '+' between digits.
        std::string digits;
        std::size_t j = i, separator_after = 0;
        bool separated = false;
        while (j < out.size()) {
            if (is_digit(out[j])) {
                digits.push_back(out[j]);
                ++j;
            } else if (!separated && (out[j] == '-' || out[j] == '+') && j + 1 < out.size() && is_digit(out[j + 1])) {
                separated = true;
                separator_after = digits.size();
                ++j;
            } else {
                break;
            }
        }
        bool personal = false;
        if (digits.size() == 10 && (!separated || separator_after == 6))
            personal = plausible_date(std::string_view(digits).substr(0, 6));
        else if (digits.size() == 12 && (!separated || separator_after == 8))
            personal = (digits.starts_with("18") || digits.starts_with("19") || digits.starts_with("20")) &&
                       plausible_date(std::string_view(digits).substr(2, 6));
        if (personal) {
            std::size_t masked = 0;
            for (std::size_t k = j; k > i && masked < 4; --k)
                if (is_digit(out[k - 1])) {
                    out[k - 1] = '*';
                    ++masked;
                }
        }
        i = j;
    }
    return out;
}

bool is_secret_key(std::string_view key) {
    std::string k = lower(key);
    for (const char* word : {"token", "password", "passwd", "secret", "session", "csrf", "authorization", "cookie"})
        if (k.find(word) != std::string::npos) return true;
    return false;
}

LogLine::LogLine(const Logger* logger, LogLevel level, std::string_view event) : m_logger(logger) {
    if (!m_logger) return;
    m_line = "ts=" + timestamp_now() + " level=" + std::string(log_level_name(level)) + " event=" + clean_key(event);
}

LogLine::~LogLine() {
    if (m_logger) m_logger->emit(m_line);
}

void LogLine::append_raw(std::string_view key, std::string_view value) {
    m_line += ' ';
    m_line += clean_key(key);
    m_line += '=';
    m_line += quoted(value);
}

LogLine& LogLine::kv(std::string_view key, std::string_view value) {
    if (!m_logger) return *this;
    if (is_secret_key(key)) append_raw(key, "***");
    else append_raw(key, mask_personal_numbers(value));
    return *this;
}

LogLine& LogLine::kv(std::string_view key, std::int64_t value) {
    if (m_logger) append_raw(key, is_secret_key(key) ? "***" : std::to_string(value));
    return *this;
}

LogLine& LogLine::kv(std::string_view key, std::uint64_t value) {
    if (m_logger) append_raw(key, is_secret_key(key) ? "***" : std::to_string(value));
    return *this;
}

LogLine& LogLine::kv(std::string_view key, double value) {
    if (!m_logger) return *this;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    append_raw(key, is_secret_key(key) ? "***" : buf);
    return *this;
}

Logger::Logger(LogLevel min_level) : Logger(min_level, write_stderr) {}

Logger::Logger(LogLevel min_level, Sink sink) : m_level(min_level), m_sink(std::move(sink)) {}

void Logger::emit(std::string_view line) const {
    std::lock_guard lock(m_mutex);
    if (m_sink) m_sink(line);
}

Logger& process_logger() {
    static Logger k_logger(LogLevel::info);
    return k_logger;
}

void configure_process_logger(std::string_view level_name) {
    auto level = parse_log_level(level_name);
    if (!level) throw std::invalid_argument("unknown log level '" + std::string(level_name) + "'");
    process_logger().set_level(*level);
}

}  // namespace core
