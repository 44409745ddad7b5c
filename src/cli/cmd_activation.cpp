// `linkage activation-list | activate | permissions | client-list | revoke`:
// the bureau's side after approval (issue 7), over activation::Activation —
// the same use cases the web pages and API call. The operator acts for the
// bureau the linkage belongs to; --bureau, when given, must match it.
#include "activation/activation.hpp"
#include "activation/activation_json.hpp"
#include "core/local_time.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/org_number.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

#include <iomanip>
#include <ostream>

namespace cli {

namespace {

std::optional<store::Bureau> bureau_arg(Context& ctx, const Args& args, bool required) {
    auto b = args.value("bureau");
    if (!b) {
        if (required) throw UsageError("--bureau ORGNR is required");
        return std::nullopt;
    }
    auto on = core::OrgNumber::parse(*b);
    if (!on) throw UsageError("--bureau " + *b + ": " + on.error().message);
    auto bureau = store::RegistryRepo(ctx.store(), ctx.clock()).bureau_by_orgnr(on->canonical());
    if (!bureau) throw UsageError("--bureau " + *b + ": no such bureau in the registry (see 'linkage registry list')");
    return bureau;
}

store::Id linkage_id_arg(const Args& args, const char* usage) {
    if (args.positionals().size() != 1) throw UsageError(usage);
    const std::string& s = args.positionals()[0];
    try {
        std::size_t used = 0;
        auto v = std::stoll(s, &used);
        if (used == s.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw UsageError("'" + s + "' is not a linkage id (see 'linkage linkages')");
}

// USER=perm1,perm2 → Grant.
std::vector<activation::Grant> grants_arg(const Args& args) {
    std::vector<activation::Grant> out;
    for (auto& v : args.values("consultant")) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("--consultant " + v + ": write USERNAME=PERMISSION[,PERMISSION…]");
        activation::Grant g{v.substr(0, eq), {}};
        std::string rest = v.substr(eq + 1);
        std::size_t i = 0;
        while (i <= rest.size()) {
            auto comma = rest.find(',', i);
            if (comma == std::string::npos) comma = rest.size();
            if (comma > i) g.permissions.push_back(rest.substr(i, comma - i));
            i = comma + 1;
        }
        out.push_back(std::move(g));
    }
    return out;
}

// The bureau the command acts for: --bureau, else the linkage's own.
std::optional<store::Id> acting_bureau(Context& ctx, const Args& args, store::Id linkage_id) {
    if (auto b = bureau_arg(ctx, args, false)) return b->id;
    auto l = store::LinkageRepo(ctx.store(), ctx.clock()).get(linkage_id);
    if (!l) return std::nullopt;
    return l->bureau_id;
}

int refused(Context& ctx, const activation::Problem& p) {
    ctx.err << "linkage: " << p.code << ": " << p.message << '\n';
    return k_exit_refused;
}

void print_entry(Context& ctx, const activation::ClientEntry& e) {
    ctx.out << "  #" << std::left << std::setw(5) << e.linkage.id << e.linkage.client_name << " ("
            << e.linkage.client_orgnr << "), activated " << core::stockholm_time(e.linkage.activated_at.value_or("-")) << " by "
            << e.linkage.activated_by.value_or("-") << '\n';
    for (auto& a : e.consultants) {
        ctx.out << "         " << a.username << ": ";
        for (std::size_t i = 0; i < a.permissions.size(); ++i) ctx.out << (i ? "," : "") << a.permissions[i];
        ctx.out << '\n';
    }
}

}  // namespace

int cmd_activation_list(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau"}, {"json"});
    auto bureau = bureau_arg(ctx, args, true);
    auto list = activation::Activation(ctx.store(), ctx.clock(), ctx.rules()).activation_list(bureau->id);
    if (args.flag("json")) {
        ctx.out << activation::activation_list_json(list) << '\n';
        return k_exit_ok;
    }
    ctx.out << list.size() << " approved linkage(s) of " << bureau->name << " wait for activation\n";
    for (auto& l : list)
        ctx.out << "  #" << std::left << std::setw(5) << l.id << std::setw(34) << l.client_name << " "
                << l.client_orgnr << "  source " << core::to_string(l.source) << ", approved "
                << core::stockholm_time(l.decided_at.value_or("-")) << " via " << l.approved_via.value_or("-") << " by "
                << l.decided_by.value_or("-") << '\n';
    return k_exit_ok;
}

int cmd_activate(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau"}, {"json"}, {"consultant"});
    const auto id = linkage_id_arg(args, "usage: linkage activate ID --consultant USER=PERM[,PERM…] ...");
    auto bureau = acting_bureau(ctx, args, id);
    activation::Activation act(ctx.store(), ctx.clock(), ctx.rules());
    auto r = bureau ? act.activate(*bureau, id, grants_arg(args), ctx.actor())
                    : std::unexpected(activation::Problem{activation::Refusal::not_found, "not_found",
                                                          "Kopplingen finns inte."});
    if (!r) return refused(ctx, r.error());
    if (args.flag("json")) {
        ctx.out << activation::client_entry_json(*r) << '\n';
        return k_exit_ok;
    }
    ctx.out << "activated:\n";
    print_entry(ctx, *r);
    return k_exit_ok;
}

int cmd_permissions(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau"}, {"json"}, {"consultant"});
    const auto id = linkage_id_arg(args, "usage: linkage permissions ID --consultant USER=PERM[,PERM…] ...");
    auto bureau = acting_bureau(ctx, args, id);
    activation::Activation act(ctx.store(), ctx.clock(), ctx.rules());
    auto r = bureau ? act.change_permissions(*bureau, id, grants_arg(args), ctx.actor())
                    : std::unexpected(activation::Problem{activation::Refusal::not_found, "not_found",
                                                          "Kopplingen finns inte."});
    if (!r) return refused(ctx, r.error());
    ctx.out << "permissions now:\n";
    print_entry(ctx, *r);
    return k_exit_ok;
}

int cmd_client_list(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau"}, {"json"});
    auto bureau = bureau_arg(ctx, args, true);
    auto list = activation::Activation(ctx.store(), ctx.clock(), ctx.rules()).client_list(bureau->id);
    if (args.flag("json")) {
        ctx.out << activation::client_list_json(list) << '\n';
        return k_exit_ok;
    }
    ctx.out << list.size() << " activated client(s) of " << bureau->name << '\n';
    for (auto& e : list) print_entry(ctx, e);
    return k_exit_ok;
}

int cmd_revoke(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau", "client-admin", "reason"}, {});
    const auto id =
        linkage_id_arg(args, "usage: linkage revoke ID [--bureau ORGNR | --client-admin EMAIL] [--reason TEXT]");
    activation::Activation act(ctx.store(), ctx.clock(), ctx.rules());
    const std::string reason = args.value("reason").value_or("");
    std::expected<store::Linkage, activation::Problem> r;
    if (auto admin = args.value("client-admin")) {
        if (args.value("bureau")) throw UsageError("give either --bureau or --client-admin, not both");
        r = act.revoke_by_client_admin(id, *admin, reason);
    } else {
        auto bureau = acting_bureau(ctx, args, id);
        r = bureau ? act.revoke(*bureau, id, ctx.actor(), reason)
                   : std::unexpected(activation::Problem{activation::Refusal::not_found, "not_found",
                                                         "Kopplingen finns inte."});
    }
    if (!r) return refused(ctx, r.error());
    ctx.out << "linkage " << id << " (" << r->client_name << ") revoked\n";
    return k_exit_ok;
}

}  // namespace cli
