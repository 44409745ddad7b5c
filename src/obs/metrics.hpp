// Metrics: counters, gauges and fixed-bucket histograms in a Registry, and
// their rendering in the Prometheus text exposition format 0.0.4 (what
// GET /metrics returns, with content type k_prometheus_content_type).
//
// A metric is identified by its family name and its label set; asking the
// registry twice for the same pair returns the same object, so callers may
// either keep the reference (hot paths) or look it up each time.
//
// Owns: every metric registered in it (references stay valid for the
// registry's life). Thread-safety: all of it. Registration and rendering
// take a mutex; inc/set/observe on a metric are lock-free atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace obs {

inline constexpr const char* k_prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Label name → value. Names: [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__".
using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (documents processed, requests served).
class Counter {
public:
    void inc(std::uint64_t n = 1) { m_value.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> m_value{0};
};

// A value that goes up and down (queue length, store reachable 0/1).
class Gauge {
public:
    void set(double v) { m_value.store(v, std::memory_order_relaxed); }
    void add(double d) { m_value.fetch_add(d, std::memory_order_relaxed); }
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value{0};
};

// Observations counted into fixed buckets (upper bounds, strictly
// increasing; +Inf is implicit), plus their sum and count.
class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double v);
    const std::vector<double>& upper_bounds() const { return m_bounds; }
    // Cumulative count of observations <= upper_bounds()[i]; index
    // upper_bounds().size() is the +Inf bucket (= count()).
    std::uint64_t cumulative(std::size_t i) const;
    std::uint64_t count() const { return m_count.load(std::memory_order_relaxed); }
    double sum() const { return m_sum.load(std::memory_order_relaxed); }

private:
    std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<std::uint64_t>[]> m_buckets;  // per bucket, not cumulative; last is +Inf
    std::atomic<std::uint64_t> m_count{0};
    std::atomic<double> m_sum{0};
};

// Seconds: 1 ms … 60 s, for stage and request latencies.
std::vector<double> latency_buckets();

class Registry {
public:
    // Each returns the metric for (name, labels), creating it on first use.
    // Throws std::invalid_argument for a bad name or label, or for a name
    // already registered with another type (or histogram buckets) — bugs.
    // `help` of the first registration is kept.
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& upper_bounds,
                         const Labels& labels = {});

    // The whole registry in the text format 0.0.4: families sorted by name,
    // series by labels; counters as-is (name them *_total), histograms as
    // _bucket{le=…} (cumulative), _sum, _count.
    std::string render() const;

private:
    enum class Type { counter, gauge, histogram };
    struct Family {
        Type type;
        std::string help;
        std::vector<double> bounds;  // histograms
        std::map<Labels, std::unique_ptr<Counter>> counters;
        std::map<Labels, std::unique_ptr<Gauge>> gauges;
        std::map<Labels, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const std::string& name, const std::string& help, Type type, const Labels& labels,
                   const std::vector<double>& bounds);

    mutable std::mutex m_mutex;
    std::map<std::string, Family> m_families;
};

// A registry for code that has no better owner (one per process).
Registry& process_registry();

// Writes `text` to `file` atomically (temp, fsync, rename): for
// node_exporter's textfile collector. Throws std::filesystem::filesystem_error.
void write_textfile(const std::string& text, const std::string& file);

}  // namespace obs
