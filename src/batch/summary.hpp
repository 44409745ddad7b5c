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
    // For files that wait to be taken (Summary::inbox_waiting): the earliest
    // time a pass takes it, UTC (core::format_utc); empty when it depends on
    // someone else (a writer closing it, a temporary name renamed).
    std::string retry_at = {};
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
    // Files the latest pass left in work/ because they could not be finished
    // for a reason outside them (their evidence could not be written): retried.
    int waiting = 0;
    // Files still in the inbox when the run ended (the latest pass, for a
    // watch) that a later pass takes by itself: still being written, a
    // temporary name, incomplete or of an unknown type until their give-up
    // time (intake::WaitingEntry). Kind, Swedish note and retry_at each.
    std::vector<SkippedItem> inbox_waiting;
    double seconds = 0;
    double decode_ms = 0, align_ms = 0, read_ms = 0, validate_ms = 0, analyse_ms = 0;

    // Adds an entry left in the inbox unless the same one is listed (a watch
    // rescans it every pass). True when the list changed.
    bool add_skipped(SkippedItem item);

    // Adds `other`'s counts and timings, takes its `waiting`, and adds its
    // skipped entries; its review and rejected items too when `lists`.
    void merge(const Summary& other, bool lists);
    // The counts and timings gained since `before` (an earlier copy of this
    // summary), the skipped entries new or changed since, the current `waiting`;
    // no review or rejected items. kind and times are this one's.
    Summary counts_since(const Summary& before) const;
    // True when counts_since(before) holds nothing but elapsed seconds.
    bool only_seconds_since(const Summary& before) const;

    // pretty: indented (the report file); else one line (the report journal).
    std::string to_json(bool pretty = true) const;
    // The inverse of to_json. Throws std::exception on malformed text.
    static Summary from_json(const std::string& text);
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
