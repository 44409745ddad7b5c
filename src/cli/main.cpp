// linkage: the one command-line program (SPEC §6). This file maps the global
// options to a Context, runs one subcommand, and turns every escaping
// exception into one clear line and a stable exit code (exit_codes.hpp).
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/settings.hpp"
#include "store/connection.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr const char* k_usage =
    "usage: linkage [--home DIR] [--config FILE] COMMAND [ARGS...]\n"
    "       linkage COMMAND --help\n\n"
    "The back-office desk that links accounting bureaus with their clients.\n"
    "--home DIR     state directory (default: $LINKAGE_HOME, else ./var)\n"
    "--config FILE  configuration file (default: DIR/linkage.ini when present)\n\n"
    "Commands:\n";

void print_usage(std::ostream& o) {
    o << k_usage;
    for (auto& c : cli::commands()) {
        std::string n = c.name;
        o << "  " << n << std::string(n.size() < 12 ? 12 - n.size() : 1, ' ') << c.summary << '\n';
    }
    o << "\nExit codes: 0 ok, 1 some inputs invalid, 2 usage, 3 input file, 4 config, 5 store,\n"
         "6 refused, 7 locked, 70 internal error (see README.md).\n";
}

// A command that writes needs a state directory (and store) it may write:
// said up front, instead of SQLite's "attempt to write a readonly database".
void check_writable_home(const std::filesystem::path& home, const config::Settings& settings) {
    auto refuse = [&](const std::filesystem::path& what, const char* kind) {
        struct stat st {};
        const std::string owner = ::stat(what.c_str(), &st) == 0 ? std::to_string(st.st_uid) : std::string("?");
        throw store::StoreError(std::string(kind) + " " + what.string() + " is read-only (or owned by uid " + owner +
                                ", you are " + std::to_string(::geteuid()) +
                                "): run as the service user or fix the permissions");
    };
    if (::access(home.c_str(), W_OK) != 0) refuse(home, "state directory");
    const std::string url = settings.get("store.url");
    const std::filesystem::path db = url.empty() ? home / "linkage.db" : std::filesystem::path(url.substr(7));
    if (::access(db.c_str(), F_OK) == 0 && ::access(db.c_str(), W_OK) != 0) refuse(db, "store");
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::optional<std::filesystem::path> home, config_file;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            print_usage(std::cout);
            return cli::k_exit_ok;
        } else if (a == "--version") {
            std::cout << "linkage 0.1.0\n";
            return cli::k_exit_ok;
        } else if ((a == "--home" || a == "--config") && i + 1 < args.size()) {
            (a == "--home" ? home : config_file) = args[++i];
        } else if (a.rfind("--home=", 0) == 0) {
            home = a.substr(7);
        } else if (a.rfind("--config=", 0) == 0) {
            config_file = a.substr(9);
        } else if (a.rfind("--", 0) == 0) {
            throw cli::UsageError("unknown option " + a + " before the command (see linkage --help)");
        } else {
            break;
        }
    }
    if (i == args.size()) {
        print_usage(std::cerr);
        return cli::k_exit_usage;
    }
    const std::string name = args[i];
    std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
    const cli::Command* cmd = nullptr;
    for (auto& c : cli::commands())
        if (name == c.name) cmd = &c;
    if (!cmd) throw cli::UsageError("unknown command '" + name + "' (see linkage --help)");
    for (auto& a : rest) {
        if (a == "--help" || a == "-h") {
            std::cout << cmd->help;
            return cli::k_exit_ok;
        }
        if (a == "--") break;
    }

    if (!home) {
        const char* env = std::getenv("LINKAGE_HOME");
        home = env && *env ? std::filesystem::path(env) : std::filesystem::path("var");
    }
    // Every command runs on settings `config check` accepts, or not at all.
    auto settings = config::Settings::load(*home, config_file);
    settings.validate();
    const bool read_only = cli::reads_only(*cmd, rest);
    if (cmd->needs_home) {
        if (!std::filesystem::is_directory(*home))
            throw store::StoreError("state directory " + home->string() + " does not exist: run 'linkage --home " +
                                    home->string() + " init' first, or set --home / LINKAGE_HOME");
        settings.check_folders();  // only init creates them: a typo'd folder is an error, not a new folder
        if (!read_only) check_writable_home(*home, settings);
    }
    cli::Context ctx(*home, std::move(settings), std::cout, std::cerr);
    ctx.set_store_read_only(read_only);
    return cmd->run(ctx, rest);
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    try {
        return run(argc, argv);
    } catch (const core::Error& e) {
        // The exception's kind carries the exit code (core/error.hpp).
        std::cerr << "linkage: " << cli::error_prefix(e.kind()) << e.what()
                  << (e.kind() == core::ErrorKind::internal ? " (please report this line)" : "") << '\n';
        return cli::exit_code_of(e.kind());
    } catch (const std::filesystem::filesystem_error& e) {
        std::cerr << "linkage: file system error: " << e.what() << " (check the state directory's permissions and free space)\n";
        return cli::k_exit_store;
    } catch (const std::exception& e) {
        std::cerr << "linkage: internal error: " << e.what() << " (please report this line)\n";
        return cli::k_exit_internal;
    }
}
