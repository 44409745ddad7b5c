// `linkage user`: credentials of bureau users — a personal API token
// (printed once, stored only as a hash, valid tokens.api_token_days; a new
// one retires the user's older ones unless --keep-old), the list of a
// user's tokens (never the tokens themselves), revoking one token, and the
// sign-in password (read from standard input, stored as PBKDF2; setting it
// ends every web session of the user).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/password_input.hpp"
#include "digital/secrets.hpp"
#include "store/auth_repo.hpp"

#include <chrono>
#include <iomanip>
#include <iostream>

namespace cli {

namespace {

constexpr const char* k_usage =
    "usage: linkage user token USERNAME [--keep-old] | linkage user tokens USERNAME | "
    "linkage user revoke-token ID | linkage user password USERNAME | "
    "linkage user add-staff USERNAME [--name NAME]";

int no_such_user(Context& ctx, const std::string& username) {
    ctx.err << "linkage: no active bureau user '" << username << "' in the registry (see 'linkage registry list')\n";
    return k_exit_refused;
}

int list_tokens(Context& ctx, store::AuthRepo& auth, const store::Principal& user) {
    const auto now = core::format_utc(ctx.clock().now());
    auto tokens = auth.api_tokens_of(user.user_id);
    ctx.out << std::left << std::setw(6) << "ID" << std::setw(22) << "CREATED" << std::setw(22) << "LAST USED"
            << std::setw(22) << "EXPIRES" << "REVOKED\n";
    for (auto& t : tokens) {
        std::string expires = t.expires_at.value_or("never");
        if (t.expires_at && *t.expires_at <= now && !t.revoked_at) expires += " (expired)";
        ctx.out << std::setw(6) << t.id << std::setw(22) << t.created_at << std::setw(22)
                << t.last_used_at.value_or("never") << std::setw(22) << expires << t.revoked_at.value_or("-")
                << '\n';
    }
    ctx.err << "linkage: " << tokens.size() << " API token(s) of " << user.username
            << "; last use is recorded to the minute\n";
    return k_exit_ok;
}

int revoke_token(Context& ctx, store::AuthRepo& auth, const std::string& id_text) {
    store::Id id = 0;
    try {
        std::size_t used = 0;
        id = std::stoll(id_text, &used);
        if (used != id_text.size() || id <= 0) throw std::out_of_range("");
    } catch (const std::exception&) {
        throw UsageError("revoke-token " + id_text +
                         ": give the token's ID as listed by 'linkage user tokens USERNAME'");
    }
    switch (auth.revoke_api_token(id, core::format_utc(ctx.clock().now()), ctx.actor())) {
        case store::RevokeResult::revoked: ctx.out << "API token " << id << " revoked\n"; return k_exit_ok;
        case store::RevokeResult::already_revoked:
            ctx.out << "API token " << id << " was already revoked\n";
            return k_exit_ok;
        case store::RevokeResult::not_found: break;
    }
    ctx.err << "linkage: no API token with ID " << id << " (see 'linkage user tokens USERNAME')\n";
    return k_exit_refused;
}

}  // namespace

int cmd_user(Context& ctx, const std::vector<std::string>& argv) {
    if (!argv.empty() && argv[0] == "add-staff") return cmd_user_add_staff(ctx, argv);
    Args args(argv, {}, {"keep-old"});
    const auto& pos = args.positionals();
    const bool known = !pos.empty() && (pos[0] == "token" || pos[0] == "tokens" || pos[0] == "revoke-token" ||
                                        pos[0] == "password");
    if (pos.size() != 2 || !known) throw UsageError(k_usage);
    if (args.flag("keep-old") && pos[0] != "token") throw UsageError("--keep-old belongs to 'linkage user token'");
    store::AuthRepo auth(ctx.store());
    if (pos[0] == "revoke-token") return revoke_token(ctx, auth, pos[1]);
    auto user = auth.user_with_password(pos[1]);
    if (!user) return no_such_user(ctx, pos[1]);
    if (pos[0] == "tokens") return list_tokens(ctx, auth, user->first);
    const auto at = ctx.clock().now();
    const std::string now = core::format_utc(at);
    if (pos[0] == "token") {
        const int days = ctx.settings().get_int("tokens.api_token_days", 0, 3650);
        std::optional<std::string> expires;
        if (days > 0) expires = core::format_utc(at + std::chrono::days(days));
        const std::string token = digital::random_token();
        auto made = auth.add_api_token(user->first.user_id, digital::sha256_hex(token), now, ctx.actor(), expires,
                                       !args.flag("keep-old"));
        ctx.out << token << '\n';
        ctx.err << "linkage: new API token " << made.id << " for " << pos[1]
                << " printed above; it is shown only once (use: Authorization: Bearer TOKEN); valid "
                << (expires ? "until " + *expires : std::string("without end (tokens.api_token_days = 0)")) << '\n';
        if (!made.retired.empty())
            ctx.err << "linkage: " << made.retired.size() << " older token(s) of " << pos[1]
                    << " revoked (--keep-old keeps them)\n";
        return k_exit_ok;
    }
    const auto password = read_new_password(std::cin, ctx.err);
    if (!password) return k_exit_refused;
    const int ended = auth.set_password_hash(user->first.user_id, digital::hash_password(*password), now, ctx.actor());
    ctx.out << "password set for " << pos[1] << "; " << ended << " web session(s) ended\n";
    return k_exit_ok;
}

}  // namespace cli
