// Runner: one pass over the inbox (`batch`, for cron) or a continuous watch
// (`watch`) — the same code. Resumes what a killed run left in work/, claims
// complete files, analyses them on a pool of worker threads (one OCR engine
// each, initialised once), and commits each file's result on this thread —
// the single writer — before moving the original. The queue between them is
// bounded, so memory stays flat whatever the inbox holds.
//
// Thread-safety: run_once()/watch() on one thread; request_stop() from any
// (e.g. a signal handler's flag).
#pragma once

#include "batch/analyser.hpp"
#include "report/report_journal.hpp"
#include "report/summary.hpp"
#include "batch/worker_pool.hpp"
#include "intake/inbox.hpp"
#include "store/store.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace batch {

// What after_pass is told: the loop's kind ("batch" | "watch"), files
// processed in the report period (the batch; the watch's day), and the pass's error (empty: it went well).
struct PassInfo {
    std::string kind;
    int files = 0;
    std::string error;
};

// How much longer than batch.stable_seconds a batch waits in all for files
// still being written when it starts (a copy a moment before `linkage batch`).
inline constexpr std::chrono::seconds k_settle_margin{10};

struct RunOptions {
    std::filesystem::path home;
    intake::Folders folders;
    std::filesystem::path crops;
    std::filesystem::path reports;
    std::filesystem::path templates;  // for the readable report
    store::StoreConfig store;
    int workers = 0;  // 0: one per core
    intake::ReadyOptions ready;
    AnalysisSettings analysis;
    bool json = false;       // one JSON object per document on `out`
    bool progress = false;   // live progress line on `err`
    std::chrono::seconds watch_interval{2};
    // Worker processes (the product): empty command → in-process threads.
    WorkerSpec worker;
    // Called after every pass of watch() and at the end of run_once() (the
    // heartbeat, obs::HeartbeatWriter). Must not throw.
    std::function<void(const PassInfo&)> after_pass;
};

class Runner {
public:
    Runner(RunOptions options, const core::FormTemplate& t, const core::Rules& rules, const core::Clock& clock,
           std::ostream& out, std::ostream& err);

    // One pass: leftovers in work/, then every ready inbox file; then, while
    // files in the inbox are still being written (copied a moment before the
    // run), waits for them to settle — at most stable + k_settle_margin in all
    // — and takes them too. What is left in the inbox is listed in the
    // summary's inbox_waiting / skipped with why and when. Writes the
    // run's report (and first those of killed runs, from their journals).
    // Throws store::StoreError when the store cannot be written (files not yet
    // committed stay in work/ and are resumed next run; the lines so far stay
    // in the run's journal and are reported by the next run).
    report::Summary run_once();

    // Passes until stop is set; a report per day and at the end, built from the
    // day's journal (continued after a kill). A pass that meets a store error
    // (full, locked, gone) or leaves files waiting for evidence space does not
    // end the watch: one line on `err`, then the next pass after a back-off
    // (2 s doubling to 60 s, cut short by stop).
    void watch(const std::atomic<bool>& stop);

private:
    void pass(report::Summary& summary, const std::atomic<bool>* stop);
    // Scans the inbox: what waits there (still settling …) into summary.inbox_waiting;
    // returns how many files are ready now.
    size_t look(report::Summary& summary, std::vector<intake::WaitingEntry>* waiting = nullptr) const;
    // The live progress line on a terminal (OCRmyPDF's model): cleared before
    // any other line is printed and drawn again below it.
    void clear_progress();
    void draw_progress(const std::string& text);
    void emit(const struct CommittedFile& f, report::Summary& summary, const std::string& file_note, const StageTimes* times);
    // A file a worker could not finish for a reason outside it: true (and one
    // line on err) when its evidence could not be written — it stays in work/;
    // throws store::StoreError when the store failed under its analysis.
    bool left_in_work(const PoolDone& d, report::Summary& summary);
    // Report journal: writes the reports of killed runs' journals, then starts
    // (or, for a watch, continues today's) journal of `summary`'s run.
    void open_journal(report::Summary& summary);
    // Appends what `summary` gained since the last line, with `lines`' review and rejected items.
    void journal(const report::Summary& summary, report::Summary lines);
    // Writes the run's report from its journal; returns the full summary.
    report::Summary close_journal(const std::string& finished_at);

    RunOptions m_opt;
    const core::FormTemplate& m_template;
    const core::Rules& m_rules;
    const core::Clock& m_clock;
    std::ostream& m_out;
    std::ostream& m_err;
    std::unique_ptr<report::ReportJournal> m_journal;
    report::Summary m_journaled;  // the summary's counts as of the journal's last line
    report::Summary m_unjournaled;  // review and rejected items a failed journal write still owes
    bool m_journal_failing = false;
    bool m_tty = false;          // progress wanted and stderr is a terminal
    std::string m_progress;      // the progress line now drawn (empty: none)
};

}  // namespace batch
