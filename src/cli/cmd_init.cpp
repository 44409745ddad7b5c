#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "store/migrations.hpp"

#include <ostream>

namespace cli {

// Creates the state directory and its folders, opens (and so migrates) the store.
// Shared by `init` and `demo`.
void initialise_home(Context& ctx) {
    namespace fs = std::filesystem;
    fs::create_directories(ctx.home());
    for (const char* key : {"paths.inbox", "paths.work", "paths.archive", "paths.rejected", "paths.reports",
                            "paths.outbox", "paths.crops"})
        fs::create_directories(ctx.settings().get_path(key));
    ctx.store();
}

int cmd_init(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    initialise_home(ctx);
    ctx.out << "state directory ready: " << ctx.home().string() << "\nstore: " << ctx.store_url() << '\n';
    return k_exit_ok;
}

}  // namespace cli
