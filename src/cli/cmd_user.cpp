// `linkage user`: credentials of bureau users — a personal API token
// (printed once, stored only as a hash) and the sign-in password (read from
// standard input, stored as PBKDF2).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "digital/secrets.hpp"
#include "store/auth_repo.hpp"

#include <iostream>

namespace cli {

int cmd_user(Context& ctx, const std::vector<std::string>& argv) {
    if (!argv.empty() && argv[0] == "add-staff") return cmd_user_add_staff(ctx, argv);
    Args args(argv, {}, {});
    const auto& pos = args.positionals();
    if (pos.size() != 2 || (pos[0] != "token" && pos[0] != "password"))
        throw UsageError("usage: linkage user token USERNAME | linkage user password USERNAME");
    store::AuthRepo auth(ctx.store());
    auto user = auth.user_with_password(pos[1]);
    if (!user) {
        ctx.err << "linkage: no active bureau user '" << pos[1] << "' in the registry (see 'linkage registry list')\n";
        return k_exit_refused;
    }
    const std::string now = core::format_utc(ctx.clock().now());
    if (pos[0] == "token") {
        const std::string token = digital::random_token();
        auth.add_api_token(user->first.user_id, digital::sha256_hex(token), now, ctx.actor());
        ctx.out << token << '\n';
        ctx.err << "linkage: new API token for " << pos[1]
                << " printed above; it is shown only once (use: Authorization: Bearer TOKEN)\n";
        return k_exit_ok;
    }
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < 10) {
        ctx.err << "linkage: the password (first line of standard input) must have at least 10 characters\n";
        return k_exit_refused;
    }
    auth.set_password_hash(user->first.user_id, digital::hash_password(password), now, ctx.actor());
    ctx.out << "password set for " << pos[1] << '\n';
    return k_exit_ok;
}

}  // namespace cli
