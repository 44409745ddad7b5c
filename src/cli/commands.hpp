// The subcommands of `linkage`. Each lives in its own cmd_<name>.cpp and is
// listed once in commands.cpp. A command returns an ExitCode; it throws only
// for a broken environment (store, config) or a usage error.
#pragma once

#include "cli/context.hpp"

#include <string>
#include <vector>

namespace cli {

using CommandFn = int (*)(Context& ctx, const std::vector<std::string>& args);

struct Command {
    const char* name;
    const char* summary;  // one line for `linkage --help`
    const char* help;     // full text for `linkage NAME --help`
    CommandFn run;
    bool needs_home;      // false: runs without an initialised state directory
    // Opens the store read-only (and runs on a read-only state directory):
    // "*" always, else the subcommands (first argument) that only read,
    // separated by spaces; nullptr: the command writes.
    const char* read_only;
};

// True when `cmd` run with `args` only reads the store.
bool reads_only(const Command& cmd, const std::vector<std::string>& args);

const std::vector<Command>& commands();

int cmd_init(Context&, const std::vector<std::string>&);
int cmd_registry(Context&, const std::vector<std::string>&);
int cmd_orgnr(Context&, const std::vector<std::string>&);
int cmd_linkages(Context&, const std::vector<std::string>&);
int cmd_config(Context&, const std::vector<std::string>&);
int cmd_demo(Context&, const std::vector<std::string>&);
int cmd_serve(Context&, const std::vector<std::string>&);
int cmd_user(Context&, const std::vector<std::string>&);
int cmd_mail(Context&, const std::vector<std::string>&);
int cmd_form(Context&, const std::vector<std::string>&);
int cmd_batch(Context&, const std::vector<std::string>&);
int cmd_watch(Context&, const std::vector<std::string>&);
int cmd_review(Context&, const std::vector<std::string>&);
int cmd_report(Context&, const std::vector<std::string>&);
int cmd_worker(Context&, const std::vector<std::string>&);
int cmd_backup(Context&, const std::vector<std::string>&);
int cmd_restore(Context&, const std::vector<std::string>&);
int cmd_health(Context&, const std::vector<std::string>&);
int cmd_metrics(Context&, const std::vector<std::string>&);
int cmd_activation_list(Context&, const std::vector<std::string>&);
int cmd_activate(Context&, const std::vector<std::string>&);
int cmd_permissions(Context&, const std::vector<std::string>&);
int cmd_client_list(Context&, const std::vector<std::string>&);
int cmd_revoke(Context&, const std::vector<std::string>&);
int cmd_show(Context&, const std::vector<std::string>&);
int cmd_user_add_staff(Context&, const std::vector<std::string>&);

}  // namespace cli
