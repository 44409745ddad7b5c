#include "report/report_journal.hpp"
#include "report/summary.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

namespace cli {

namespace {

// The newest journal, if newer than the newest report: a run still going, or
// one killed before it wrote its report (the next batch or watch writes it).
std::optional<std::filesystem::path> newer_journal(const std::filesystem::path& reports,
                                                   const std::optional<std::filesystem::path>& latest) {
    std::optional<std::filesystem::path> best;
    std::filesystem::file_time_type best_time{};
    std::error_code ec;
    for (auto& j : report::find_journals(reports)) {
        auto t = std::filesystem::last_write_time(j, ec);
        if (!ec && (!best || t > best_time)) best = j, best_time = t;
    }
    if (best && latest) {
        auto t = std::filesystem::last_write_time(*latest, ec);
        if (!ec && t >= best_time) return std::nullopt;
    }
    return best;
}

}  // namespace

int cmd_report(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {"open", "json"});
    const auto reports = ctx.settings().get_path("paths.reports");
    auto latest = report::latest_report(reports);
    auto journal = newer_journal(reports, latest);
    if (!latest && (!journal || args.flag("open"))) {
        ctx.err << "linkage: no report yet in " << reports.string() << ": run linkage batch first\n";
        return k_exit_refused;
    }
    if (args.flag("open")) {  // the readable report: only a finished one has it
        auto html = std::filesystem::path(*latest).replace_extension(".html");
        ctx.out << (std::filesystem::exists(html) ? html : *latest).string() << '\n';
        // stdout stays the path alone (for xdg-open "$(linkage report --open)"); the page is named on stderr.
        std::string base = ctx.settings().get("server.base_url");
        while (!base.empty() && base.back() == '/') base.pop_back();
        ctx.err << "Rapporten i webbläsaren (med länkar till dokumenten): " << base
                << "/review/tasks/report (logga in som handläggare; linkage serve måste vara igång)\n";
        return k_exit_ok;
    }
    report::Summary s;
    if (journal) {
        auto r = report::replay_journal(*journal);
        if (!r) {
            ctx.err << "linkage: cannot read the report journal " << journal->string()
                    << ": check its permissions\n";
            return k_exit_input;
        }
        s = std::move(*r);
    } else {
        std::ifstream in(*latest);
        std::ostringstream text;
        text << in.rdbuf();
        if (args.flag("json")) {
            ctx.out << text.str();
            return k_exit_ok;
        }
        s = report::Summary::from_json(text.str());
    }
    if (args.flag("json")) {
        ctx.out << s.to_json() << '\n';
        return k_exit_ok;
    }
    if (journal)
        ctx.out << "latest report: " << journal->string() << " (not final: a run in progress, or one stopped before "
                << "it wrote its report — the next batch or watch writes it; last line "
                << core::stockholm_time(s.finished_at) << " Swedish time)\n";
    else
        ctx.out << "latest report: " << latest->string() << " (started " << core::stockholm_time(s.started_at)
                << ", finished " << core::stockholm_time(s.finished_at) << " Swedish time)\n";
    s.print(ctx.out);
    return k_exit_ok;
}

}  // namespace cli
