// Summary of a batch run (SPEC §4.9): counts per outcome and reason, timings,
// what waits for review, what was rejected and where it lies. Written as
// JSON to reports/ and printed on the terminal.
#pragma once

#include "core/local_time.hpp"

#include "core/clock.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace report {

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

// Time for people (issue 17, item 13): core/local_time.hpp, named here too for
// the report's callers.
using core::stockholm_date;
using core::stockholm_day_bounds;
using core::stockholm_offset_minutes;
using core::stockholm_time;

// When a file waiting in the inbox (Summary::inbox_waiting) is taken, in Swedish local time
// for people (report, task page).
std::string retry_text_sv(const SkippedItem& waiting);

// What the readable report shows beside the summary, from the store (see
// report_journal.hpp report_context_from_store); empty: the summary alone.
struct ReportRow {
    std::optional<std::int64_t> document_id;
    std::string file;
    std::string client;   // as named in the registry, else as written on the form
    std::string bureau;
    std::string at;       // UTC
    std::vector<std::string> reasons;
    std::string sha256;   // of the original (a link to it)
};
struct ReportContext {
    // Links to the review screen and to the originals; none when false (the
    // report file: the batch does not know the server's address).
    bool links = false;
    std::string link_root;  // prefix of "/review/…": "" on the web page, "https://host" in a file
    bool page = false;      // rendered for the browser (a way back to the task page)
    std::vector<ReportRow> accepted;                     // forms accepted by the run
    std::map<std::int64_t, ReportRow> documents;         // review items by document id
    std::map<std::string, ReportRow> files;              // rejected/duplicate items by file name
};

// The readable report of `s` (templates/report/report.html.mustache), with
// the trend of the runs found in reports_dir. Empty when the template is missing.
std::string render_report_html(const Summary& s, const std::filesystem::path& reports_dir,
                               const std::filesystem::path& templates_dir, const ReportContext& context = {});

// Writes reports/<kind>-<UTC timestamp>.json and, beside it, the readable
// .html (render_report_html, with the trend of the last 14 runs found in
// reports/), both atomically. Returns the JSON's path.
std::filesystem::path write_report(const Summary& s, const std::filesystem::path& reports_dir,
                                   const std::filesystem::path& templates_dir, const ReportContext& context = {});

// The newest `n` report JSONs in reports_dir, newest first, with their
// summaries (unreadable ones skipped).
std::vector<std::pair<std::filesystem::path, Summary>> recent_reports(const std::filesystem::path& reports_dir,
                                                                      std::size_t n);

// The newest report JSON in reports_dir, if any.
std::optional<std::filesystem::path> latest_report(const std::filesystem::path& reports_dir);

}  // namespace report
