#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>

namespace cli {

void initialise_home(Context& ctx);
int import_registry_file(Context& ctx, const std::filesystem::path& file);
int demo_digital_path_and_activation(Context& ctx);

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

    ctx.out << "\n== 4. Back office drops the sample scans into the inbox\n";
    namespace fs = std::filesystem;
    auto inbox = ctx.settings().get_path("paths.inbox");
    std::vector<fs::path> scans;
    for (auto& e : fs::directory_iterator(ctx.share_dir() / "data" / "sample-scans"))
        if (e.is_regular_file() && e.path().extension() != ".json") scans.push_back(e.path());
    std::sort(scans.begin(), scans.end());
    // Dropped a minute ago, a second apart: complete, and in a fixed order.
    auto t0 = fs::file_time_type::clock::now() - std::chrono::minutes(1);
    for (size_t i = 0; i < scans.size(); ++i) {
        auto target = inbox / scans[i].filename();
        fs::copy_file(scans[i], target, fs::copy_options::overwrite_existing);
        fs::last_write_time(target, t0 + std::chrono::seconds(i));
        ctx.out << "  " << scans[i].filename().string() << '\n';
    }
    ctx.out << "\n== 5. The nightly batch (linkage batch)\n";
    ctx.out.flush();
    if (int rc = cmd_batch(ctx, {"--no-progress"}); rc != k_exit_ok) return rc;
    ctx.out << "\n== 6. Linkages now in the store\n";
    if (int rc = cmd_linkages(ctx, {}); rc != k_exit_ok) return rc;
    return demo_digital_path_and_activation(ctx);  // cmd_activation_demo.cpp
}

}  // namespace cli
