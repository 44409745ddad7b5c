// Clock: where the product asks what time it is, so tests can pass a fixed
// or advancing clock; and how the product notices a wall clock that jumped
// (ClockJumpDetector) and which stored times it no longer trusts
// (k_clock_tolerance). Thread-safety: SystemClock is stateless; ManualClock is
// safe to read and set from several threads; a ClockJumpDetector belongs to
// one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace core {

class Logger;

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that stands still until told to move (tests).
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start) : m_now(start.time_since_epoch().count()) {}
    TimePoint now() const override { return TimePoint(TimePoint::duration(m_now.load())); }
    void set(TimePoint t) { m_now = t.time_since_epoch().count(); }
    void advance(std::chrono::seconds s) { m_now += std::chrono::duration_cast<TimePoint::duration>(s).count(); }

private:
    std::atomic<TimePoint::rep> m_now;
};

// How far a stored time may lie ahead of the wall clock, or a new time behind
// the store's newest one, before the product takes it for a clock that was
// wrong (issue 19): two hosts or an NTP step are seconds apart, never minutes.
inline constexpr std::chrono::seconds k_clock_tolerance{300};

// Compares how far the wall clock moved with how far the monotonic clock
// moved between two checks. A difference above `threshold` is a jump of the
// wall clock (set by hand, NTP stepping a badly wrong clock, a VM resumed):
// check() returns its size, positive when the wall clock moved ahead. The
// first check only records. Both clocks are passed in, so a test drives it
// with made-up readings.
class ClockJumpDetector {
public:
    explicit ClockJumpDetector(std::chrono::seconds threshold = std::chrono::seconds(120)) : m_threshold(threshold) {}
    std::optional<std::chrono::seconds> check(TimePoint wall, std::chrono::steady_clock::time_point steady);
    // check(clock.now(), steady_clock::now()); a jump is logged as a warning
    // (event clock.jump, where=`where`, jump_seconds, wall_now) on `log`.
    std::optional<std::chrono::seconds> check_and_log(const Clock& clock, const Logger& log, std::string_view where);

private:
    std::chrono::seconds m_threshold;
    std::optional<std::pair<TimePoint, std::chrono::steady_clock::time_point>> m_last;
};

// "2026-11-26T22:41:07Z": UTC, second resolution; sorts as text.
std::string format_utc(TimePoint t);
// Inverse of format_utc; throws std::invalid_argument on another format.
TimePoint parse_utc(const std::string& text);

}  // namespace core
