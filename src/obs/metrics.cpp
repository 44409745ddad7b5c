#include "obs/metrics.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace obs {

namespace {

bool valid_name(const std::string& n, bool colon_ok) {
    if (n.empty()) return false;
    for (std::size_t i = 0; i < n.size(); ++i) {
        char c = n[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':') ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

// Sorted by label name, so {a,b} and {b,a} are one series.
Labels normalised(const Labels& labels, bool histogram) {
    Labels out = labels;
    std::sort(out.begin(), out.end());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& name = out[i].first;
        if (!valid_name(name, false) || name.starts_with("__") || (histogram && name == "le"))
            throw std::invalid_argument("metric label name '" + name + "' is not allowed");
        if (i > 0 && out[i - 1].first == name) throw std::invalid_argument("metric label '" + name + "' given twice");
    }
    return out;
}

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string escape(const std::string& s, bool quote) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (quote && c == '"') out += "\\\"";
        else out.push_back(c);
    }
    return out;
}

std::string label_text(const Labels& labels, const std::string& le = {}) {
    if (labels.empty() && le.empty()) return "";
    std::string out = "{";
    bool first = true;
    for (auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k + "=\"" + escape(v, true) + "\"";
    }
    if (!le.empty()) out += std::string(first ? "" : ",") + "le=\"" + le + "\"";
    return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : m_bounds(std::move(upper_bounds)),
      m_buckets(std::make_unique<std::atomic<std::uint64_t>[]>(m_bounds.size() + 1)) {
    for (std::size_t i = 0; i < m_bounds.size(); ++i)
        if (std::isnan(m_bounds[i]) || std::isinf(m_bounds[i]) || (i > 0 && m_bounds[i] <= m_bounds[i - 1]))
            throw std::invalid_argument("histogram bucket bounds must be finite and strictly increasing");
    for (std::size_t i = 0; i <= m_bounds.size(); ++i) m_buckets[i].store(0);
}

void Histogram::observe(double v) {
    // le semantics: a value equal to a bound belongs to that bucket.
    std::size_t i = std::isnan(v) ? m_bounds.size()
                                  : static_cast<std::size_t>(std::lower_bound(m_bounds.begin(), m_bounds.end(), v) -
                                                             m_bounds.begin());
    m_buckets[i].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(v, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
    std::uint64_t n = 0;
    for (std::size_t k = 0; k <= std::min(i, m_bounds.size()); ++k) n += m_buckets[k].load(std::memory_order_relaxed);
    return n;
}

std::vector<double> latency_buckets() {
    return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type, const Labels& labels,
                                   const std::vector<double>& bounds) {
    (void)labels;
    if (!valid_name(name, true)) throw std::invalid_argument("metric name '" + name + "' is not allowed");
    auto it = m_families.find(name);
    if (it == m_families.end()) {
        Family f;
        f.type = type;
        f.help = help;
        f.bounds = bounds;
        it = m_families.emplace(name, std::move(f)).first;
    }
    if (it->second.type != type) throw std::invalid_argument("metric '" + name + "' is registered with another type");
    if (type == Type::histogram && it->second.bounds != bounds)
        throw std::invalid_argument("histogram '" + name + "' is registered with other buckets");
    return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    Labels key = normalised(labels, false);
    std::lock_guard lock(m_mutex);
    auto& slot = family(name, help, Type::counter, key, {}).counters[key];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    Labels key = normalised(labels, false);
    std::lock_guard lock(m_mutex);
    auto& slot = family(name, help, Type::gauge, key, {}).gauges[key];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& upper_bounds, const Labels& labels) {
    Labels key = normalised(labels, true);
    std::lock_guard lock(m_mutex);
    auto& slot = family(name, help, Type::histogram, key, upper_bounds).histograms[key];
    if (!slot) slot = std::make_unique<Histogram>(upper_bounds);
    return *slot;
}

std::string Registry::render() const {
    std::lock_guard lock(m_mutex);
    std::string out;
    for (auto& [name, f] : m_families) {
        out += "# HELP " + name + " " + escape(f.help, false) + "\n";
        out += "# TYPE " + name + " " +
               (f.type == Type::counter ? "counter" : f.type == Type::gauge ? "gauge" : "histogram") + "\n";
        for (auto& [labels, c] : f.counters) out += name + label_text(labels) + " " + std::to_string(c->value()) + "\n";
        for (auto& [labels, g] : f.gauges) out += name + label_text(labels) + " " + number(g->value()) + "\n";
        for (auto& [labels, h] : f.histograms) {
            // Read the buckets first: a concurrent observe may make _count
            // run ahead of +Inf by one, never behind.
            for (std::size_t i = 0; i < f.bounds.size(); ++i)
                out += name + "_bucket" + label_text(labels, number(f.bounds[i])) + " " +
                       std::to_string(h->cumulative(i)) + "\n";
            std::uint64_t inf = h->cumulative(f.bounds.size());
            out += name + "_bucket" + label_text(labels, "+Inf") + " " + std::to_string(inf) + "\n";
            out += name + "_sum" + label_text(labels) + " " + number(h->sum()) + "\n";
            out += name + "_count" + label_text(labels) + " " + std::to_string(inf) + "\n";
        }
    }
    return out;
}

Registry& process_registry() {
    static Registry k_registry;
    return k_registry;
}

void write_textfile(const std::string& text, const std::string& file) {
    namespace fs = std::filesystem;
    fs::path target(file);
    fs::path tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    auto fail = [&](const char* what) {
        std::error_code cause(errno, std::generic_category()), ignored;
        if (fd >= 0) ::close(fd);
        fs::remove(tmp, ignored);
        throw fs::filesystem_error(what, tmp, cause);
    };
    if (fd < 0) fail("cannot create metrics file");
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n <= 0) fail("cannot write metrics file");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot sync metrics file");
    ::close(fd);
    fd = -1;
    fs::rename(tmp, target);
}

}  // namespace obs
