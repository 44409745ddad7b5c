#include "obs/product_metrics.hpp"

#include "obs/metrics.hpp"
#include "obs/store_metrics.hpp"

namespace obs {

void record_http_request(const std::string& route, int status, double seconds) {
    auto& r = process_registry();
    r.counter("linkage_http_requests_total", "HTTP requests by route and status",
              {{"route", route}, {"status", std::to_string(status)}})
        .inc();
    r.histogram("linkage_http_request_seconds", "HTTP request latency by route", latency_buckets(), {{"route", route}})
        .observe(seconds);
}

void record_stage(const std::string& stage, double seconds) {
    process_registry()
        .histogram("linkage_stage_seconds", "Time spent per pipeline stage and form", latency_buckets(),
                   {{"stage", stage}})
        .observe(seconds);
}

void record_document(const std::string& outcome, const std::vector<std::string>& reasons) {
    auto& r = process_registry();
    const char* help = "Forms decided by this process, by outcome and reason code";
    if (reasons.empty()) r.counter("linkage_documents_processed_total", help, {{"outcome", outcome}, {"reason", "none"}}).inc();
    for (auto& reason : reasons)
        r.counter("linkage_documents_processed_total", help, {{"outcome", outcome}, {"reason", reason}}).inc();
}

std::string metrics_page(store::Connection& c) {
    Registry scrape;
    try {
        collect_store_metrics(scrape, c);
    } catch (const store::StoreError&) {
        // linkage_store_up is 0; the rest of the page still helps.
    }
    return scrape.render() + process_registry().render();
}

}  // namespace obs
