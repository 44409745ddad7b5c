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
#include "batch/summary.hpp"
#include "batch/worker_pool.hpp"
#include "intake/inbox.hpp"
#include "store/store.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace batch {

// What after_pass is told: the loop's kind ("batch" | "watch"), files
// processed in the report period (the batch; the watch's day), and the pass's error (empty: it went well).
struct PassInfo {
    std::string kind;
    int files = 0;
    std::string error;
};

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

    // One pass: leftovers in work/, then every ready inbox file. Writes the
    // run's report. Throws store::StoreError when the store cannot be written
    // (files not yet committed stay in work/ and are resumed next run).
    Summary run_once();

    // Passes until stop is set; a report per day and at the end.
    void watch(const std::atomic<bool>& stop);

private:
    void pass(Summary& summary, const std::atomic<bool>* stop);
    void emit(const struct CommittedFile& f, Summary& summary, const std::string& file_note, const StageTimes* times);

    RunOptions m_opt;
    const core::FormTemplate& m_template;
    const core::Rules& m_rules;
    const core::Clock& m_clock;
    std::ostream& m_out;
    std::ostream& m_err;
};

}  // namespace batch
