#include "batch/runner.hpp"
#include "core/error.hpp"

#include "batch/crops.hpp"
#include "core/reason_texts.hpp"
#include "batch/worker_pool.hpp"
#include "store/registry_view.hpp"
#include "batch/writer.hpp"
#include "store/document_repo.hpp"
#include "intake/files.hpp"
#include "store/document_history.hpp"
#include "read/ocr_engine.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <iomanip>
#include <mutex>
#include <ostream>
#include <sstream>
#include <set>
#include <thread>

namespace batch {

namespace fs = std::filesystem;

namespace {

using Job = PoolJob;
using Done = PoolDone;

// In-process worker threads (used when no worker command is configured, e.g.
// in tests of the runner itself): bounded in flight by the caller, results in
// completion order. The product uses worker processes (worker_pool.hpp).
class ThreadPool final : public Executor {
public:
    ThreadPool(int n, const std::function<std::unique_ptr<Analyser>()>& make, fs::path home, fs::path crops)
        : m_home(std::move(home)), m_crops(std::move(crops)) {
        for (int i = 0; i < n; ++i)
            m_threads.emplace_back([this, make] {
                std::unique_ptr<Analyser> analyser;
                try {
                    analyser = make();
                } catch (const std::exception& e) {
                    std::lock_guard lock(m_mu);
                    m_fatal = e.what();
                    m_cv_done.notify_all();
                    return;
                }
                work(*analyser);
            });
    }
    ~ThreadPool() override {
        {
            std::lock_guard lock(m_mu);
            m_closing = true;
        }
        m_cv_jobs.notify_all();
        for (auto& t : m_threads) t.join();
    }
    void submit(Job j) override {
        std::lock_guard lock(m_mu);
        m_jobs.push_back(std::move(j));
        m_cv_jobs.notify_one();
    }
    // Blocks for the next result. Throws when a worker could not start (broken installation).
    Done next() override {
        std::unique_lock lock(m_mu);
        m_cv_done.wait(lock, [&] { return !m_done.empty() || !m_fatal.empty(); });
        if (m_done.empty()) throw core::InstallError(m_fatal);
        Done d = std::move(m_done.front());
        m_done.pop_front();
        return d;
    }

private:
    void work(Analyser& analyser) {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(m_mu);
                m_cv_jobs.wait(lock, [&] { return m_closing || !m_jobs.empty(); });
                if (m_jobs.empty()) return;
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            Done d{job.seq, job.claimed, {}};
            // In-process: crops are written here, in the worker thread.
            // The per-document boundary: whatever breaks on this file stays with this file.
            try {
                std::string bytes = intake::read_all(job.claimed.work_path);
                d.analysis = analyser.analyse(bytes);
                for (auto& f : d.analysis.forms) write_crops(m_home, m_crops, job.claimed.sha256, f);
            } catch (const EvidenceError& e) {
                d.analysis = FileAnalysis{};  // not this file's fault: it waits in work/
                d.analysis.evidence_error = e.what();
            } catch (const store::StoreError& e) {
                d.analysis = FileAnalysis{};  // the store failed: the pass stops, the file is retried
                d.analysis.store_error = e.what();
            } catch (const std::exception& e) {
                d.analysis = FileAnalysis{};
                d.analysis.file_reason = std::string(core::reason::internal_error);
                d.analysis.file_detail = std::string("internal error while analysing: ") + e.what();
            }
            std::lock_guard lock(m_mu);
            m_done.push_back(std::move(d));
            m_cv_done.notify_one();
        }
    }

