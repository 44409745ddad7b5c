#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

#include <filesystem>
#include <iomanip>
#include <ostream>

namespace cli {

int cmd_config(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    auto& pos = args.positionals();
    if (pos.size() != 1 || pos[0] != "check") throw UsageError("usage: linkage config check");
    auto& s = ctx.settings();
    // The same checks main() runs before every command (validate() there
    // already); here the folders too when the home exists.
    s.validate();
    const bool home_exists = std::filesystem::is_directory(ctx.home());
    if (home_exists) s.check_folders();
    ctx.out << "configuration ok" << (s.file() ? " (file " + s.file()->string() + ")" : " (no file; defaults)")
            << "\nhome = " << ctx.home().string()
            << (home_exists ? "" : " (does not exist yet: folders not checked; 'linkage --home " + ctx.home().string() +
                                       " init' creates them)")
            << "\nstore = " << ctx.store_url() << '\n';
    for (auto& e : s.effective())
        ctx.out << std::left << std::setw(30) << e.key << " = " << std::setw(30) << e.value << "  (" << e.source << ")\n";
    // Looks fine but may not work: warnings, not errors (exit 0).
    for (auto& w : s.base_url_warnings()) ctx.err << "linkage: warning: " << w << '\n';
    return k_exit_ok;
}

}  // namespace cli
