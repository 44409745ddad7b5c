#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/log.hpp"
#include "registry/registry_import.hpp"
#include "store/registry_repo.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <fstream>
#include <ostream>
#include <sstream>

namespace cli {

// Imports a registry file; prints problems to err. Shared by `registry import` and `demo`.
int import_registry_file(Context& ctx, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        ctx.err << "linkage: cannot read registry file " << file.string() << ": check the path\n";
        return k_exit_input;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto data = registry::parse_registry(text.str(), ctx.rules().subscription);
    if (!data) {
        ctx.err << "linkage: registry file " << file.string() << " has " << data.error().size()
                << " problem(s); nothing was imported:\n";
        for (auto& p : data.error()) ctx.err << "  " << p.path << ": " << p.message << '\n';
        return k_exit_input;
    }
    // Look-alike bureau names: imported, but the operator is told (stderr and log).
    if (auto warnings = registry::registry_warnings(*data); !warnings.empty()) {
        core::Logger log(core::parse_log_level(ctx.settings().get("log.level")).value_or(core::LogLevel::info));
        for (auto& w : warnings) {
            ctx.err << "linkage: warning: registry file " << file.string() << ": " << w.path << ": " << w.message
                    << '\n';
            log.warning("registry.import.warning").kv("file", file.string()).kv("path", w.path).kv("message", w.message);
        }
    }
    store::RegistryRepo repo(ctx.store(), ctx.clock());
    try {
        auto sum = repo.apply(*data, ctx.actor());
        ctx.out << "registry imported from " << file.string() << ": " << data->bureaus.size() << " bureaus, "
                << data->clients.size() << " clients; " << sum.created << " created, " << sum.updated
                << " updated, " << sum.deactivated << " deactivated, " << sum.unchanged << " unchanged\n";
        if (sum.links_invalidated > 0)
            ctx.out << sum.links_invalidated << " pending approval link(s) no longer valid (administrator removed or "
                    << "demoted, or client/bureau now multi-company); " << sum.requests_ended
                    << " request(s) without a valid link ended (expired)\n";
    } catch (const store::ConstraintError& e) {
        ctx.err << "linkage: registry file " << file.string() << ": " << e.what() << '\n';
        return k_exit_input;
    }
    return k_exit_ok;
}

namespace {

int list_registry(Context& ctx, bool json) {
    store::RegistryRepo repo(ctx.store(), ctx.clock());
    if (json) {
        Poco::JSON::Object root;
        Poco::JSON::Array bureaus, clients;
        for (auto& b : repo.bureaus()) {
            Poco::JSON::Object o;
            o.set("orgnr", b.orgnr);
            o.set("name", b.name);
            o.set("product", b.product);
            o.set("multi_company", b.multi_company);
            Poco::JSON::Array users;
            for (auto& u : repo.bureau_users(b.id)) {
                Poco::JSON::Object uo;
                uo.set("username", u.username);
                uo.set("name", u.name);
                uo.set("email", u.email);
                uo.set("role", u.role);
                uo.set("active", u.active);
                users.add(uo);
            }
            o.set("users", users);
            bureaus.add(o);
        }
        for (auto& c : repo.clients()) {
            Poco::JSON::Object o;
            o.set("orgnr", c.orgnr);
            o.set("subscription", c.subscription);
            o.set("name", c.name);
            o.set("multi_company", c.multi_company);
            Poco::JSON::Array users;
            for (auto& u : repo.client_users(c.id)) {
                Poco::JSON::Object uo;
                uo.set("name", u.name);
                uo.set("email", u.email);
                uo.set("role", u.role);
                users.add(uo);
            }
            o.set("users", users);
            clients.add(o);
        }
        root.set("bureaus", bureaus);
        root.set("clients", clients);
        root.stringify(ctx.out);
        ctx.out << '\n';
        return k_exit_ok;
    }
    auto bureaus = repo.bureaus();
    ctx.out << "Bureaus (" << bureaus.size() << "):\n";
    for (auto& b : bureaus) {
        auto excluded = ctx.rules().exclusions.match(b.orgnr, b.name);
        ctx.out << "  " << b.orgnr << "  " << b.name << "  [" << b.product << (b.multi_company ? ", multi-company" : "")
                << (excluded ? ", paper form only" : "") << "]\n";
        for (auto& u : repo.bureau_users(b.id))
            ctx.out << "      " << u.username << "  " << u.name << " <" << u.email << ">  " << u.role
                    << (u.active ? "" : "  (inactive)") << '\n';
    }
    auto clients = repo.clients();
    ctx.out << "Clients (" << clients.size() << "):\n";
    for (auto& c : clients) {
        ctx.out << "  " << c.orgnr << "  subscription " << c.subscription << "  " << c.name
                << (c.multi_company ? "  [multi-company]" : "") << '\n';
        for (auto& u : repo.client_users(c.id))
            ctx.out << "      " << u.name << " <" << u.email << ">  " << u.role << '\n';
    }
    return k_exit_ok;
}

}  // namespace

int cmd_registry(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json"});
    auto& pos = args.positionals();
    if (pos.empty()) throw UsageError("registry needs a verb: import FILE | list");
    if (pos[0] == "import") {
        if (pos.size() != 2) throw UsageError("usage: linkage registry import FILE");
        return import_registry_file(ctx, pos[1]);
    }
    if (pos[0] == "list") return list_registry(ctx, args.flag("json"));
    throw UsageError("unknown registry verb '" + pos[0] + "': use import or list");
}

}  // namespace cli