    std::mutex m_mu;
    std::condition_variable m_cv_jobs, m_cv_done;
    std::deque<Job> m_jobs;
    std::deque<Done> m_done;
    std::string m_fatal;
    bool m_closing = false;
    fs::path m_home, m_crops;
    std::vector<std::thread> m_threads;
};

// What staff read about a duplicate: where the earlier copy went and why. A
// file rejected before and dropped again is not "in the archive" (issue 17).
std::string duplicate_note(const CommittedFile& earlier, const std::string& processed_at) {
    std::string when;
    try {
        when = " " + intake::stockholm_time(core::parse_utc(processed_at), core::TimePoint{});
    } catch (const std::exception&) {
        // an unreadable time: said without it
    }
    if (!earlier.rejected_file) return core::reason_text_sv("duplicate_file");
    std::string why;
    for (auto& form : earlier.forms)
        if (!form.reasons.empty()) {
            why = core::reason_text_sv(form.reasons.front());
            break;
        }
    std::string note = "Exakt samma fil har redan avvisats (som " + earlier.file_name +
                       (when.empty() ? "" : "," + when) + ")";
    if (!why.empty()) note += ": " + why;
    else note += ".";
    note += " Den avvisade filen ligger i " + earlier.stored_path.string() +
            ". Att lägga in samma fil igen ändrar inget; skicka en ny, rättad skanning.";
    return note;
}

std::string sidecar(const CommittedFile& f, const std::string& detail, const std::string& at,
                    const std::string& duplicate_note_sv = {}) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("file", f.file_name);
    o.set("sha256", f.sha256);
    o.set("rejected_at", at);
    Poco::JSON::Array reasons;
    std::string note;
    for (auto& form : f.forms)
        for (auto& r : form.reasons) {
            reasons.add(r);
            if (note.empty()) note = core::file_note_sv(r, detail);
        }
    if (f.duplicate) {
        reasons.add("duplicate_file");
        note = duplicate_note_sv.empty() ? core::reason_text_sv("duplicate_file") : duplicate_note_sv;
    }
    o.set("reasons", reasons);
    o.set("note_sv", note);
    o.set("detail", detail);
    std::ostringstream s;
    o.stringify(s, 2);
    return s.str() + "\n";
}

}  // namespace

Runner::Runner(RunOptions options, const core::FormTemplate& t, const core::Rules& rules, const core::Clock& clock,
               std::ostream& out, std::ostream& err)
    : m_opt(std::move(options)), m_template(t), m_rules(rules), m_clock(clock), m_out(out), m_err(err) {
    if (m_opt.workers <= 0) m_opt.workers = std::max(1u, std::thread::hardware_concurrency());
    m_tty = m_opt.progress && isatty(STDERR_FILENO);
}

void Runner::clear_progress() {
    if (!m_tty || m_progress.empty()) return;
    m_err << "\r\033[K" << std::flush;  // carriage return, erase to the end of the line
    m_progress.clear();
}

void Runner::draw_progress(const std::string& text) {
    if (!m_tty) return;
    // One screen line at most: a wrapped line could not be taken back by \r.
    winsize ws{};
    size_t cols = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    std::string line;
    size_t glyphs = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80 && ++glyphs > cols - 1) break;  // count code points, not bytes
        line.push_back(text[i]);
    }
    m_err << "\r\033[K" << line << std::flush;
    m_progress = line;
}

namespace {

// Worth waiting for: a file that settles by itself (its retry time comes), or a
// temporary name / a file held open that is still changing (a copy at work).
// One that stopped changing is left for the next run, reported.
bool still_being_written(const intake::WaitingEntry& w, std::chrono::milliseconds stable) {
    if (w.kind == "settling") return true;
    return (w.kind == "writing" || w.kind == "temporary") && w.changed_ago <= stable + std::chrono::seconds(1);
}

std::string decimal_sv(double v) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << v;
    auto t = o.str();
    for (auto& c : t)
        if (c == '.') c = ',';
    return t;
}

}  // namespace

size_t Runner::look(report::Summary& s, std::vector<intake::WaitingEntry>* out) const {
    intake::Inbox inbox(m_opt.folders);
    std::vector<intake::SkippedEntry> skipped;
    std::vector<intake::WaitingEntry> waiting;
    auto ready = inbox.ready(m_clock, m_opt.ready, &skipped, &waiting);
    for (auto& k : skipped) s.add_skipped({k.name, k.kind, k.note});
    s.inbox_waiting.clear();
    for (auto& w : waiting) {
        // retry_at is a wall-clock (file-time) instant: as UTC text for the report.
        std::string at;
        if (w.retry_at)
            at = core::format_utc(core::TimePoint(
                std::chrono::duration_cast<core::TimePoint::duration>(w.retry_at->time_since_epoch())));
        s.inbox_waiting.push_back({w.name, w.kind, w.note, at});
    }
    if (out) *out = std::move(waiting);
    return ready.size();
}

