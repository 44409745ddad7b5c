#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

#include <ostream>

namespace cli {

void initialise_home(Context& ctx);
int import_registry_file(Context& ctx, const std::filesystem::path& file);

int cmd_demo(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    ctx.out << "== 1. State directory and store\n";
    initialise_home(ctx);
    ctx.out << "home: " << ctx.home().string() << "\nstore: " << ctx.store_url() << "\n\n";
    ctx.out << "== 2. Import the sample registry\n";
    if (int rc = import_registry_file(ctx, ctx.share_dir() / "data" / "sample-registry.json"); rc != k_exit_ok)
        return rc;
    ctx.out << "\n== 3. What the store holds\n";
    if (int rc = cmd_registry(ctx, {"list"}); rc != k_exit_ok) return rc;
    ctx.out << '\n';
    return cmd_linkages(ctx, {});
}

}  // namespace cli
