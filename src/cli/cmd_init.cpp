#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "store/store.hpp"

#include <ostream>

namespace cli {

// Creates the state directory and its folders, creates (or opens) and
// migrates the store, and records the store's identity in <home>/store.id.
// The only place besides `restore` that creates any of them. Shared by
// `init` and `demo`.
void initialise_home(Context& ctx) {
    namespace fs = std::filesystem;
    fs::create_directories(ctx.home());
    for (auto& key : config::Settings::folder_keys()) fs::create_directories(ctx.settings().get_path(key));
    ctx.allow_store_creation();
    ctx.store();  // open_store writes the identity marker when the home has none
}

int cmd_init(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    initialise_home(ctx);
    ctx.out << "state directory ready: " << ctx.home().string() << "\nstore: " << ctx.store_url()
            << "\nstore id: " << store::store_identity(ctx.store()) << '\n';
    return k_exit_ok;
}

}  // namespace cli