void Runner::emit(const CommittedFile& f, report::Summary& s, const std::string& file_note, const StageTimes* times) {
    clear_progress();  // result lines never glued to the progress line; it is drawn again below them
    report::Summary lines;  // this file's review and rejected items: to the journal, not kept in memory
    ++s.files;
    if (f.duplicate) {
        ++s.outcomes["duplicate"];
        ++s.reasons["duplicate_file"];
        ++s.documents;
    }
    for (auto& form : f.forms) {
        ++s.documents;
        ++s.outcomes[std::string(core::to_string(form.outcome))];
        for (auto& r : form.reasons) ++s.reasons[r];
        if (form.outcome == core::Outcome::review) lines.review.push_back({form.document_id, f.file_name, form.reasons});
    }
    if (f.rejected_file || f.duplicate) {
        report::RejectedItem r{f.file_name, f.stored_path.string(), {}, file_note};
        for (auto& form : f.forms) r.reasons.insert(r.reasons.end(), form.reasons.begin(), form.reasons.end());
        if (f.duplicate) r.reasons.push_back("duplicate_file");
        lines.rejected.push_back(std::move(r));
    }
    journal(s, std::move(lines));
    auto print_one = [&](const CommittedForm* form) {
        if (m_opt.json) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("file", f.file_name);
            o.set("sha256", f.sha256);
            o.set("page", form && form->page ? Poco::Dynamic::Var(*form->page) : Poco::Dynamic::Var());
            o.set("outcome", form ? std::string(core::to_string(form->outcome)) : std::string("duplicate"));
            Poco::JSON::Array reasons;
            if (form) for (auto& r : form->reasons) reasons.add(r);
            else reasons.add("duplicate_file");
            o.set("reasons", reasons);
            Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER), conf(Poco::JSON_PRESERVE_KEY_ORDER);
            if (form) {
                for (auto& [k, v] : form->fields) fields.set(k, v);
                for (auto& [k, v] : form->confidence) conf.set(k, v);
            }
            o.set("fields", fields);
            o.set("confidence", conf);
            o.set("linkage_id", form && form->linkage_id ? Poco::Dynamic::Var(*form->linkage_id) : Poco::Dynamic::Var());
            o.set("document_id", form ? Poco::Dynamic::Var(form->document_id) : Poco::Dynamic::Var());
            if (times) {
                // Per file (a stack's forms share their file's figures); for benchmarks and logs.
                Poco::JSON::Object t(Poco::JSON_PRESERVE_KEY_ORDER);
                t.set("decode", times->decode_ms);
                t.set("align", times->align_ms);
                t.set("read", times->read_ms);
                t.set("validate", times->validate_ms);
                t.set("total", times->total_ms);
                o.set("timing_ms", t);
            }
            o.stringify(m_out);
            m_out << '\n';
        } else {
            m_out << std::left << std::setw(10) << (form ? core::to_string(form->outcome) : "duplicate") << ' '
                  << f.file_name;
            if (form && form->page && f.forms.size() > 1) m_out << " (page " << *form->page << ")";
            if (form && !form->reasons.empty()) {
                m_out << "  [";
                for (size_t i = 0; i < form->reasons.size(); ++i) m_out << (i ? ", " : "") << form->reasons[i];
                m_out << "]";
            }
            if (form && form->linkage_id) m_out << "  linkage #" << *form->linkage_id;
            m_out << '\n';
        }
    };
    if (f.duplicate) print_one(nullptr);
    for (auto& form : f.forms) print_one(&form);
    m_out.flush();
}

