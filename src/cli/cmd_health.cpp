// `linkage health` and `linkage metrics`: the same checks and numbers that
// GET /healthz and GET /metrics serve, for operators, monitoring scripts and
// node_exporter's textfile collector (no server needed). `health --deep`
// adds PRAGMA quick_check (reads the whole store: slow on a large one).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "obs/health.hpp"
#include "obs/liveness.hpp"
#include "obs/metrics.hpp"
#include "obs/store_metrics.hpp"

#include <ostream>

namespace cli {

int cmd_health(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json", "require-watch", "deep"});
    if (!args.positionals().empty()) throw UsageError("usage: linkage health [--json] [--require-watch] [--deep]");
    auto targets = obs::health_targets(ctx.settings());
    // health.require_watch makes every probe require the watcher; the flag adds it for one.
    targets.require_pipeline = targets.require_pipeline || args.flag("require-watch");
    targets.deep = args.flag("deep");
    auto report = obs::check_health(targets);
    ctx.out << (args.flag("json") ? report.json() + "\n" : report.text());
    return report.ok() ? k_exit_ok : k_exit_store;
}

int cmd_metrics(Context& ctx, const std::vector<std::string>& argv) {
    std::vector<std::string> rest;
    for (auto& a : argv) rest.push_back(a == "-o" ? "--out" : a);
    Args args(rest, {"out"}, {});
    if (!args.positionals().empty()) throw UsageError("usage: linkage metrics [-o FILE]");
    obs::Registry registry;
    obs::collect_store_metrics(registry, ctx.store());
    auto targets = obs::health_targets(ctx.settings());
    obs::collect_liveness_metrics(registry, ctx.store(), targets.inbox, ctx.clock().now());
    auto health = obs::check_health(targets);
    registry.gauge("linkage_health_ok", "1 when every health check passed (linkage health)").set(health.ok() ? 1 : 0);
    std::string text = registry.render();
    if (auto out = args.value("out")) {
        obs::write_textfile(text, *out);
        return k_exit_ok;
    }
    ctx.out << text;
    return k_exit_ok;
}

}  // namespace cli
