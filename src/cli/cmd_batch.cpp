#include "batch/runner.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/form_template.hpp"
#include "core/log.hpp"
#include "obs/liveness.hpp"


#include <algorithm>
#include <atomic>
#include <csignal>
#include <ostream>

namespace cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

}  // namespace

batch::RunOptions make_run_options(Context& ctx) {
    auto& s = ctx.settings();
    batch::RunOptions o;
    o.home = ctx.home();
    o.folders = {s.get_path("paths.inbox"), s.get_path("paths.work"), s.get_path("paths.archive"),
                 s.get_path("paths.rejected")};
    o.crops = s.get_path("paths.crops");
    o.reports = s.get_path("paths.reports");
    o.templates = ctx.share_dir() / "templates";
    o.store = ctx.store_config();
    o.workers = s.get_int("batch.workers");
    o.ready.stable = std::chrono::seconds(s.get_int("batch.stable_seconds"));
    o.ready.give_up = std::chrono::seconds(s.get_int("batch.incomplete_give_up_seconds"));
    o.analysis.limits.max_bytes = static_cast<std::size_t>(s.get_int("limits.max_file_mb")) << 20;
    o.analysis.limits.max_pages = s.get_int("limits.max_pages");
    o.analysis.limits.max_megapixels = s.get_int("limits.max_megapixels");
    o.analysis.limits.max_pdf_objects = static_cast<std::size_t>(s.get_int("limits.max_pdf_objects"));
    o.analysis.thresholds.min_confidence = s.get_double("thresholds.min_confidence");
    o.analysis.thresholds.min_confidence_checked = s.get_double("thresholds.min_confidence_checked");
    o.analysis.thresholds.min_confidence_confirmed = s.get_double("thresholds.min_confidence_confirmed");
    o.analysis.thresholds.max_form_age_days = s.get_int("thresholds.max_form_age_days");
    o.analysis.read.min_ink_percent = s.get_double("thresholds.min_ink_percent");
    o.analysis.decide.max_residual_mm = s.get_double("thresholds.max_residual_mm");
    // Each file is analysed in a worker process of this same program (worker_pool.hpp).
    o.worker.command = {"/proc/self/exe", "--home", ctx.home().string()};
    if (s.file()) {
        o.worker.command.push_back("--config");
        o.worker.command.push_back(s.file()->string());
    }
    o.worker.command.push_back("worker");
    o.worker.time_limit = std::chrono::seconds(s.get_int("limits.max_seconds_per_file"));
    return o;
}

int run_batch_or_watch(Context& ctx, const std::vector<std::string>& argv, bool watch) {
    Args args(argv, {"workers"}, {"json", "no-progress"});
    auto opts = make_run_options(ctx);
    if (auto w = args.value("workers")) {
        try {
            opts.workers = std::stoi(*w);
        } catch (const std::exception&) {
            throw UsageError("--workers takes a whole number");
        }
    }
    opts.json = args.flag("json");
    opts.progress = !args.flag("no-progress");
    // The folders exist (main checked them; only init creates them).
    ctx.store();  // opens and migrates before any file is claimed
    HomeLock lock(ctx.home());
    if (!lock.held()) {
        ctx.err << "linkage: another batch or watch holds the lock on " << ctx.home().string()
                << "; this run does nothing and exits\n";
        return k_exit_locked;
    }
    auto tmpl = core::FormTemplate::load(core::template_path(ctx.share_dir() / "templates", 1));
    // Liveness (issue 19): the heartbeat row, beating a third of health.watch_stale_seconds apart.
    const auto stale_ms = 1000 * ctx.settings().get_int("health.watch_stale_seconds", 1, 86400);
    obs::HeartbeatWriter heartbeat(opts.store, watch ? "watch" : "batch", opts.folders.inbox, ctx.clock(),
                                   std::chrono::milliseconds(std::clamp(stale_ms / 3, 500, 15000)),
                                   core::process_logger());
    opts.after_pass = [&heartbeat](const batch::PassInfo& p) { heartbeat.after_pass(p.files, p.error); };
    batch::Runner runner(opts, tmpl, ctx.rules(), ctx.clock(), ctx.out, ctx.err);
    if (watch) {
        std::signal(SIGTERM, on_signal);
        std::signal(SIGINT, on_signal);
        try {
            runner.watch(g_stop);
        } catch (const std::exception& e) {
            heartbeat.after_pass(0, e.what());
            throw;
        }
        return k_exit_ok;
    }
    report::Summary summary;
    try {
        summary = runner.run_once();
    } catch (const std::exception& e) {
        heartbeat.after_pass(0, e.what());
        throw;
    }
    summary.print(ctx.err);
    return k_exit_ok;
}

int cmd_batch(Context& ctx, const std::vector<std::string>& argv) { return run_batch_or_watch(ctx, argv, false); }
int cmd_watch(Context& ctx, const std::vector<std::string>& argv) { return run_batch_or_watch(ctx, argv, true); }

}  // namespace cli
