// Clock: where the product asks what time it is, so tests can pass a fixed
// or advancing clock. Thread-safety: SystemClock is stateless; ManualClock is
// safe to read and set from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace core {

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

// "2026-11-26T22:41:07Z": UTC, second resolution; sorts as text.
std::string format_utc(TimePoint t);
// Inverse of format_utc; throws std::invalid_argument on another format.
TimePoint parse_utc(const std::string& text);

}  // namespace core
