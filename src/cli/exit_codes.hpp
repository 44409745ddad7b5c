// Exit codes of the `linkage` program: a stable interface for cron, systemd
// and scripts. README.md repeats this table; change both or neither.
#pragma once

#include "core/error.hpp"

namespace cli {

enum ExitCode : int {
    k_exit_ok = 0,            // the run completed (whatever the documents' outcomes)
    k_exit_some_invalid = 1,  // `orgnr`: at least one number was invalid; `config check`: the file has errors
    k_exit_usage = 2,         // unknown command or option, missing argument
    k_exit_input = 3,         // a file named on the command line is missing, unreadable or invalid, or
                              // cannot be written (`backup`: target folder missing or its disk full)
    k_exit_config = 4,        // bad configuration (file, value, environment variable, missing folder)
    k_exit_store = 5,         // the store cannot be opened (missing, empty, not this home's, damaged,
                              // read-only home), migrated or written; `serve`: its port is in use
    k_exit_refused = 6,       // the store refused the action (unknown record, rule forbids it)
    k_exit_locked = 7,        // another run of the same job holds the lock
    k_exit_internal = 70,     // a bug: please report it with the log line
};

// The one mapping from an exception's kind (core/error.hpp) to the exit code.
constexpr int exit_code_of(core::ErrorKind k) {
    switch (k) {
        case core::ErrorKind::usage: return k_exit_usage;
        case core::ErrorKind::input: return k_exit_input;
        case core::ErrorKind::config: return k_exit_config;
        case core::ErrorKind::install: return k_exit_config;
        case core::ErrorKind::store: return k_exit_store;
        case core::ErrorKind::refused: return k_exit_refused;
        case core::ErrorKind::locked: return k_exit_locked;
        case core::ErrorKind::internal: return k_exit_internal;
    }
    return k_exit_internal;
}

// The words before an error's text on stderr ("linkage: store error: ...").
constexpr const char* error_prefix(core::ErrorKind k) {
    switch (k) {
        case core::ErrorKind::config: return "configuration error: ";
        case core::ErrorKind::install: return "installation error: ";
        case core::ErrorKind::store: return "store error: ";
        case core::ErrorKind::internal: return "internal error: ";
        default: return "";
    }
}

}  // namespace cli
