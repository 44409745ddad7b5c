// GET /healthz and GET /metrics (issue 9): thin wrappers over obs. No
// authentication (operations scrape them; they hold no personal data), but
// only counts and check names — never paths of users' files or tokens.
#include "obs/health.hpp"
#include "obs/liveness.hpp"
#include "obs/metrics.hpp"
#include "obs/product_metrics.hpp"
#include "web/handlers.hpp"

namespace web {

void handle_healthz(Exchange& x) {
    obs::HealthReport report;
    if (x.app.options.health) report = obs::check_health(*x.app.options.health);
    else report.checks.push_back(obs::check_store(x.db()));
    const bool json = x.query.count("format") && x.query.at("format") == "json";
    const int status = report.ok() ? 200 : 503;
    if (json) return x.send_json(status, report.json());
    x.send(status, "text/plain; charset=utf-8", report.text());
}

void handle_metrics(Exchange& x) {
    std::string page = obs::metrics_page(x.db());
    if (x.app.options.health) {
        // Liveness gauges (heartbeat age, inbox backlog, last batch): read at scrape time.
        obs::Registry live;
        try {
            obs::collect_liveness_metrics(live, x.db(), x.app.options.health->inbox, x.app.clock.now());
        } catch (const std::exception&) {
            // The store gauges already say linkage_store_up 0.
        }
        page += live.render();
    }
    x.send(200, obs::k_prometheus_content_type, page);
}

}  // namespace web
