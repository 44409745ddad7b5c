#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/log.hpp"

#include <iomanip>
#include <ostream>

namespace cli {

int cmd_config(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    auto& pos = args.positionals();
    if (pos.size() != 1 || pos[0] != "check") throw UsageError("usage: linkage config check");
    auto& s = ctx.settings();
    // Read each typed key once so a bad value is reported here, not at 03:00.
    s.get_int("store.busy_timeout_ms", 100, 600000);
    s.get_int("batch.workers", 0, 256);
    s.get_int("batch.stable_seconds", 0, 3600);
    s.get_double("thresholds.min_confidence", 0, 100);
    s.get_double("thresholds.max_residual_mm", 0, 50);
    s.get_int("thresholds.max_form_age_days", 1, 3650);
    s.get_double("thresholds.min_ink_percent", 0, 100);
    s.get_int("tokens.valid_days", 1, 365);
    s.get_int("tokens.api_token_days", 0, 3650);
    s.get_int("server.session_idle_minutes", 1, 1440);
    s.get_int("limits.signin_failures", 1, 1000);
    s.get_int("limits.signin_window_seconds", 1, 86400);
    s.get_int("limits.signin_max_delay_seconds", 1, 86400);
    s.get_int("server.port", 1, 65535);
    s.get_int("server.threads", 0, 1024);
    s.get_int("server.ops_port", -1, 65535);
    s.get_int("server.header_timeout_seconds", 1, 3600);
    s.get_int("server.body_timeout_seconds", 1, 3600);
    s.get_int("server.max_connections_per_client", 1, 100000);
    s.get_int("server.max_connections", 1, 1000000);
    s.get_int("smtp.port", 1, 65535);
    s.get_bool("smtp.starttls");
    s.get_int("limits.max_file_mb", 1, 4096);
    s.get_int("limits.max_pages", 1, 10000);
    s.get_int("limits.max_megapixels", 1, 1000);
    s.get_int("limits.max_pdf_objects", 10, 10000000);
    s.get_int("limits.max_body_kb", 1, 65536);
    s.get_int("limits.requests_per_token_per_minute", 0, 100000000);
    s.get_int("limits.searches_per_user_per_day", 0, 100000000);
    s.get_int("limits.request_cooldown_days", 0, 365);
    s.get_int("limits.approval_mails_per_recipient_per_week", 0, 1000);
    s.get_int("limits.max_worker_memory_mb", 64, 1 << 20);
    s.get_int("limits.max_seconds_per_file", 5, 86400);
    s.get_int("batch.incomplete_give_up_seconds", 0, 86400);
    s.get_bool("health.require_watch");
    s.get_int("health.watch_stale_seconds", 1, 86400);
    s.get_int("health.min_free_mb", 0, 1000000000);
    s.get_double("thresholds.min_confidence_checked", 0, 100);
    s.get_double("thresholds.min_confidence_confirmed", 0, 100);
    if (!core::parse_log_level(s.get("log.level")))
        throw config::ConfigError("configuration log.level = '" + s.get("log.level") +
                                  "' must be one of trace, debug, information, notice, warning, error, critical "
                                  "(LINKAGE_LOG_LEVEL)");
    if (std::string url = s.get("store.url"); !url.empty() && url.rfind("sqlite:", 0) != 0)
        throw config::ConfigError("configuration store.url must be empty or sqlite:PATH (LINKAGE_STORE_URL)");
    if (std::string base = s.get("server.base_url"); base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
        throw config::ConfigError("configuration server.base_url = '" + base +
                                  "' must start with http:// or https:// (LINKAGE_SERVER_BASE_URL)");
    ctx.out << "configuration ok" << (s.file() ? " (file " + s.file()->string() + ")" : " (no file; defaults)")
            << "\nhome = " << ctx.home().string() << "\nstore = " << ctx.store_url() << '\n';
    for (auto& e : s.effective())
        ctx.out << std::left << std::setw(30) << e.key << " = " << std::setw(30) << e.value << "  (" << e.source << ")\n";
    return k_exit_ok;
}

}  // namespace cli