void Runner::pass(report::Summary& s, const std::atomic<bool>* stop) {
    s.waiting = 0;  // counted afresh by each pass
    auto conn = store::open_store(m_opt.store);
    Writer writer(*conn, m_clock, m_opt.home, m_opt.crops);
    intake::Inbox inbox(m_opt.folders);
    inbox.remove_stale_temp_files();
    std::deque<intake::Claimed> todo;
    for (auto& c : inbox.leftovers()) todo.push_back(std::move(c));
    std::deque<fs::path> ready;
    std::vector<intake::SkippedEntry> skipped;  // links, folders, unfinished copies …: left alone, reported
    for (auto& p : inbox.ready(m_clock, m_opt.ready, &skipped)) ready.push_back(std::move(p));
    for (auto& k : skipped) s.add_skipped({k.name, k.kind, k.note});
    const size_t total = todo.size() + ready.size();
    if (total == 0) return;

    auto t0 = std::chrono::steady_clock::now();
    auto finish = [&](const intake::Claimed& c, CommittedFile& f, const std::string& detail,
                      const StageTimes* times = nullptr, const std::string& dup_note = {}) {
        const std::string now = core::format_utc(m_clock.now());
        if (f.duplicate) {
            f.stored_path = inbox.reject(c, sidecar(f, detail, now, dup_note));
            try {  // counted by the metrics, listed on the task page (issue 17)
                store::DocumentHistory(*conn).record_duplicate(f.sha256, f.file_name, f.stored_path.string(), now);
            } catch (const store::StoreError& e) {
                m_err << "linkage: cannot record the duplicate " << f.file_name << " in the store: " << e.what() << "\n";
            }
        }
        else if (f.rejected_file) inbox.reject(c, sidecar(f, detail, now));
        else inbox.archive(c);
        std::string note;
        if (f.duplicate) note = dup_note.empty() ? core::reason_text_sv("duplicate_file") : dup_note;
        else if (!f.forms.empty() && !f.forms.front().reasons.empty())
            note = core::file_note_sv(f.forms.front().reasons.front(), detail);
        emit(f, s, note, times);
    };

    std::unique_ptr<Executor> pool;
    auto make_analyser = [this] {
        return std::make_unique<Analyser>(m_template, m_rules, m_clock, ocr::make_tesseract_engine(),
                                          store::make_registry_view(store::open_store(m_opt.store), m_clock),
                                          m_opt.analysis);
    };
    size_t in_flight = 0, done = 0;
    // Results are committed in claim order (oldest file first), whatever order the
    // workers finish in: the output and "which copy is the duplicate" are deterministic.
    std::uint64_t next_seq = 0, next_commit = 0;
    std::map<std::uint64_t, Done> finished;
    const size_t max_in_flight = static_cast<size_t>(m_opt.workers) * 2;
    std::map<std::uint64_t, std::string> names_in_flight;  // seq → file name, for the progress line
    auto progress = [&] {
        if (!m_tty) return;
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double rate = secs > 0 ? done / secs : 0;
        std::ostringstream line;
        line << done << "/" << total << " filer";
        if (done > 0) line << "  " << decimal_sv(rate) << " filer/s";
        if (rate > 0 && done < total) line << "  ca " << static_cast<int>((total - done) / rate + 0.5) << " s kvar";
        if (!names_in_flight.empty()) line << "  pågår: " << names_in_flight.begin()->second;
        draw_progress(line.str());
    };
    auto next_claim = [&]() -> std::optional<intake::Claimed> {
        while (!todo.empty() || !ready.empty()) {
            if (!todo.empty()) {
                auto c = std::move(todo.front());
                todo.pop_front();
                return c;
            }
            auto p = std::move(ready.front());
            ready.pop_front();
            intake::SkippedEntry failure;
            if (auto c = inbox.claim(p, &failure)) return c;
            if (!failure.kind.empty()) s.add_skipped({failure.name, failure.kind, failure.note});
            ++done;  // vanished (another process took it), or left in the inbox and reported
        }
        return std::nullopt;
    };
    for (;;) {
        while (in_flight < max_in_flight && !(stop && *stop)) {
            auto c = next_claim();
            if (!c) break;
            // Resumed or duplicate: the store already knows this checksum.
            if (auto committed = writer.already_committed(*c)) {
                bool resumed = c->work_path.filename().string().find("--") == 64 &&
                               committed->stored_path.filename().string().rfind(c->sha256, 0) == 0 &&
                               !fs::exists(m_opt.home / committed->stored_path);
                if (resumed) {
                    finish(*c, *committed, "resumed after an interrupted run");
                } else {
                    CommittedFile dup;
                    dup.sha256 = c->sha256;
                    dup.file_name = c->original_name;
                    dup.duplicate = true;
                    std::string processed_at;
                    if (auto in = store::DocumentRepo(*conn).input(c->sha256)) processed_at = in->processed_at;
                    finish(*c, dup,
                           std::string("the same bytes were processed before (") + committed->file_name +
                               (committed->rejected_file ? ", rejected: " : ", archived: ") +
                               committed->stored_path.string() + ")",
                           nullptr, duplicate_note(*committed, processed_at));
                }
                ++done;
                continue;
            }
            if (!pool) {
                if (m_opt.worker.command.empty())
                    pool = std::make_unique<ThreadPool>(m_opt.workers, make_analyser, m_opt.home, m_opt.crops);
                else
                    pool = make_process_pool(m_opt.workers, m_opt.worker);
            }
            names_in_flight[next_seq] = c->original_name;
            pool->submit({next_seq++, std::move(*c), 0});
            ++in_flight;
        }
        if (in_flight == 0) break;
        progress();
        while (!finished.count(next_commit)) {
            Done x = pool->next();
            finished.emplace(x.seq, std::move(x));
        }
        Done d = std::move(finished.at(next_commit));
        names_in_flight.erase(next_commit);
        finished.erase(next_commit++);
        --in_flight;
        if (left_in_work(d, s)) {
            ++done;
            continue;
        }
        s.decode_ms += d.analysis.times.decode_ms;
        s.align_ms += d.analysis.times.align_ms;
        s.read_ms += d.analysis.times.read_ms;
        s.validate_ms += d.analysis.times.validate_ms;
        s.analyse_ms += d.analysis.times.total_ms;
        for (auto& ig : d.analysis.ignored) (void)ig, ++s.ignored_pages;
        std::string detail = d.analysis.file_detail;
        if (!inbox.unchanged(d.claimed)) {  // written to since its claim: nothing committed, back to the inbox
            auto k = inbox.put_back(d.claimed);
            s.add_skipped({k.name, k.kind, k.note});
            ++done;
            continue;
        }
        CommittedFile f = writer.commit(d.claimed, d.analysis, inbox, std::nullopt);
        finish(d.claimed, f, detail, &d.analysis.times);
        ++done;
        progress();
    }
    clear_progress();
}

