// `linkage show ID`: the whole story of one linkage (issue 7), from its
// events, evidence, mails and paper-form documents (activation::linkage_history).
#include "activation/activation_json.hpp"
#include "activation/history.hpp"
#include "core/local_time.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "store/assignment_repo.hpp"

#include <ostream>

namespace cli {

int cmd_show(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json"});
    if (args.positionals().size() != 1) throw UsageError("usage: linkage show ID [--json]");
    store::Id id = 0;
    try {
        std::size_t used = 0;
        id = std::stoll(args.positionals()[0], &used);
        if (used != args.positionals()[0].size() || id <= 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
        throw UsageError("'" + args.positionals()[0] + "' is not a linkage id (see 'linkage linkages')");
    }
    auto h = activation::linkage_history(ctx.store(), ctx.clock(), ctx.rules(), id);
    if (!h) {
        ctx.err << "linkage: no linkage " << id << " (see 'linkage linkages')\n";
        return k_exit_refused;
    }
    if (args.flag("json")) {
        ctx.out << activation::history_json(*h) << '\n';
        return k_exit_ok;
    }
    const auto& l = h->linkage;
    ctx.out << "linkage " << l.id << ": " << l.bureau_name << " (" << l.bureau_orgnr << ") → " << l.client_name << " ("
            << l.client_orgnr << ")\n";
    ctx.out << "state " << core::to_string(l.state) << ", source " << core::to_string(l.source);
    if (l.reference_code) ctx.out << ", reference " << *l.reference_code;
    ctx.out << '\n';
    for (auto& a : store::AssignmentRepo(ctx.store(), ctx.clock()).live(l.id)) {
        ctx.out << "consultant " << a.username << ": ";
        for (std::size_t i = 0; i < a.permissions.size(); ++i) ctx.out << (i ? "," : "") << a.permissions[i];
        ctx.out << '\n';
    }
    ctx.out << "history (Swedish local time):\n";
    for (auto& line : h->lines) ctx.out << "  " << core::stockholm_time(line.at) << "  " << line.text << '\n';
    return k_exit_ok;
}

}  // namespace cli
