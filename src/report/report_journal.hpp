// ReportJournal: a run's report lines written down as they happen, so that a
// killed batch or watch loses none of them. Each committed file's lines
// (counts, reasons, review and rejected items, skipped entries) are appended
// as one JSON line to reports/.journal-<kind>-<key>.jsonl and flushed to disk
// (fdatasync) before the next file; the report (summary.hpp write_report) is
// built from the journal, which is then removed. A journal still there at
// start-up belongs to a run that was killed: its report is written from it
// then, or — today's watch journal, for a watcher — it is continued.
//
// Key: the UTC day for a watch (one report per day), the start time for a
// batch (one report per run). The hidden name keeps it out of report listings.
//
// Line format: each line is one Summary in its one-line JSON (to_json(false)):
// the first, with no counts, names the run (kind, started_at); each later one
// holds the lines gained, its finished_at the time it was written. The
// journal's summary is all of them merged. A torn last line (killed
// mid-write) is ignored on replay and ended before the journal is continued.
//
// Thread-safety: one thread per journal; a journal has one writer process
// (the pipeline lock).
#pragma once

#include "report/summary.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace report {

class ReportJournal {
public:
    // Creates the journal of a run of `kind` ("batch" | "watch") started at
    // `started_at` (UTC, core::format_utc), or continues it when the file
    // already exists. Throws std::filesystem::filesystem_error when it cannot
    // be created (reports folder missing, read-only, full).
    ReportJournal(const std::filesystem::path& reports_dir, const std::string& kind, const std::string& started_at);
    ~ReportJournal();
    ReportJournal(const ReportJournal&) = delete;
    ReportJournal& operator=(const ReportJournal&) = delete;

    // Appends `lines` (see Summary::counts_since) durably. Returns an empty
    // string, or what went wrong (e.g. "No space left on device") — the caller
    // reports it; the run goes on (the store holds the documents regardless).
    std::string add(const Summary& lines, const std::string& at);

    const std::filesystem::path& path() const { return m_path; }
    // The journal's file name for a run of `kind` started at `started_at`.
    static std::filesystem::path file_for(const std::filesystem::path& reports_dir, const std::string& kind,
                                          const std::string& started_at);

private:
    std::filesystem::path m_path;
    int m_fd = -1;
};

// The journals in reports_dir, oldest name first.
std::vector<std::filesystem::path> find_journals(const std::filesystem::path& reports_dir);

// The summary a journal holds, review and rejected items included. Its
// finished_at is the time of the last line. nullopt when the file cannot be read.
std::optional<Summary> replay_journal(const std::filesystem::path& journal);

// Writes the report of a journal (finished at `finished_at`, or at its last
// line when empty) and then removes the journal. Returns the summary written.
// Throws std::filesystem::filesystem_error when the report cannot be written
// (the journal is then kept, and tried again by the next run).
// `store` (optional): the readable report also lists the run's accepted forms
// and names the client of every row (report_context_from_store); a store that
// cannot be read leaves the report as the summary alone.
Summary write_report_from_journal(const std::filesystem::path& journal, const std::string& finished_at,
                                  const std::filesystem::path& reports_dir, const std::filesystem::path& templates_dir,
                                  const store::StoreConfig* store = nullptr);

// The store's part of the readable report of `s` (issue 17): the forms
// accepted between its start and finish, and the client and bureau of each
// review, rejected and duplicate item (store::DocumentHistory's naming rule).
// Throws store::StoreError.
ReportContext report_context_from_store(store::Connection& c, const Summary& s);

// The latest run's summary for people: the newest report, or a journal newer
// than it (a run in progress, or one killed before its report).
struct LatestRun {
    Summary summary;
    std::filesystem::path path;
    bool final = true;  // false: from a journal
};
// nullopt when reports_dir holds neither (or the newer journal cannot be read).
std::optional<LatestRun> latest_run(const std::filesystem::path& reports_dir);

}  // namespace report
