// `linkage user add-staff USERNAME [--name NAME]`: a back-office staff user
// who may resolve the review queue on the web (issue 5). The password is the
// first line of standard input (at least 10 characters), stored as PBKDF2.
// Running it again for the same username sets a new password and ends every
// session of that staff user (issue 16).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/password_input.hpp"
#include "digital/secrets.hpp"
#include "store/staff_repo.hpp"

#include <iostream>

namespace cli {

int cmd_user_add_staff(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {"name"}, {});
    const auto& pos = args.positionals();
    if (pos.size() != 2 || pos[0] != "add-staff")
        throw UsageError("usage: linkage user add-staff USERNAME [--name NAME]  (password on standard input)");
    const std::string& username = pos[1];
    if (username.empty() || username.size() > 64 || username.find_first_of(" \t\r\n") != std::string::npos)
        throw UsageError("add-staff: the username must be 1–64 characters without spaces");
    const auto password = read_new_password(std::cin, ctx.err);
    if (!password) return k_exit_refused;
    store::StaffRepo(ctx.store()).put(username, args.value("name").value_or(username),
                                      digital::hash_password(*password), core::format_utc(ctx.clock().now()),
                                      ctx.actor());
    ctx.out << "staff user " << username << " may now sign in at /review\n";
    return k_exit_ok;
}

}  // namespace cli
