// Summary of a batch run (SPEC §4.9): counts per outcome and reason, timings,
// what waits for review, what was rejected and where it lies. Written as
// JSON to reports/ and printed on the terminal.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace batch {

struct ReviewItem {
    std::int64_t document_id = 0;
    std::string file;
    std::vector<std::string> reasons;
};

struct RejectedItem {
    std::string file;
    std::string stored_path;
    std::vector<std::string> reasons;
    std::string note;
};

// An inbox entry the batch left alone and staff should look at (a link, a
// folder, a copy that never finished …; see intake::SkippedEntry).
struct SkippedItem {
    std::string file;
    std::string kind;  // intake::SkippedEntry::kind
    std::string note;  // Swedish
};

struct Summary {
    std::string kind = "batch";
    std::string started_at, finished_at;
    int files = 0;
    int documents = 0;
    int ignored_pages = 0;
    std::map<std::string, int> outcomes;  // accepted/review/rejected/duplicate
    std::map<std::string, int> reasons;
    std::vector<ReviewItem> review;
    std::vector<RejectedItem> rejected;
    std::vector<SkippedItem> skipped;  // left in the inbox, once per name
    double seconds = 0;
    double decode_ms = 0, align_ms = 0, read_ms = 0, validate_ms = 0, analyse_ms = 0;

    // Adds an entry left in the inbox unless one of that name is listed (a watch rescans it every pass).
    void add_skipped(SkippedItem item);

    std::string to_json() const;
    void print(std::ostream& o) const;
};

// Writes reports/<kind>-<UTC timestamp>.json and, beside it, the readable
// .html (from templates/report/report.html.mustache, with the trend of the last
// 14 runs found in reports/), both atomically. Returns the JSON's path.
std::filesystem::path write_report(const Summary& s, const std::filesystem::path& reports_dir,
                                   const std::filesystem::path& templates_dir);

// The newest report JSON in reports_dir, if any.
std::optional<std::filesystem::path> latest_report(const std::filesystem::path& reports_dir);

}  // namespace batch
