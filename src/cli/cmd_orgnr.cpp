#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/org_number.hpp"

#include <iostream>
#include <ostream>

namespace cli {

int cmd_orgnr(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    bool all_valid = true;
    auto check = [&](const std::string& text) {
        auto on = core::OrgNumber::parse(text);
        if (on) {
            ctx.out << on->canonical() << '\n';
        } else {
            ctx.out << "invalid: " << core::to_code(on.error().error) << ": " << on.error().message << '\n';
            all_valid = false;
        }
    };
    if (!args.positionals().empty()) {
        for (auto& a : args.positionals()) check(a);
    } else {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            check(line);
        }
    }
    ctx.out.flush();
    return all_valid ? k_exit_ok : k_exit_some_invalid;
}

}  // namespace cli