bool Runner::left_in_work(const PoolDone& d, report::Summary& s) {
    if (!d.analysis.store_error.empty())
        throw store::StoreError(d.analysis.store_error + " (while analysing " + d.claimed.original_name + ")");
    if (d.analysis.evidence_error.empty()) return false;
    ++s.waiting;
    clear_progress();
    m_err << "linkage: evidence for " << d.claimed.original_name << " could not be written to "
          << m_opt.crops.string() << " (" << d.analysis.evidence_error
          << "); free space on that file system; the file stays in " << m_opt.folders.work.string()
          << " and is retried\n"
          << std::flush;
    return true;
}

void Runner::open_journal(report::Summary& s) {
    const auto mine = report::ReportJournal::file_for(m_opt.reports, s.kind, s.started_at);
    for (auto& j : report::find_journals(m_opt.reports)) {
        if (s.kind == "watch" && j == mine) continue;  // today's: continued below
        try {
            auto r = report::write_report_from_journal(j, "", m_opt.reports, m_opt.templates, &m_opt.store);
            m_err << "linkage: wrote the report of an interrupted " << r.kind << " run (started " << r.started_at
                  << ", " << r.files << " file(s)) from " << j.string() << "\n";
        } catch (const std::exception& e) {
            m_err << "linkage: cannot write the report of an interrupted run from " << j.string() << ": " << e.what()
                  << "; the journal is kept and tried again by the next run\n";
        }
    }
    if (s.kind == "watch" && std::filesystem::exists(mine))
        if (auto r = report::replay_journal(mine)) {
            // A watcher killed earlier today: its lines stay in today's report, counted on.
            const std::string kind = s.kind;
            s = std::move(*r);
            s.kind = kind;
            s.review.clear();
            s.rejected.clear();
            m_err << "linkage: continuing today's report (" << s.files << " file(s) so far) in " << mine.string()
                  << "\n";
        }
    m_journal = std::make_unique<report::ReportJournal>(m_opt.reports, s.kind, s.started_at);
    m_journaled = s;
    m_unjournaled = report::Summary{};
    m_journal_failing = false;
}

