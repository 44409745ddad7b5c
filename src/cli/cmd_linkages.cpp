#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/org_number.hpp"
#include "store/linkage_repo.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iomanip>
#include <ostream>

namespace cli {

int cmd_linkages(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"bureau", "state"}, {"json"});
    store::LinkageFilter filter;
    if (auto b = args.value("bureau")) {
        auto on = core::OrgNumber::parse(*b);
        if (!on) throw UsageError("--bureau " + *b + ": " + on.error().message);
        auto bureau = store::RegistryRepo(ctx.store(), ctx.clock()).bureau_by_orgnr(on->canonical());
        if (!bureau) {
            ctx.err << "linkage: no bureau " << on->canonical() << " in the registry\n";
            return k_exit_refused;
        }
        filter.bureau_id = bureau->id;
    }
    if (auto s = args.value("state")) {
        filter.state = core::parse_linkage_state(*s);
        if (!filter.state)
            throw UsageError("--state " + *s + ": use requested, approved, activated, declined, expired or revoked");
    }
    auto list = store::LinkageRepo(ctx.store(), ctx.clock()).list(filter);
    if (args.flag("json")) {
        Poco::JSON::Array arr;
        for (auto& l : list) {
            Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
            o.set("id", l.id);
            o.set("bureau_orgnr", l.bureau_orgnr);
            o.set("bureau_name", l.bureau_name);
            o.set("client_orgnr", l.client_orgnr);
            o.set("client_name", l.client_name);
            o.set("state", std::string(core::to_string(l.state)));
            o.set("source", std::string(core::to_string(l.source)));
            o.set("created_at", l.created_at);
            o.set("decided_at", l.decided_at ? Poco::Dynamic::Var(*l.decided_at) : Poco::Dynamic::Var());
            o.set("decided_by", l.decided_by ? Poco::Dynamic::Var(*l.decided_by) : Poco::Dynamic::Var());
            arr.add(o);
        }
        arr.stringify(ctx.out);
        ctx.out << '\n';
        return k_exit_ok;
    }
    ctx.out << list.size() << " linkage(s)\n";
    for (auto& l : list)
        ctx.out << "  #" << std::left << std::setw(5) << l.id << std::setw(10) << core::to_string(l.state)
                << std::setw(8) << core::to_string(l.source) << l.bureau_name << " (" << l.bureau_orgnr << ") → "
                << l.client_name << " (" << l.client_orgnr << ")\n";
    return k_exit_ok;
}

}  // namespace cli
