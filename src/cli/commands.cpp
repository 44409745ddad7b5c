#include "cli/commands.hpp"

namespace cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> k_commands{
        {"init", "create the state directory, its folders and the store",
         "usage: linkage [--home DIR] init\n\n"
         "Creates the state directory (default ./var, or --home / LINKAGE_HOME) with its folders\n"
         "(inbox, work, archive, rejected, reports, outbox, crops) and the store, applies migrations and\n"
         "records the store's identity in DIR/store.id. Safe to run again: existing data is kept. The\n"
         "only command (with restore and demo) that creates a store or a folder; the others refuse a\n"
         "missing or empty store (exit 5), another store than DIR/store.id names (exit 5) and a missing\n"
         "folder (exit 4).\n",
         cmd_init, false, nullptr},
        {"registry", "import or list the registry of bureaus and clients",
         "usage: linkage registry import FILE\n"
         "       linkage registry list [--json]\n\n"
         "import: reads the registry JSON (docs/spec.md §6), validates every record and reports every\n"
         "problem with its JSON path; writes all or nothing. Importing the same file again changes\n"
         "nothing; an updated file updates records in place, each change an event.\n"
         "list: prints bureaus, clients and their users.\n",
         cmd_registry, true, "list"},
        {"orgnr", "validate Swedish organisation / personal identity numbers",
         "usage: linkage orgnr [NUMBER...]\n\n"
         "Validates each NUMBER, or one number per line from standard input when none is given.\n"
         "Prints one line per input: the canonical form, or 'invalid: REASON'.\n"
         "Exit 0 when all are valid, 1 otherwise.\n",
         cmd_orgnr, false, "*"},
        {"linkages", "list linkages",
         "usage: linkage linkages [--bureau ORGNR] [--state STATE] [--json]\n\n"
         "Lists linkages with bureau, client, state and source. --json prints one JSON array.\n",
         cmd_linkages, true, "*"},
        {"config", "check a config file and print the effective configuration",
         "usage: linkage [--config FILE] config check\n\n"
         "Validates the configuration (file, environment LINKAGE_<SECTION>_<KEY>, defaults) and\n"
         "prints each key with its value and source; secrets are masked. Every command runs the same\n"
         "checks before it starts (exit 4): each value's type and range, log.level, store.url,\n"
         "server.base_url, smtp.from, unknown LINKAGE_<SECTION>_* variables, and that the configured\n"
         "folders exist (checked here when the state directory exists).\n",
         cmd_config, false, "*"},
        {"batch", "one pass over the inbox: scanned forms become linkages (for cron)",
         "usage: linkage [--home DIR] batch [--json] [--workers N] [--no-progress]\n\n"
         "Resumes what an interrupted run left in work/, then processes every complete file in the inbox\n"
         "(PDF, TIFF, PNG, JPEG; stacks of forms too). Files still being written or copied when it\n"
         "starts are waited for (at most batch.stable_seconds + 10 s) and taken by this run. Each form\n"
         "ends as accepted, review, rejected or duplicate. --json prints one JSON object per document on\n"
         "stdout (docs/spec.md §6). --workers N analyses N files at once (default batch.workers; 0: one per core).\n"
         "On a terminal a progress line on stderr shows the file in hand (--no-progress: none). A\n"
         "summary goes to stderr and a report to reports/: every file left in the inbox is listed with\n"
         "why (still being written, incomplete, unknown type, a link, a folder ...) and when it is taken.\n"
         "Exit 0 when the run completed, whatever the outcomes; 7 when another batch or watch holds the\n"
         "lock (e.g. the watcher runs: use one or the other, docs/operations.md).\n",
         cmd_batch, true, nullptr},
        {"watch", "process the inbox continuously (for systemd)",
         "usage: linkage [--home DIR] watch [--json] [--workers N] [--no-progress]\n\n"
         "The same processing as batch, run whenever a file arrives (inotify, plus a rescan every few\n"
         "seconds as a safety net). Stops cleanly on SIGTERM or Ctrl-C. A report per day to reports/.\n"
         "--json, --workers N: as for batch. --no-progress: no progress line on a terminal (none is\n"
         "drawn when stderr is not a terminal, e.g. under systemd).\n",
         cmd_watch, true, nullptr},
        {"review", "the review queue: list, show, approve (with corrections) or reject",
         "usage: linkage review list [--json]\n"
         "       linkage review show ID\n"
         "       linkage review approve ID [--set FIELD=VALUE ...] [--override REASON] [--reviewer NAME]\n"
         "       linkage review reject ID --reason TEXT [--reviewer NAME]\n\n"
         "list: documents waiting for a person, worst first. show: each field's value, confidence and\n"
         "crop (PNG paths), the failed checks, the page image and the original. approve: corrections\n"
         "are validated by the pipeline's rules; rules that still fail need --override with a reason;\n"
         "the linkage is approved once (a second approver is told who decided). Exit 6 when refused.\n",
         cmd_review, true, "list show"},
        {"report", "the latest batch or watch report (counts, reasons, review, rejected, trend)",
         "usage: linkage report [--json | --open]\n\n"
         "Prints the latest run's summary. --json prints its JSON; --open prints the path of the\n"
         "readable HTML report (counts per outcome and reason, documents waiting for review, rejected\n"
         "files and where they are, timings, the trend over the last 14 runs).\n",
         cmd_report, true, "*"},
        {"worker", "internal: one analysis worker process of batch/watch",
         "usage: (started by batch and watch; not for people)\n\n"
         "Reads '<sha256><TAB><path>' lines on stdin and answers each with one JSON line.\n",
         cmd_worker, true, nullptr},
        {"demo", "the README's main job: set up a home, import the sample registry, show it",
         "usage: linkage [--home DIR] demo\n\n"
         "Initialises the state directory, imports data/sample-registry.json, drops the sample scans of\n"
         "data/sample-scans/ into the inbox, runs a batch over them and prints the outcome and the\n"
         "linkages; then a digital request through the Desk (its mail in outbox/), the administrator's\n"
         "approval through the link in that mail, the bureau's activation list (paper and digital), one\n"
         "activation, the client list and that linkage's history. No server needed. Ends with what to\n"
         "try next (a five-minute web tour: passwords, serve, review, approve a link). Safe to run again\n"
         "on the same home: the scans then come out as duplicates and it says which steps are already\n"
         "done (the linkage of the digital request exists) and shows them; a fresh --home does all again.\n",
         cmd_demo, false, nullptr},
        {"serve", "run the web endpoint of the digital path (JSON API, pages, approval links, mail sender)",
         "usage: linkage serve [--port N] [--address ADDR]\n\n"
         "Serves the JSON API (/api/v1/...), the bureau pages (sign in, client list, Koppla klient) and\n"
         "the administrators' approval links (/approve/TOKEN) on server.address:server.port (default\n"
         "127.0.0.1:8080; --port 0 picks a free port). Also delivers queued mail (SMTP when smtp.host is\n"
         "set, else .eml files in paths.outbox) and expires unanswered requests. One access-log line per\n"
         "request on stdout (no tokens, personal numbers masked). SIGTERM or Ctrl-C stops gracefully.\n",
         cmd_serve, true, nullptr},
        {"user", "manage a bureau user's API tokens and sign-in password, and staff users",
         "usage: linkage user token USERNAME [--keep-old]\n"
         "       linkage user tokens USERNAME\n"
         "       linkage user revoke-token ID\n"
         "       linkage user password USERNAME\n"
         "       linkage user add-staff USERNAME [--name NAME]   (back-office staff for /review)\n\n"
         "Passwords (password, add-staff): on a terminal you are asked twice, without echo; otherwise\n"
         "the first line of standard input is the password (scripts).\n"
         "token: prints a new personal API token once (Authorization: Bearer TOKEN); only its hash is\n"
         "stored. It expires after tokens.api_token_days (default 365; 0: never). The user's older\n"
         "tokens are revoked with it unless --keep-old is given.\n"
         "tokens: lists the user's tokens: ID, created, last used (to the minute), expires, revoked;\n"
         "never the tokens themselves.\n"
         "revoke-token: revokes the token with that ID at once (its next request gets 401).\n"
         "password: sets the password for the web pages (at least 10 characters; PBKDF2) and ends\n"
         "every web session of the user. add-staff: a staff user who signs in at /review (--name NAME:\n"
         "the name shown, default the username); again for the same user sets a new password and\n"
         "ends that user's sessions.\n"
         "Exit 6 when the user is not an active bureau user in the registry, or no token has that ID;\n"
         "exit 2 for a malformed command line (an ID that is not a number).\n",
         cmd_user, true, "tokens"},
        {"mail", "show the mail queue or deliver due messages once",
         "usage: linkage mail status [--json]\n"
         "       linkage mail send [--lease-seconds N]\n\n"
         "status: queued, retrying, sent and failed counts, the next attempt and the last error\n"
         "(--json: one object).\n"
         "send: one delivery pass of up to 100 due messages (SMTP when smtp.host is set, else .eml\n"
         "files in paths.outbox); a message that cannot be delivered stays queued and is retried with\n"
         "backoff. --lease-seconds N (1-86400, default 300): each message is reserved for N seconds\n"
         "while it is delivered, so a sender killed mid-delivery delays it by at most N seconds.\n",
         cmd_mail, true, "status"},
        {"form", "print the linkage form: blank, or pre-filled for one bureau and client",
         "usage: linkage form blank -o FILE\n"
         "       linkage [--home DIR] form prefill --bureau ORGNR --client ORGNR|SUBSCRIPTION -o FILE\n\n"
         "blank: writes the fillable linkage form (PDF, A4, AcroForm fields named as in docs/spec.md §4.1)\n"
         "from templates/linkage-form.v1.json. Needs no state directory.\n"
         "prefill: looks the bureau and the client up in the registry, records a pending paper\n"
         "linkage (state requested) with a fresh reference code, and writes the form with the\n"
         "bureau and client filled in and the reference code printed and in its QR code.\n"
         "Refused (exit 6) for an unknown bureau or client, or when the pair already has a\n"
         "live linkage. The file is written atomically.\n",
         cmd_form, false, "blank"},
        {"backup", "copy the live store to FILE (online: batch, watch and serve keep running)",
         "usage: linkage [--home DIR] backup FILE\n\n"
         "Copies the store with SQLite's online backup API while other processes keep writing, checks\n"
         "the copy with PRAGMA integrity_check and only then renames it to FILE (an existing FILE is\n"
         "replaced whole). Every transaction committed before the backup started is in the copy.\n"
         "Exit 3 when FILE's folder does not exist, 5 when the copy fails its integrity check.\n",
         cmd_backup, true, "*"},
        {"restore", "restore a backup into an empty home",
         "usage: linkage [--home DIR] restore FILE\n\n"
         "Checks FILE (integrity, a linkage store), brings its schema up to date and installs it as the\n"
         "store of DIR, creating DIR and its folders. Refused (exit 6) when the store already holds\n"
         "data; exit 3 when FILE is missing or damaged; 7 when a batch or watch runs on DIR.\n",
         cmd_restore, false, nullptr},
        {"health", "check the store, the inbox and the pipeline (what GET /healthz reports)",
         "usage: linkage [--home DIR] health [--json] [--require-watch] [--deep]\n\n"
         "store: the store answers SELECT 1; inbox: a file can be created there; pipeline: whether a\n"
         "batch or watch holds the lock; heartbeat: the watcher's last beat (with --require-watch or\n"
         "health.require_watch, no lock holder or a beat older than health.watch_stale_seconds fails);\n"
         "backlog: information; last_batch: when the last batch ended and how long ago (a warning\n"
         "after 36 h while no batch or watch runs); mail: the mail queue (a warning while messages are\n"
         "being retried, with the last error); free_space: home, store and inbox against\n"
         "health.min_free_mb; --deep: PRAGMA quick_check of the whole store. Prints 'ok', 'warn' (works,\n"
         "but a person must look) or 'fail' and one line per check (--json: one object). Exit 0 when\n"
         "healthy ('ok' or 'warn'), 5 otherwise.\n",
         cmd_health, false, "*"},
        {"metrics", "print the store's numbers in Prometheus text format (what GET /metrics adds)",
         "usage: linkage [--home DIR] metrics [-o|--out FILE]\n\n"
         "Forms by outcome and reason, review queue length, linkages by state, mail queue length and\n"
         "failures, watcher heartbeat age, inbox backlog, last batch, health, in Prometheus text format 0.0.4. -o FILE writes atomically (for\n"
         "node_exporter's textfile collector).\n",
         cmd_metrics, true, "*"},
        {"activation-list", "a bureau's approved linkages waiting for activation (both paths)",
         "usage: linkage activation-list --bureau ORGNR [--json]\n\n"
         "Approved, not yet activated linkages of the bureau, from paper forms and digital requests\n"
         "alike: client, source, approved when, how (digital, paper, review) and by whom.\n",
         cmd_activation_list, true, "*"},
        {"activate", "activate an approved linkage: consultants and their permissions",
         "usage: linkage activate ID --consultant USER=PERM[,PERM...] [--consultant ...] [--bureau ORGNR] [--json]\n\n"
         "Assigns one or more of the bureau's active users (role consultant or admin), each with\n"
         "permissions from data/permissions.json, and activates the linkage, in one transaction.\n"
         "Exit 6 with a reason code for each mistake (unknown_user, unknown_permission, wrong_state, ...).\n",
         cmd_activate, true, nullptr},
        {"permissions", "change the consultants and permissions of an activated linkage",
         "usage: linkage permissions ID --consultant USER=PERM[,PERM...] [--consultant ...] [--bureau ORGNR]\n\n"
         "Replaces the whole consultant set: users not listed lose their assignment. Each change is an event.\n",
         cmd_permissions, true, nullptr},
        {"client-list", "a bureau's activated clients with each consultant's permissions",
         "usage: linkage client-list --bureau ORGNR [--json]\n\n"
         "The bureau's activated linkages: each client (name, organisation number) with its consultants\n"
         "and each consultant's permissions (data/permissions.json). --json prints one JSON array (the\n"
         "shape of GET /api/v1/client-list).\n",
         cmd_client_list, true, "*"},
        {"revoke", "revoke a live linkage, by the bureau or by a client administrator",
         "usage: linkage revoke ID [--bureau ORGNR] [--reason TEXT]\n"
         "       linkage revoke ID --client-admin EMAIL [--reason TEXT]\n\n"
         "--client-admin records a revocation asked for by that system administrator of the client\n"
         "(exit 6 when the address is not one). Consultants lose their assignments; nothing is deleted.\n",
         cmd_revoke, true, nullptr},
        {"show", "the whole story of one linkage",
         "usage: linkage show ID [--json]\n\n"
         "From the store's events and evidence: requested by whom, mails sent, approved by whom or by\n"
         "which paper form (archived file and SHA-256), reviewed by whom with which corrections,\n"
         "activated by whom with which permissions, revoked.\n",
         cmd_show, true, "*"},
    };
    return k_commands;
}

bool reads_only(const Command& cmd, const std::vector<std::string>& args) {
    if (!cmd.read_only) return false;
    const std::string list = cmd.read_only;
    if (list == "*") return true;
    std::string first;
    for (auto& a : args)
        if (a.rfind("-", 0) != 0) {
            first = a;
            break;
        }
    if (first.empty()) return false;
    return (" " + list + " ").find(" " + first + " ") != std::string::npos;
}

}  // namespace cli