void Runner::journal(const report::Summary& s, report::Summary lines) {
    if (!m_journal) return;
    report::Summary gained = s.counts_since(m_journaled);
    for (auto& r : lines.review) m_unjournaled.review.push_back(std::move(r));
    for (auto& r : lines.rejected) m_unjournaled.rejected.push_back(std::move(r));
    gained.review = m_unjournaled.review;
    gained.rejected = m_unjournaled.rejected;
    std::string err = m_journal->add(gained, core::format_utc(m_clock.now()));
    if (!err.empty()) {
        // The documents are in the store regardless; the report lines are kept
        // in memory and written with the next line that succeeds.
        if (!m_journal_failing)
            m_err << "linkage: cannot append to the report journal " << m_journal->path().string() << ": " << err
                  << "; free space on that file system (the lines are kept and written once it has room)\n";
        m_journal_failing = true;
        return;
    }
    if (m_journal_failing) m_err << "linkage: the report journal " << m_journal->path().string() << " is written again\n";
    m_journal_failing = false;
    m_journaled = s;
    m_unjournaled = report::Summary{};
}

report::Summary Runner::close_journal(const std::string& finished_at) {
    if (!m_journal) return {};
    const auto path = m_journal->path();
    m_journal.reset();
    return report::write_report_from_journal(path, finished_at, m_opt.reports, m_opt.templates, &m_opt.store);
}

report::Summary Runner::run_once() {
    report::Summary s;
    s.started_at = core::format_utc(m_clock.now());
    open_journal(s);
    auto t0 = std::chrono::steady_clock::now();
    try {
        pass(s, nullptr);
        // Files copied into the inbox a moment before this run: wait for them to settle
        // (bounded) instead of leaving them for the next run in silence.
        const auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(m_opt.ready.stable + k_settle_margin);
        const auto step = std::chrono::milliseconds(250);
        std::chrono::milliseconds waited{0};
        std::set<std::string> passed;  // ready files a pass was run for (one that cannot be claimed is not retried)
        for (;;) {
            std::vector<intake::WaitingEntry> w;
            intake::Inbox inbox(m_opt.folders);
            bool fresh = false;
            for (auto& p : inbox.ready(m_clock, m_opt.ready, nullptr, &w)) fresh |= passed.insert(p.string()).second;
            if (fresh) {
                pass(s, nullptr);
                continue;
            }
            std::vector<std::string> writing;
            for (auto& e : w)
                if (still_being_written(e, std::chrono::duration_cast<std::chrono::milliseconds>(m_opt.ready.stable)))
                    writing.push_back(e.name);
            if (writing.empty() || waited >= budget) break;
            if (waited.count() == 0)
                core::process_logger().info("batch.settle_wait").kv("files", static_cast<std::int64_t>(writing.size()))
                    .kv("first", writing.front()).kv("max_seconds", static_cast<std::int64_t>(budget.count() / 1000));
            std::ostringstream line;
            line << "väntar högst " << (budget - waited).count() / 1000 << " s till på " << writing.size()
                 << " fil(er) som fortfarande skrivs: " << writing.front();
            if (writing.size() > 1) line << " m.fl.";
            draw_progress(line.str());
            std::this_thread::sleep_for(step);
            waited += step;
        }
        clear_progress();
        look(s);
    } catch (const store::StoreError& e) {
        throw store::StoreError(std::string(e.what()) + " — store " + m_opt.store.url +
                                "; files not yet committed stay in " + m_opt.folders.work.string() +
                                " and the next batch resumes them (check the store's free space and that no "
                                "other process holds it locked)");
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    journal(s, {});
    report::Summary done = close_journal(core::format_utc(m_clock.now()));
    if (m_opt.after_pass) m_opt.after_pass({"batch", done.files, {}});
    return done;
}

void Runner::watch(const std::atomic<bool>& stop) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd >= 0) inotify_add_watch(fd, m_opt.folders.inbox.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
    report::Summary day;
    day.kind = "watch";
    day.started_at = core::format_utc(m_clock.now());
    open_journal(day);
    auto day_of = [](const std::string& ts) { return ts.substr(0, 10); };
    m_err << "watching " << m_opt.folders.inbox.string() << " (stop with SIGTERM or Ctrl-C)\n";
    std::chrono::seconds backoff{0};
    const std::chrono::seconds first_backoff{2}, max_backoff{60};
    while (!stop) {
        auto t0 = std::chrono::steady_clock::now();
        std::string store_failure;
        try {
            pass(day, &stop);
            look(day);  // what is still in the inbox after this pass
        } catch (const store::StoreError& e) {
            store_failure = e.what();
        }
        day.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!day.only_seconds_since(m_journaled)) journal(day, {});
        if (m_opt.after_pass) m_opt.after_pass({"watch", day.files, store_failure});
        std::string now = core::format_utc(m_clock.now());
        if (day_of(now) != day_of(day.started_at)) {
            journal(day, {});
            try {
                close_journal(now);
            } catch (const std::exception& e) {
                m_err << "linkage: cannot write the report of " << day_of(day.started_at) << ": " << e.what()
                      << "; its journal is kept and written by the next start of batch or watch\n";
            }
            day = report::Summary{};
            day.kind = "watch";
            day.started_at = now;
            open_journal(day);
        }
        // A failed pass is retried after a back-off, not at once and not never.
        auto wait = m_opt.watch_interval;
        if (!store_failure.empty() || day.waiting > 0) {
            backoff = backoff.count() == 0 ? first_backoff : std::min(backoff * 2, max_backoff);
            wait = backoff;
            if (!store_failure.empty())
                m_err << "linkage: the pass stopped: " << store_failure << " — store " << m_opt.store.url
                      << "; files not yet committed stay in " << m_opt.folders.work.string() << " and are retried in "
                      << backoff.count()
                      << " s; check the store's free space and that no other process holds it locked\n";
            else
                m_err << "linkage: " << day.waiting << " file(s) wait in " << m_opt.folders.work.string()
                      << " for space for their evidence; retrying in " << backoff.count() << " s\n";
            m_err.flush();
        } else {
            backoff = std::chrono::seconds{0};
        }
        // Wake on a new file, or after the interval (safety net: a periodic rescan);
        // a back-off is waited out whole (cut short only by stop).
        pollfd p{fd, POLLIN, 0};
        const auto until = std::chrono::steady_clock::now() + wait;
        while (!stop && std::chrono::steady_clock::now() < until) {
            if (fd >= 0 && poll(&p, 1, 200) > 0) {
                char buf[4096];
                while (read(fd, buf, sizeof buf) > 0) {}
                // Let the writer finish: the stability check decides when it is complete.
                if (backoff.count() == 0) break;
            } else if (fd < 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        }
    }
    if (fd >= 0) close(fd);
    journal(day, {});
    close_journal(core::format_utc(m_clock.now()));
}

}  // namespace batch
